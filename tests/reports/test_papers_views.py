"""Who may see, prepare and issue papers, through the views."""

import datetime

import pytest
from django.urls import reverse

from reports import services
from reports.models import Meeting, Paper

pytestmark = pytest.mark.django_db

READ_VIEWS = ["paper_detail", "paper_print", "paper_pdf", "paper_pdf_status", "paper_docx", "paper_csv", "paper_xlsx"]
POST_VIEWS = ["paper_regenerate", "paper_issue", "paper_delete"]


@pytest.fixture
def draft(make_paper):
    return make_paper()


@pytest.fixture
def issued(make_paper, coordinator):
    return services.paper_issue(paper=make_paper(), issued_by=coordinator)


def url(name, paper):
    return reverse(f"reports:{name}", args=[paper.pk])


def form_data(paper, **changes):
    data = {
        "meeting": paper.meeting_id,
        "title": paper.title,
        "purpose": paper.purpose,
        "proposals": paper.proposals,
        "recommendation": paper.recommendation,
        "prepared_by_name": paper.prepared_by_name,
        "prepared_by_role": paper.prepared_by_role,
        "signed_on": "2009-08-25",
        "reports": [r.pk for r in paper.reports.all()],
        "period_start": "2009-06-04",
        "as_at": "2009-09-02",
    }
    data.update(changes)
    return data


# --- anonymous and outsiders ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READ_VIEWS + ["paper_edit", "paper_issue"])
def test_anonymous_visitors_are_sent_to_log_in(client, issued, name):
    response = client.get(url(name, issued))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", READ_VIEWS + ["paper_edit", "paper_issue"])
def test_another_partnership_gets_404_for_every_paper_view(client_as, outsider, issued, name):
    assert client_as(outsider).get(url(name, issued)).status_code == 404


@pytest.mark.parametrize("name", POST_VIEWS)
def test_another_partnership_gets_404_on_posting(client_as, outsider, draft, name):
    assert client_as(outsider).post(url(name, draft), {"confirm": "on"}).status_code == 404
    assert not Paper.objects.get(pk=draft.pk).is_issued


def test_the_lists_show_another_partnership_nothing(client_as, outsider, issued):
    response = client_as(outsider).get(reverse("reports:paper_list"))
    assert response.status_code == 200 and issued.title not in response.content.decode()


# --- readers and members -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READ_VIEWS)
def test_a_reader_can_read_an_issued_paper_in_every_format(client_as, reader, issued, name):
    assert client_as(reader).get(url(name, issued)).status_code == 200


def test_a_reader_sees_only_issued_papers_in_the_list(client_as, reader, issued, make_paper):
    make_paper(title="Still a draft")
    page = client_as(reader).get(reverse("reports:paper_list")).content.decode()
    assert issued.title in page and "Still a draft" not in page


@pytest.mark.parametrize("user", ["reader", "member"])
def test_a_draft_is_the_coordinators_until_it_is_issued(client_as, request, draft, user):
    assert client_as(request.getfixturevalue(user)).get(url("paper_detail", draft)).status_code == 403


@pytest.mark.parametrize("user", ["reader", "member"])
@pytest.mark.parametrize("name", POST_VIEWS)
def test_only_the_coordinator_regenerates_issues_or_deletes(client_as, request, draft, user, name):
    assert client_as(request.getfixturevalue(user)).post(url(name, draft), {"confirm": "on"}).status_code == 403
    assert Paper.objects.filter(pk=draft.pk, status="draft").exists()


@pytest.mark.parametrize("user", ["reader", "member"])
def test_only_the_coordinator_prepares_papers_and_records_meetings(client_as, request, user):
    client = client_as(request.getfixturevalue(user))
    assert client.get(reverse("reports:paper_create")).status_code == 403
    assert client.post(reverse("reports:meeting_create"), {"body": "cog", "date": "2009-12-01"}).status_code == 403


# --- the coordinator -----------------------------------------------------------------------------------------------


