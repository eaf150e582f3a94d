"""NUL bytes and other control characters in addresses and fields: 404 or a form error, never a 500."""

import pytest
from django.urls import reverse

from agencies.models import Membership
from tests.factories import ActionFactory, MembershipFactory
from tests.test_auth import our_url_patterns

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client_as, coordinator):
    return client_as(coordinator)


@pytest.mark.parametrize(
    "path",
    [
        "/recommendations/laming-2009/%00/",
        "/recommendations/laming-2009/%00/decision/",
        "/recommendations/%00/",
        "/recommendations/laming-2009/12%01/",
        "/actions/%00/",
        "/reports/papers/%00/",
    ],
)
def test_a_control_character_in_the_address_is_not_found(coordinator_client, path):
    assert coordinator_client.get(path).status_code == 404


def test_a_nul_in_the_query_string_is_not_found(coordinator_client):
    assert coordinator_client.get(reverse("actions:list"), {"q": "a\x00b"}).status_code == 404
    assert coordinator_client.get(reverse("actions:list") + "?status=%00").status_code == 404


def test_every_url_with_a_nul_in_place_of_an_argument_answers_404(coordinator_client):
    checked = 0
    for name, path in our_url_patterns():
        if "/1/" not in path:
            continue
        response = coordinator_client.get(path.replace("/1/", "/%00/", 1))
        assert response.status_code == 404, (name, path, response.status_code)
        checked += 1
    assert checked > 10


def test_a_nul_in_the_sign_in_form_is_a_form_error(client):
    response = client.post(reverse("login"), {"username": "a\x00b", "password": "x\x00y"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f", "\ufffe"])
def test_a_control_character_in_a_text_field_is_a_form_error_and_nothing_is_saved(client_as, member, character):
    action = ActionFactory(owner=member.membership.agency)
    data = {
        "version": action.version,
        "status": action.status,
        "percent_complete": action.percent_complete,
        "note": f"Met the{character}team",
        "due_date": action.due_date.isoformat(),
        "revision_reason": "",
        "evidence_link": "",
    }
    response = client_as(member).post(reverse("actions:record_progress", args=[action.pk]), data)
    assert response.status_code == 200
    assert "control character" in response.content.decode()
    assert not action.updates.exists()


def test_tabs_and_new_lines_are_still_allowed_in_text(client_as, member):
    action = ActionFactory(owner=member.membership.agency)
    data = {
        "version": action.version,
        "status": action.status,
        "percent_complete": 10,
        "note": "Line one\r\n\tLine two",
        "due_date": action.due_date.isoformat(),
        "revision_reason": "",
        "evidence_link": "",
    }
    response = client_as(member).post(reverse("actions:record_progress", args=[action.pk]), data)
    assert response.status_code == 302
    assert action.updates.get().note == "Line one\r\n\tLine two"


def test_a_member_gets_404_not_500_for_a_nul_recommendation_reference(client_as):
    member = MembershipFactory(role=Membership.Role.MEMBER).user
    assert client_as(member).get("/recommendations/laming-2009/%00/decision/").status_code == 404
