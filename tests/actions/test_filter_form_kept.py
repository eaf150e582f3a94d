# ruff: noqa: F811 - the plan_of fixture, imported from the query-count tests, is each test's argument
"""The action list's filter fields are rendered once for what they show (``actions.filters.form_digest``,
``{% kept %}``): after any change, the page served is the page rendered with nothing kept, and a change that leaves
the fields as they were (a progress note) does not render them again."""

import datetime
from unittest import mock

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Status
from actions.services import ProgressChange, action_record_progress
from actions.templatetags.tracker import kept_markup
from agencies.models import Agency
from tests.actions.test_query_counts import plan_of  # noqa: F401 - the fixture
from tests.factories import AgencyFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("actions:list")


def queries(agency, recommendation):
    day = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    return [
        {},
        {"owner": agency.pk, "sort": "-due"},
        {"status": "not_started", "rag": "red", "level": "committee"},
        {"report": recommendation.report_id, "recommendation": recommendation.pk},
        {"due_after": day, "overdue": "on"},
        {"q": "number 3"},  # a search: never kept as a list, its fields still kept
        {"owner": "x", "due_after": "1/2/2024"},  # refused values: their errors shown
    ]


def served_and_fresh(client, params):
    """The list's body as served (its fields from what was kept, perhaps before the last change), then as rendered
    with nothing kept, and nothing kept from it: what is kept stays as the served pages left it."""
    served = client.get(LIST, params).context["body"]
    caches["plan"].clear()
    with mock.patch.object(kept_markup, "get", return_value=None), mock.patch.object(kept_markup, "set"):
        fresh = client.get(LIST, params).context["body"]
    return served, fresh


def change_every_way(partnership, agency, recommendation, coordinator):
    """Changes that alter the fields' choices or leave them alone, one after another, each named once made."""
    yield "nothing yet"
    action = Action.objects.filter(partnership=partnership).first()
    action_record_progress(
        action=action, author=coordinator, expected_version=action.version,
        change=ProgressChange(status=action.status, percent_complete=action.percent_complete,
                              due_date=action.due_date, note="A note that changes no field."),
    )  # fmt: skip
    yield "a note"
    agency.name = "Social Work and Justice"
    agency.save()
    yield "an agency renamed"
    AgencyFactory(partnership=partnership, name="Scottish Fire and Rescue", short_name="Fire")
    yield "an agency added"
    RecommendationFactory(report=recommendation.report, reference="99", position=99)
    yield "a recommendation added"


def test_the_fields_served_are_the_fields_rendered_afresh_after_every_kind_of_change(
    client_as, coordinator, partnership, agency, recommendation, plan_of
):
    plan_of(6)
    client = client_as(coordinator)
    for change in change_every_way(partnership, agency, recommendation, coordinator):
        for params in queries(agency, recommendation):
            served, fresh = served_and_fresh(client, params)
            assert served == fresh, (change, params)
    body = client.get(LIST).context["body"]
    assert "Social Work and Justice" in body and "Scottish Fire and Rescue" in body  # the choices as they are now


def test_the_fields_show_the_query_they_were_given(client_as, coordinator, partnership, agency, plan_of):
    plan_of(4)
    client = client_as(coordinator)
    complete = client.get(LIST, {"status": Status.COMPLETE}).context["body"]
    started = client.get(LIST, {"status": Status.NOT_STARTED}).context["body"]
    assert f'<option value="{Status.COMPLETE}" selected>' in complete
    assert f'<option value="{Status.NOT_STARTED}" selected>' in started
    assert f'<option value="{Status.COMPLETE}" selected>' not in started
    refused = client.get(LIST, {"owner": "x"}).context["body"]
    assert "Select a valid choice" in refused
    assert "Select a valid choice" not in client.get(LIST, {"owner": agency.pk}).context["body"]


def test_a_note_serves_the_fields_kept_and_renders_only_the_list(
    client_as, coordinator, partnership, plan_of, monkeypatch
):
    plan_of(4)
    client = client_as(coordinator)
    client.get(LIST)
    rendered = []
    original = kept_markup.set
    monkeypatch.setattr(kept_markup, "set", lambda key, markup: (rendered.append(key), original(key, markup)))
    action = Action.objects.filter(partnership=partnership).first()
    action_record_progress(
        action=action, author=coordinator, expected_version=action.version,
        change=ProgressChange(status=action.status, percent_complete=50, due_date=action.due_date, note="Half."),
    )  # fmt: skip
    body = client.get(LIST).context["body"]
    assert "50%" in body  # the list rendered again for the new version of the plan
    assert rendered == []  # the fields kept: nothing they show changed
    Agency.objects.get(pk=action.owner_id).save()  # a new version, the same choices: still kept
    client.get(LIST)
    assert rendered == []
    AgencyFactory(partnership=partnership, name="Scottish Fire and Rescue", short_name="Fire")
    assert "Scottish Fire and Rescue" in client.get(LIST).context["body"]
    assert len(rendered) == 1  # a new owner to choose: the fields rendered again