def test_the_coordinator_records_a_meeting(client_as, coordinator, partnership):
    response = client_as(coordinator).post(
        reverse("reports:meeting_create"), {"body": "cog", "date": "2009-12-02", "title": "Chief Officers Group"}
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(partnership=partnership, date=datetime.date(2009, 12, 2)).exists()


def test_a_second_meeting_of_the_same_body_on_the_same_day_is_refused_with_a_clear_message(
    client_as, coordinator, partnership
):
    client = client_as(coordinator)
    data = {"body": "cog", "date": "2009-12-02", "title": "Chief Officers Group"}
    assert client.post(reverse("reports:meeting_create"), data).status_code == 302
    response = client.post(reverse("reports:meeting_create"), {**data, "title": "Again"})
    assert response.status_code == 200
    assert "A meeting of this body on this date is already recorded." in response.content.decode()
    assert Meeting.objects.filter(partnership=partnership, date=datetime.date(2009, 12, 2)).count() == 1


def test_the_coordinator_prepares_a_paper(client_as, coordinator, meeting, recommendation, partnership):
    client = client_as(coordinator)
    assert client.get(reverse("reports:paper_create") + f"?meeting={meeting.pk}").status_code == 200
    data = {
        "meeting": meeting.pk,
        "title": "Progress",
        "purpose": "To advise.",
        "proposals": "Text.",
        "recommendation": "Note.",
        "prepared_by_name": "Susan Taylor",
        "prepared_by_role": "Chair",
        "signed_on": "2009-08-25",
        "reports": [recommendation.report.pk],
        "as_at": "2009-09-02",
    }
    response = client.post(reverse("reports:paper_create"), data)
    paper = Paper.objects.get(partnership=partnership)
    assert response.status_code == 302 and response.url == paper.get_absolute_url()
    assert paper.document["as_at_display"] == "2 September 2009" and paper.created_by == coordinator


def test_the_coordinator_cannot_choose_another_partnerships_meeting(client_as, coordinator, draft, other_partnership):
    foreign = Meeting.objects.create(partnership=other_partnership, body="cog", date=datetime.date(2009, 9, 2))
    response = client_as(coordinator).post(url("paper_edit", draft), form_data(draft, meeting=foreign.pk))
    assert response.status_code == 200 and Paper.objects.get(pk=draft.pk).meeting_id != foreign.pk


def test_the_coordinator_edits_a_draft(client_as, coordinator, draft):
    response = client_as(coordinator).post(url("paper_edit", draft), form_data(draft, title="Retitled"))
    assert response.status_code == 302 and Paper.objects.get(pk=draft.pk).title == "Retitled"


def test_the_coordinator_previews_prints_and_downloads_a_draft(client_as, coordinator, draft):
    client = client_as(coordinator)
    page = client.get(url("paper_detail", draft)).content.decode()
    assert "Issue the paper" in page and "DRAFT" in page
    printed = client.get(url("paper_print", draft)).content.decode()
    assert "<nav" not in printed and "@page" in printed
    assert "Prepare the PDF" in client.get(url("paper_pdf", draft)).content.decode()
    assert client.post(url("paper_pdf_prepare", draft)).url == url("paper_pdf", draft)
    pdf = client.get(url("paper_pdf", draft))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "draft" in pdf["Content-Disposition"]


def test_issuing_needs_the_confirmation(client_as, coordinator, draft):
    client = client_as(coordinator)
    assert client.get(url("paper_issue", draft)).status_code == 200
    assert client.post(url("paper_issue", draft), {}).status_code == 200
    assert not Paper.objects.get(pk=draft.pk).is_issued
    assert client.post(url("paper_issue", draft), {"confirm": "on"}).status_code == 302
    assert Paper.objects.get(pk=draft.pk).is_issued


def test_an_issued_paper_serves_its_stored_pdf_and_html(client_as, coordinator, issued):
    client = client_as(coordinator)
    assert client.get(url("paper_pdf", issued)).content == bytes(issued.pdf)
    assert client.get(url("paper_print", issued)).content.decode() == issued.html


@pytest.mark.parametrize("name", ["paper_edit"])
def test_an_issued_paper_cannot_be_edited(client_as, coordinator, issued, name):
    client = client_as(coordinator)
    assert client.get(url(name, issued)).status_code == 403
    assert client.post(url(name, issued), form_data(issued, title="Changed")).status_code == 403
    for post in POST_VIEWS:
        assert client.post(url(post, issued), {"confirm": "on"}).status_code == 403
    assert Paper.objects.get(pk=issued.pk).title == issued.title


def test_the_list_shows_drafts_and_issued_papers_with_their_dates(client_as, coordinator, issued, make_paper):
    make_paper(title="Next paper")
    page = client_as(coordinator).get(reverse("reports:paper_list")).content.decode()
    assert "Next paper" in page and "Draft (generated" in page and "Issued " in page


def test_the_list_says_a_draft_never_generated_is_not_generated_yet(client_as, coordinator, draft):
    Paper.objects.filter(pk=draft.pk).update(generated_at=None)
    page = client_as(coordinator).get(reverse("reports:paper_list")).content.decode()
    assert "Draft (not generated yet)" in page and "(generated )" not in page


# --- methods and CSRF ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READ_VIEWS)
def test_read_views_refuse_post(client_as, coordinator, draft, name):
    assert client_as(coordinator).post(url(name, draft)).status_code == 405


@pytest.mark.parametrize("name", ["paper_regenerate", "paper_delete"])
def test_post_only_views_refuse_get(client_as, coordinator, draft, name):
    assert client_as(coordinator).get(url(name, draft)).status_code == 405


@pytest.mark.parametrize("name", POST_VIEWS)
def test_posting_without_the_csrf_token_is_refused(client_as, coordinator, draft, name):
    client = client_as(coordinator, enforce_csrf_checks=True)
    assert client.post(url(name, draft), {"confirm": "on"}).status_code == 403
    assert Paper.objects.filter(pk=draft.pk, status="draft").exists()


def test_the_list_pages_take_a_fixed_number_of_queries(
    client_as, coordinator, make_paper, django_assert_max_num_queries
):
    for n in range(5):
        make_paper(title=f"Paper {n}")
    client = client_as(coordinator)
    with django_assert_max_num_queries(12):
        client.get(reverse("reports:paper_list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("reports:meeting_list"))


def test_a_new_paper_starts_from_the_previous_papers_words_and_form(client_as, coordinator, make_paper):
    make_paper(recommendation="3.1 The Group is asked to:\n\ni) note the contents of this report.", form="as_printed")

    form = client_as(coordinator).get(reverse("reports:paper_create")).context["form"]

    assert form.initial["recommendation"] == "3.1 The Group is asked to:\n\ni) note the contents of this report."
    assert form.initial["form"] == "as_printed"
    assert form.initial["prepared_by_name"] == "Susan Taylor"


def test_a_paper_of_chosen_sections_prints_those_and_is_refused_without_any(client_as, coordinator, draft):
    client = client_as(coordinator)
    refused = client.post(url("paper_edit", draft), form_data(draft, form="custom"))
    assert refused.status_code == 200 and "Choose at least one section" in refused.content.decode()

    response = client.post(url("paper_edit", draft), form_data(draft, form="custom", sections=["slipped"]))

    assert response.status_code == 302
    page = client.get(url("paper_print", draft)).content.decode()
    assert "Slipped: due dates moved in the period" in page and "Summary of progress" not in page


def test_the_page_a_regeneration_sends_the_coordinator_to_is_ready_and_is_the_page_a_fresh_render_gives(
    client_as, coordinator, draft, make_action, django_assert_num_queries
):
    from django.core.cache import caches

    from reports import exports
    from reports.paper_parts import parts

    from .conftest import at

    make_action(at(2009, 8, 1), description="Chronologies shared with health visitors")
    client = client_as(coordinator)
    response = client.post(url("paper_regenerate", draft))
    assert response.status_code == 302
    with django_assert_num_queries(3):  # the session, the person, the paper without its content: never the content
        served = client.get(response["Location"]).content.decode()
    assert "Chronologies shared with health visitors" in served
    caches["papers"].clear()
    parts.clear()
    fresh = exports.paper_body_html(Paper.objects.get(pk=draft.pk))  # rendered from the stored content, from nothing
    assert fresh in served
