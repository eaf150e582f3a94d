"""The admin: every model usable by an administrator; the audit trail read-only."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import ActionFactory, FindingFactory, ProgressUpdateFactory, RecommendationFactory, UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = ("agencies", "recommendations", "actions", "reports")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_every_model_of_the_project_is_registered():
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            assert admin.site.is_registered(model), model


def test_every_changelist_opens_with_data(admin_client):
    ActionFactory(recommendations=[RecommendationFactory()])
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if not admin.site.is_registered(model):
                continue
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert admin_client.get(url).status_code == 200, url


def test_recommendations_are_listed_in_printed_order(admin_client):
    ten = RecommendationFactory(reference="10", position=10)
    RecommendationFactory(report=ten.report, reference="2", position=2)
    response = admin_client.get(reverse("admin:recommendations_recommendation_changelist"))
    assert [r.reference for r in response.context["cl"].result_list] == ["2", "10"]


def test_a_recommendation_page_shows_its_findings_and_actions(admin_client):
    finding = FindingFactory(text="Child protection plans were generally poor.")
    action = ActionFactory(recommendations=[finding.recommendation])
    response = admin_client.get(
        reverse("admin:recommendations_recommendation_change", args=[finding.recommendation.pk])
    )
    body = response.content.decode()
    assert "Child protection plans were generally poor." in body
    assert action.reference in body


def test_sub_points_are_edited_one_per_paragraph(admin_client):
    rec = RecommendationFactory()
    data = {
        "report": rec.report.pk,
        "theme": "",
        "reference": rec.reference,
        "position": rec.position,
        "lead_in": "",
        "text": rec.text,
        "sub_points": "first point;\r\n\r\nsecond point; and",
        "is_mandatory": "on",
        "addressed_to": "",
    }
    for prefix in ("findings", "action_links", "decisions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = admin_client.post(reverse("admin:recommendations_recommendation_change", args=[rec.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rec.refresh_from_db()
    assert rec.sub_points == ["first point;", "second point; and"]


def test_progress_updates_cannot_be_changed_or_deleted_in_the_admin(admin_client):
    update = ProgressUpdateFactory()
    change = reverse("admin:actions_progressupdate_change", args=[update.pk])
    assert admin_client.post(change, {"note": "rewritten"}).status_code == 403
    assert (
        admin_client.post(reverse("admin:actions_progressupdate_delete", args=[update.pk]), {"post": "yes"}).status_code
        == 403
    )
    update.refresh_from_db()
    assert update.note != "rewritten"
