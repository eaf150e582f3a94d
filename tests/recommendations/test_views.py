"""The national reports and recommendations pages, and the coordinator's applicability decisions.

Reports and recommendations are national: every logged-in user reads them. The decisions and actions shown on
them are the viewer's partnership's only.
"""

import datetime
import html
import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Status
from recommendations.models import ApplicabilityDecision
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    DecisionFactory,
    FindingFactory,
    RecommendationFactory,
    SourceReportFactory,
    ThemeFactory,
)
from tests.helpers import days, text, words

pytestmark = pytest.mark.django_db


def row(response, reference):
    """The words of a recommendation's row on the report page."""
    match = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{reference}</a>.*?</tr>", response.content.decode(), re.S)
    assert match, f"no row for recommendation {reference}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())


def decision_url(rec):
    return reverse("recommendations:decision", args=[rec.report.slug, rec.reference])


def detail_url(rec):
    return reverse("recommendations:detail", args=[rec.report.slug, rec.reference])


@pytest.fixture
def report(db):
    return SourceReportFactory(
        slug="haringey-jar",
        title="Joint Area Review: Haringey Children's Services Authority Area",
        short_title="Haringey JAR",
        publisher="Ofsted, Healthcare Commission and HM Inspectorate of Constabulary",
        published_text="December 2008",
    )


@pytest.fixture
def outsiders_partnership(outsider):
    return outsider.membership.agency.partnership


@pytest.fixture
def printed(report):
    """Recommendations 10 and 2 under two themes, created out of printed order; 2 comes first."""
    leadership = ThemeFactory(report=report, slug="leadership", title="Leadership and management", position=2)
    safeguarding = ThemeFactory(report=report, slug="safeguarding", title="Safeguarding", position=1)
    ten = RecommendationFactory(
        report=report, theme=leadership, reference="10", position=10, text="Strengthen the management oversight."
    )
    two = RecommendationFactory(
        report=report,
        theme=safeguarding,
        reference="2",
        position=2,
        text="Ensure that all referrals are acknowledged.",
        sub_points=["within one working day", "in writing"],
    )
    return two, ten


# --- the report list -------------------------------------------------------------------------------------------------


def test_every_logged_in_user_sees_the_national_reports(client_as, member, outsider, report):
    for user in (member, outsider):
        response = client_as(user).get(reverse("recommendations:report_list"))
        assert response.status_code == 200
        assert "Joint Area Review: Haringey Children's Services Authority Area" in text(response)
        assert f'href="{report.get_absolute_url()}"' in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/recommendations/",
        "/recommendations/haringey-jar/",
        "/recommendations/haringey-jar/2/",
        "/recommendations/haringey-jar/2/decision/",
    ],
)
def test_every_page_sends_an_anonymous_visitor_to_log_in(client, printed, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(path)}"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path", ["/recommendations/", "/recommendations/haringey-jar/", "/recommendations/haringey-jar/2/"]
)
def test_the_reading_pages_refuse_other_methods(client_as, coordinator, printed, path, method):
    assert getattr(client_as(coordinator), method)(path).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/recommendations/no-such-report/",
        "/recommendations/haringey-jar/99/",
        "/recommendations/haringey-jar/99/decision/",
    ],
)
def test_an_unknown_report_or_recommendation_is_not_found(client_as, coordinator, printed, path):
    assert client_as(coordinator).get(path).status_code == 404


# --- the report page -------------------------------------------------------------------------------------------------


def test_the_report_page_lists_recommendations_in_printed_order_under_their_themes(client_as, member, printed):
    two, ten = printed
    response = client_as(member).get(reverse("recommendations:report", args=["haringey-jar"]))
    page = text(response)
    assert response.status_code == 200
    assert "Ofsted, Healthcare Commission and HM Inspectorate of Constabulary, December 2008" in page
    assert page.index("Ensure that all referrals are acknowledged.") < page.index(
        "Strengthen the management oversight."
    )
    assert page.index(">Safeguarding</h2>") < page.index(">Leadership and management</h2>")
    assert "(2 sub-points)" in row(response, "2")
    order = [
        ">Safeguarding</h2>",
        "Ensure that all referrals are acknowledged.",  # 2
        ">Leadership and management</h2>",
        "Strengthen the management oversight.",  # 10
    ]
    assert [page.index(part) for part in order] == sorted(page.index(part) for part in order)


