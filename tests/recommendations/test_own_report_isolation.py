"""A partnership's own restricted report is read only by its coordinator and the members of the agencies that own
its actions: every URL pattern of the application (from the resolver), asked with every key of the world, shows
none of its text to a member of another partnership, a reader of its own, or a member of an agency outside it."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from recommendations.models import SourceReport
from recommendations.own_reports import own_report_create
from reports import services
from tests.factories import ActionFactory, MeetingFactory, MembershipFactory
from tests.test_no_server_errors import OUR_PAGES, real_paths

pytestmark = pytest.mark.django_db

SECRETS = ["Zephyrine", "ZXQ Child Z", "quillwort chronology", "marram escalation", "sandwort finding"]


@pytest.fixture
def world(partnership, agency, other_agency, coordinator, member, other_agency_member, reader, outsider,
          recommendation):  # fmt: skip
    review = own_report_create(
        partnership=partnership, kind=SourceReport.Kind.LEARNING_REVIEW, title="Learning Review: Zephyrine",
        short_title="ZXQ Child Z", restricted=True,
        recommendations=["Share one quillwort chronology.", "Audit the marram escalation protocol."],
        findings=["A sandwort finding nobody saw whole."],
    )  # fmt: skip
    recs = list(review.recommendations.order_by("position"))
    answering = ActionFactory(owner=agency, reference="LR-1", recommendations=[recs[0], recommendation])
    other = ActionFactory(owner=other_agency, reference="JAR-1", recommendations=[recommendation])
    meeting = MeetingFactory(partnership=partnership)
    draft = services.paper_create(
        partnership=partnership, created_by=coordinator, meeting=meeting, title="Progress", purpose="To advise.",
        proposals="Text.", recommendation="Note.", prepared_by_name="Susan Taylor", prepared_by_role="Chair",
        signed_on=meeting.date, as_at=meeting.date, reports=[recommendation.report],
    )  # fmt: skip
    issued = services.paper_issue(paper=draft, issued_by=coordinator)
    keys = {
        "slug": [review.slug, recommendation.report.slug],
        "reference": ["1", "2", recommendation.reference],
        "pk": [answering.pk, other.pk, issued.pk],
        "update_pk": ["1"],
    }
    return {"review": review, "keys": keys, "coordinator": coordinator, "member": member,
            "other_agency_member": other_agency_member, "reader": reader, "outsider": outsider}  # fmt: skip


def texts_of(response):
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if body.startswith(b"PK"):  # a workbook or a Word file: its parts, unzipped
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace")


def seen_by(user, keys):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    found = {}
    for page in OUR_PAGES:
        for path in real_paths(page, keys):
            text = texts_of(client.get(path))
            for secret in SECRETS:
                if secret.lower() in text.lower():
                    found.setdefault(secret, path)
    for query in ({"q": "LR"}, {"report": keys["slug"][0]}):  # (a searched word is echoed: not the report)
        text = texts_of(client.get(reverse("actions:list"), query))
        found.update({s: "action list" for s in SECRETS if s.lower() in text.lower()})
    return found


@pytest.mark.parametrize("who", ["outsider", "reader", "other_agency_member"])
def test_no_url_shows_a_restricted_report_to_anyone_outside_it(world, who):
    assert seen_by(world[who], world["keys"]) == {}


@pytest.mark.parametrize("who", ["coordinator", "member"])
def test_the_coordinator_and_the_members_of_its_actions_owners_read_it(world, who):
    assert {"Zephyrine", "ZXQ Child Z"} <= set(seen_by(world[who], world["keys"]))


def test_another_partnerships_own_report_is_no_report_to_a_coordinator_elsewhere(client_as, world, other_partnership):
    outsider_coordinator = MembershipFactory(agency__partnership=other_partnership, role="coordinator").user
    review = world["review"]
    assert client_as(outsider_coordinator).get(review.get_absolute_url()).status_code == 404
    assert not SourceReport.objects.for_user(outsider_coordinator).filter(pk=review.pk).exists()
