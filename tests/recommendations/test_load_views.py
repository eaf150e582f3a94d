"""Loading a national report in the browser: administrators only, preview first, confirm applies all or nothing."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from recommendations.loading import default_fixture_paths
from recommendations.models import Finding, Recommendation, RecommendationLoad, SourceReport, Theme
from tests.factories import UserFactory
from tests.recommendations.template_report import SLUG, fill, write

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", is_staff=True)


def upload(client, content, name="national-review-2022.xlsx"):
    return client.post("/recommendations/load/", {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


def snapshot():
    """Every loaded report, theme, recommendation and finding as plain values, to compare two loads."""
    reports = SourceReport.objects.order_by("slug")
    return [
        (
            r.slug,
            r.title,
            r.circumstance_heading,
            list(r.themes.order_by("position").values_list("slug", "title", "position")),
            list(
                r.recommendations.order_by("position").values_list(
                    "reference", "theme__slug", "text", "sub_points", "is_mandatory", "position"
                )
            ),
            list(r.findings.order_by("kind", "position").values_list("kind", "recommendation__reference", "text")),
        )
        for r in reports
    ]


@pytest.mark.parametrize("url", ["/recommendations/load/", "/recommendations/load/template.xlsx"])
def test_members_coordinators_and_readers_may_not_load(client_as, member, coordinator, reader, url):
    for user in (member, coordinator, reader):
        assert client_as(user).get(url).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/recommendations/load/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_administrator_downloads_the_template(client_as, admin_user):
    response = client_as(admin_user).get("/recommendations/load/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response.content.startswith(b"PK")


def test_upload_shows_a_preview_and_saves_nothing_until_confirmed(client_as, admin_user):
    client = client_as(admin_user)
    response = upload(client, fill())
    load = RecommendationLoad.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/recommendations/load/{load.token}/"
    page = client.get(response["Location"]).content.decode()
    assert "1 report, 3 themes, 12 recommendations, 5 findings will be created." in page
    assert not SourceReport.objects.exists() and load.applied_at is None
    response = client.post(f"/recommendations/load/{load.token}/confirm/")
    assert response.status_code == 302
    load.refresh_from_db()
    assert load.applied_at and load.uploaded_by == admin_user and load.file_name == "national-review-2022.xlsx"
    assert Recommendation.objects.filter(report__slug=SLUG).count() == 12
    history = client.get("/recommendations/load/").content.decode()
    assert "national-review-2022.xlsx" in history
    assert "1 report, 3 themes, 12 recommendations, 5 findings created" in history and "recommendations." not in history


def test_the_browser_and_the_command_load_the_same_template_to_the_same_result(client_as, admin_user, tmp_path):
    call_command("load_recommendations", write(tmp_path, fill()), verbosity=0)
    by_command = snapshot()
    for model in (Finding, Recommendation, Theme, SourceReport):
        model.objects.all().delete()
    client = client_as(admin_user)
    upload(client, fill())
    client.post(f"/recommendations/load/{RecommendationLoad.objects.get(applied_at=None).token}/confirm/")
    assert snapshot() == by_command


def test_the_browser_agrees_with_the_command_on_the_shipped_json_fixtures(client_as, admin_user):
    client = client_as(admin_user)
    for path in default_fixture_paths()[:2]:
        upload(client, path.read_bytes(), name=path.name)
        client.post(f"/recommendations/load/{RecommendationLoad.objects.get(applied_at=None).token}/confirm/")
    by_browser = snapshot()
    call_command("load_recommendations", *map(str, default_fixture_paths()[:2]), verbosity=0)
    assert snapshot() == by_browser
    assert len(by_browser) == 2


def test_the_preview_lists_each_new_recommendation_with_its_reference_and_wording(client_as, admin_user):
    client = client_as(admin_user)
    page = client.get(upload(client, fill())["Location"]).content.decode()
    new = page.split('id="new-heading"', 1)[1]
    assert "National review 2022: recommendation GP1" in new
    assert "Areas may wish to pilot new models of practice." in new
    assert "National review 2022: recommendation 2" in new and "• with police" in new
    assert "Revise <em>Working Together to Safeguard Children</em> to set clear duties." in new
    assert "National review 2022: theme 2" in new and "Leadership" in new
    assert "National review 2022: main finding 1" in new and "Agencies did not act together." in new
    assert "recommendations.sourcereport" not in page and "Recommendation National review" not in page


def test_the_preview_shows_an_edited_text_word_by_word(client_as, admin_user, tmp_path):
    call_command("load_recommendations", write(tmp_path, fill()), verbosity=0)

    def edit(rows):
        rows["Recommendations"][7][3] = "Safeguarding partners must review their local arrangements."

    client = client_as(admin_user)
    response = upload(client, fill(edit))
    page = client.get(response["Location"]).content.decode()
    assert "Loading this file: 1 recommendation will be changed." in page
    assert "1 report, 3 themes, 11 recommendations, 5 findings already as the file says." in page
    assert "National review 2022: recommendation 5" in page
    assert '<del><span class="visually-hidden">[removed: </span>should' in page
    assert '<ins><span class="visually-hidden">[added: </span>must' in page
    assert "local" in page


def test_the_preview_lists_every_problem_by_sheet_and_row_and_offers_no_confirmation(client_as, admin_user):
    def break_two_rows(rows):
        rows["Recommendations"][0][3] = ""
        rows["Findings"][1][0] = "Opinion"

    client = client_as(admin_user)
    page = client.get(upload(client, fill(break_two_rows))["Location"]).content.decode()
    assert "2 problems" in page
    assert "sheet &quot;Recommendations&quot;, row 2" in page and "sheet &quot;Findings&quot;, row 3" in page
    assert "/confirm/" not in page


def test_confirming_a_file_with_problems_saves_nothing(client_as, admin_user):
    client = client_as(admin_user)
    response = upload(client, fill(lambda rows: rows["Recommendations"][0].__setitem__(3, "")))
    token = response["Location"].split("/")[-2]
    response = client.post(f"/recommendations/load/{token}/confirm/", follow=True)
    assert "Nothing was loaded." in response.content.decode()
    assert not SourceReport.objects.exists()
    assert RecommendationLoad.objects.get().applied_at is None


def test_another_administrator_cannot_confirm_my_upload_and_a_load_applies_once(client_as, admin_user):
    response = upload(client_as(admin_user), fill())
    token = response["Location"].split("/")[-2]
    other = client_as(UserFactory(username="bob", is_superuser=True))
    assert other.get(f"/recommendations/load/{token}/").status_code == 404
    assert other.post(f"/recommendations/load/{token}/confirm/").status_code == 404
    client = client_as(admin_user)
    assert client.post(f"/recommendations/load/{token}/confirm/").status_code == 302
    assert client.post(f"/recommendations/load/{token}/confirm/").status_code == 404


def test_an_upload_altered_after_its_preview_is_refused(client_as, admin_user):
    client = client_as(admin_user)
    token = upload(client, fill())["Location"].split("/")[-2]
    RecommendationLoad.objects.filter(token=token).update(content=fill(lambda rows: rows["Themes"].pop()))
    response = client.post(f"/recommendations/load/{token}/confirm/", follow=True)
    assert "has changed since it was uploaded" in response.content.decode()
    assert not SourceReport.objects.exists()


def test_confirm_takes_only_post(client_as, admin_user):
    client = client_as(admin_user)
    token = upload(client, fill())["Location"].split("/")[-2]
    assert client.get(f"/recommendations/load/{token}/confirm/").status_code == 405


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.csv", b"a,b", "Upload the filled-in template (.xlsx) or a JSON fixture (.json)."),
        ("report.json", b"", "file is empty."),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused_at_upload(client_as, admin_user, name, content, message):
    response = upload(client_as(admin_user), content, name=name)
    assert response.status_code == 400 and message in response.content.decode()
    assert not RecommendationLoad.objects.exists()


def test_a_json_file_with_a_user_in_it_is_refused(client_as, admin_user):
    record = {"model": "auth.user", "fields": {"username": "mallory", "is_superuser": True}}
    client = client_as(admin_user)
    page = client.get(upload(client, json.dumps([record]).encode(), name="evil.json")["Location"]).content.decode()
    assert "cannot be loaded from a file" in page


def test_the_load_page_lists_the_history_in_a_fixed_number_of_queries(
    client_as, admin_user, django_assert_max_num_queries
):
    client = client_as(admin_user)
    for _ in range(3):
        token = upload(client, fill())["Location"].split("/")[-2]
        client.post(f"/recommendations/load/{token}/confirm/")
    with django_assert_max_num_queries(6):
        page = client.get("/recommendations/load/").content.decode()
    assert page.count('<td data-label="File" class="text-break">national-review-2022.xlsx</td>') == 3


def test_an_upload_never_confirmed_expires_and_is_cleared(client_as, admin_user):
    client = client_as(admin_user)
    token = upload(client, fill())["Location"].split("/")[-2]
    RecommendationLoad.objects.update(uploaded_at=timezone.now() - timedelta(hours=25))
    response = client.post(f"/recommendations/load/{token}/confirm/", follow=True)
    assert "more than 24 hours ago" in response.content.decode() and not SourceReport.objects.exists()
    upload(client, fill())
    assert list(RecommendationLoad.objects.values_list("token", flat=True)) != [token]
    assert RecommendationLoad.objects.count() == 1