def test_the_report_page_shows_the_viewers_partnerships_decisions_and_actions_only(
    client_as, member, partnership, agency, other_agency, outsiders_partnership, printed
):
    two, ten = printed
    DecisionFactory(partnership=partnership, recommendation=two, decision=ApplicabilityDecision.Decision.ADOPT)
    DecisionFactory(
        partnership=outsiders_partnership, recommendation=ten, decision=ApplicabilityDecision.Decision.NOT_APPLICABLE
    )
    ActionFactory(owner=agency, recommendations=[two], status=Status.IN_PROGRESS, percent_complete=30)
    ActionFactory(owner=other_agency, recommendations=[two], status=Status.NOT_STARTED)
    ActionFactory(owner=agency, recommendations=[two], status=Status.NOT_STARTED)
    ActionFactory(owner=AgencyFactory(partnership=outsiders_partnership), recommendations=[two, ten])
    response = client_as(member).get(reverse("recommendations:report", args=["haringey-jar"]))
    assert "Adopt 3 actions: 1 in progress, 2 not started" in row(response, "2")
    assert "Under consideration None yet" in row(response, "10")
    assert "Not applicable" not in text(response)


def test_the_other_partnership_sees_its_own_decision_and_actions(
    client_as, outsider, partnership, agency, outsiders_partnership, printed
):
    two, ten = printed
    DecisionFactory(partnership=partnership, recommendation=two, decision=ApplicabilityDecision.Decision.ADOPT)
    DecisionFactory(
        partnership=outsiders_partnership, recommendation=ten, decision=ApplicabilityDecision.Decision.NOT_APPLICABLE
    )
    ActionFactory(owner=agency, recommendations=[two])
    response = client_as(outsider).get(reverse("recommendations:report", args=["haringey-jar"]))
    assert "Under consideration None yet" in row(response, "2")
    assert "Not applicable None yet" in row(response, "10")


def test_printed_order_holds_across_many_recommendations(client_as, member, report):
    for position in (11, 3, 20, 1, 2, 10):
        RecommendationFactory(report=report, reference=str(position), position=position)
    response = client_as(member).get(reverse("recommendations:report", args=["haringey-jar"]))
    references = re.findall(r'<th scope="row"><a [^>]*>(\w+)</a>', response.content.decode())
    assert references == ["1", "2", "3", "10", "11", "20"]


# --- the recommendation page -----------------------------------------------------------------------------------------


@pytest.fixture
def answered(printed, agency, other_agency, outsiders_partnership):
    """Recommendation 2 with a finding, a committee action, a single-agency action and another partnership's."""
    two, ten = printed
    FindingFactory(recommendation=two, text="Referrals were not acknowledged for weeks.")
    committee = ActionFactory(
        owner=agency,
        reference="CPC-2",
        level="committee",
        description="Agree an inter-agency referral protocol",
        timescale_text="October 2009",
        status=Status.IN_PROGRESS,
        percent_complete=10,
        due_date=days(-12),
        recommendations=[two, ten],
    )
    single = ActionFactory(
        owner=other_agency,
        reference="NHS-2",
        level="single_agency",
        description="Train health visitors on referrals",
        status=Status.COMPLETE,
        percent_complete=100,
        recommendations=[two],
    )
    ActionFactory(
        owner=AgencyFactory(partnership=outsiders_partnership),
        reference="ELSEWHERE",
        description="Another partnership's protocol",
        recommendations=[two],
    )
    return two, committee, single


def test_the_recommendation_page_shows_its_text_sub_points_and_findings(client_as, member, answered):
    two, _committee, _single = answered
    response = client_as(member).get(detail_url(two))
    page = text(response)
    assert response.status_code == 200
    assert "Haringey JAR: recommendation 2" in page
    assert "Theme: Safeguarding" in page
    assert "Ensure that all referrals are acknowledged." in page
    assert "<li>within one working day</li><li>in writing</li>" in page
    assert "Referrals were not acknowledged for weeks." in page


def test_the_recommendation_page_puts_each_action_in_its_column_with_its_rag_as_text(client_as, member, answered):
    two, committee, single = answered
    response = client_as(member).get(detail_url(two))
    assert response.context["committee_actions"] == [committee]
    assert response.context["agency_actions"] == [single]
    page = words(response)
    committee_column = page[page.index("Child Protection Committee CPC 2") : page.index("Single agency")]
    agency_column = page[page.index("Single agency") :]
    assert "Agree an inter-agency referral protocol" in committee_column
    assert "Timescale: October 2009" in committee_column
    assert "In progress · 10% · Red Also answers: Haringey JAR 10" in committee_column
    assert "Train health visitors on referrals" in agency_column
    assert "Complete · 100% · Complete" in agency_column
    assert "ELSEWHERE" not in page
    assert "Another partnership's protocol" not in page


def test_the_recommendation_page_shows_the_viewers_decision_only(
    client_as, member, coordinator, partnership, outsiders_partnership, answered
):
    two, _committee, _single = answered
    DecisionFactory(
        partnership=outsiders_partnership,
        recommendation=two,
        decision=ApplicabilityDecision.Decision.NOT_APPLICABLE,
        reason="Covered by our own protocol.",
    )
    page = words(client_as(member).get(detail_url(two)))
    assert "Under consideration: no decision recorded yet." in page
    assert "Covered by our own protocol." not in page

    DecisionFactory(
        partnership=partnership,
        recommendation=two,
        reason="Applies through the national guidance.",
        decided_by=coordinator,
    )
    page = words(client_as(member).get(detail_url(two)))
    assert f"Adopt , decided 22 June 2009 (recorded by {coordinator.get_full_name()})." in page
    assert "Applies through the national guidance." in page


def test_only_the_coordinator_is_offered_the_decision_and_new_action_links(client_as, member, coordinator, answered):
    two = answered[0]
    assert "Record decision" not in text(client_as(member).get(detail_url(two)))
    page = client_as(coordinator).get(detail_url(two)).content.decode()
    assert f'href="{decision_url(two)}"' in page
    assert f'href="{reverse("actions:create")}?recommendation={two.pk}"' in page


# --- the decision form ---------------------------------------------------------------------------------------------


def test_the_coordinator_opens_the_decision_form(client_as, coordinator, printed):
    two = printed[0]
    response = client_as(coordinator).get(decision_url(two))
    assert response.status_code == 200
    assert "Applicability decision: Haringey JAR recommendation 2" in text(response)
    assert response.context["form"]["decision"].value() == "under_consideration"
    assert response.context["form"]["decided_on"].value() == timezone.localdate()


def test_the_coordinator_records_a_decision_with_its_reason_and_history(client_as, coordinator, partnership, printed):
    two = printed[0]
    client = client_as(coordinator)
    response = client.post(
        decision_url(two),
        {"decision": "adopt", "reason": "Applies through the national guidance.", "decided_on": "2009-06-22"},
        follow=True,
    )
    assert response.redirect_chain == [(detail_url(two), 302)]
    assert "Decision recorded for Haringey JAR 2." in text(response)
    decision = ApplicabilityDecision.objects.get()
    assert (decision.partnership, decision.recommendation, decision.decision) == (partnership, two, "adopt")
    assert decision.reason == "Applies through the national guidance."
    assert decision.decided_by == coordinator
    assert decision.decided_on == datetime.date(2009, 6, 22)
    assert decision.history.count() == 1

    client.post(
        decision_url(two), {"decision": "adapt", "reason": "Scottish guidance instead.", "decided_on": "2009-09-01"}
    )
    decision.refresh_from_db()
    assert decision.decision == "adapt"
    assert [h.decision for h in decision.history.order_by("history_date")] == ["adopt", "adapt"]
    page = text(client.get(decision_url(two)))
    assert "History of this decision" in page
    assert "Adopt (decided 22 June 2009): Applies through the national guidance." in page


def test_a_decision_without_a_reason_is_refused_and_nothing_is_saved(client_as, coordinator, printed):
    two = printed[0]
    response = client_as(coordinator).post(
        decision_url(two), {"decision": "adopt", "reason": "  ", "decided_on": "2009-06-22"}
    )
    assert response.status_code == 200
    assert "Nothing was saved" in text(response)
    assert "Give the reason for the decision." in text(response)
    assert not ApplicabilityDecision.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "maybe", "reason": "x", "decided_on": "2009-06-22"},
        {"decision": "adopt", "reason": "x", "decided_on": "not a date"},
        {"decision": "adopt", "reason": "x"},
    ],
)
def test_a_malformed_decision_is_refused_and_nothing_is_saved(client_as, coordinator, printed, data):
    response = client_as(coordinator).post(decision_url(printed[0]), data)
    assert response.status_code == 200
    assert "Nothing was saved" in text(response)
    assert not ApplicabilityDecision.objects.exists()


def test_under_consideration_needs_no_reason(client_as, coordinator, printed):
    client_as(coordinator).post(
        decision_url(printed[0]), {"decision": "under_consideration", "reason": "", "decided_on": "2009-06-22"}
    )
    assert ApplicabilityDecision.objects.get().decision == "under_consideration"


@pytest.mark.parametrize("user_fixture", ["member", "other_agency_member", "reader"])
def test_only_the_coordinator_records_decisions(request, client_as, printed, user_fixture):
    client = client_as(request.getfixturevalue(user_fixture))
    assert client.get(decision_url(printed[0])).status_code == 403
    response = client.post(decision_url(printed[0]), {"decision": "adopt", "reason": "x", "decided_on": "2009-06-22"})
    assert response.status_code == 403
    assert "Only the coordinator manages the plan." in text(response)
    assert not ApplicabilityDecision.objects.exists()


def test_another_partnerships_coordinator_records_only_their_own_decision(
    client_as, outsider, partnership, outsiders_partnership, printed
):
    two = printed[0]
    ours = DecisionFactory(partnership=partnership, recommendation=two, reason="Ours.")
    response = client_as(outsider).get(decision_url(two))
    assert response.context["form"]["decision"].value() == "under_consideration"
    assert "Ours." not in text(response)
    client_as(outsider).post(
        decision_url(two), {"decision": "not_applicable", "reason": "Theirs.", "decided_on": "2009-07-01"}
    )
    ours.refresh_from_db()
    assert (ours.decision, ours.reason) == ("adopt", "Ours.")
    assert ApplicabilityDecision.objects.get(partnership=outsiders_partnership).reason == "Theirs."


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_decision_form_refuses_other_methods(client_as, coordinator, printed, method):
    assert getattr(client_as(coordinator), method)(decision_url(printed[0])).status_code == 405


def test_a_decision_post_without_a_csrf_token_is_refused(client_as, coordinator, printed):
    client = client_as(coordinator, enforce_csrf_checks=True)
    response = client.post(decision_url(printed[0]), {"decision": "adopt", "reason": "x", "decided_on": "2009-06-22"})
    assert response.status_code == 403
    assert "The form could not be accepted" in text(response)
    assert not ApplicabilityDecision.objects.exists()

    client.get(decision_url(printed[0]))
    token = client.cookies["csrftoken"].value
    data = {"decision": "adopt", "reason": "x", "decided_on": "2009-06-22", "csrfmiddlewaretoken": token}
    assert client.post(decision_url(printed[0]), data).status_code == 302
    assert ApplicabilityDecision.objects.count() == 1
