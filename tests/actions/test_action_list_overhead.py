# ruff: noqa: F811 - the plan_of fixture, imported from the query-count tests, is each test's argument
"""What the action list costs once its list is cached: the queries of any signed-in page, the plan's version and
the as-at control, and no filter set built (``actions.filters.quick_cache_query``). The quick key is the key the
filter set's form gives (``cache_query``), and it only ever looks a list up: a value the form refuses is never kept.
"""

import datetime
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from actions.filters import ActionFilter, cache_query, quick_cache_query
from tests.actions.test_query_counts import plan_of  # noqa: F401 - the fixture
from tests.factories import AgencyFactory, MeetingFactory, ThemeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("actions:list")

#: Session, user (with membership, agency and partnership), the plan's version (read once for the as-at control's
#: links and the list, both kept under it): the same for 5 actions as for 500.
SERVED_QUERIES = 3


def plain_queries(agency, recommendation, theme):
    """Queries as the list's own form, links and sort headers write them."""
    day = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    return [
        {},
        {"page": "2"},
        {"page": "last"},
        {"owner": agency.pk},
        {"owner": agency.pk, "sort": "-due"},
        {"status": "not_started", "rag": "red", "level": "committee"},
        {"overdue": "on", "sort": "due"},
        {"overdue": "true"},
        {"overdue": "false"},
        {"due_after": day},
        {"due_before": day},
        {"due_after": day, "due_before": timezone.localdate().isoformat()},
        {"not_updated_since": day},
        {"report": recommendation.report_id, "theme": theme.pk, "recommendation": recommendation.pk},
        {"sort": "-rag,reference"},
        {"q": "", "report": "", "owner": "", "status": "", "sort": ""},  # the form submitted empty
        {"q": "   "},
        {"status": "not_started", "junk": "x", "utm_source": "y"},
    ]


def written_otherwise(agency):
    """Queries the quick key leaves to the form: a search, and values written in another way or refused."""
    return [
        {"q": "Leadership"},
        {"owner": f"0{agency.pk}"},
        {"owner": "x"},
        {"status": "finished"},
        {"due_after": "1/2/2024"},
        {"due_after": "20240102"},
        {"overdue": "maybe"},
        {"sort": "colour"},
        {"page": "two"},
    ]


@pytest.fixture
def theme(recommendation):
    recommendation.theme = ThemeFactory(report=recommendation.report, title="Leadership")
    recommendation.save()
    return recommendation.theme


def as_query_dict(params):
    return QueryDict(urlencode(params), mutable=False)


def form_key(params, coordinator, partnership):
    request = RequestFactory().get(LIST, params)
    request.user = coordinator
    return cache_query(ActionFilter, as_query_dict(params), partnership=partnership, as_at=None, request=request)


def test_the_quick_key_is_the_forms_key_for_every_plainly_written_query(
    coordinator, partnership, agency, recommendation, theme
):
    for params in plain_queries(agency, recommendation, theme):
        quick = quick_cache_query(as_query_dict(params))
        assert quick is not None, params
        assert quick == form_key(params, coordinator, partnership), params


def test_the_quick_key_leaves_searches_and_other_writings_to_the_form(agency):
    for params in written_otherwise(agency):
        assert quick_cache_query(as_query_dict(params)) is None, params


def test_repeated_values_are_read_as_the_form_reads_them(coordinator, partnership):
    query = QueryDict("status=in_progress&status=not_started&sort=due&sort=-due")
    request = RequestFactory().get(LIST + "?" + query.urlencode())
    request.user = coordinator
    form = cache_query(ActionFilter, query, partnership=partnership, as_at=None, request=request)
    assert quick_cache_query(query) == form == [("page", "1"), ("sort", "-due"), ("status", "not_started")]


def test_another_partnerships_agency_is_refused_and_never_kept(client_as, coordinator, other_partnership, plan_of):
    plan_of(4)
    theirs = AgencyFactory(partnership=other_partnership)
    client = client_as(coordinator)
    for _ in range(2):
        response = client.get(LIST, {"owner": theirs.pk})
        assert response.status_code == 200
        assert "filter" in response.context  # built each time: the form refused it, nothing was kept
        assert "Select a valid choice" in response.content.decode()


def test_a_plain_query_is_served_without_building_the_filter_set(client_as, coordinator, agency, plan_of):
    plan_of(4)
    client = client_as(coordinator)
    first = client.get(LIST, {"owner": agency.pk, "sort": "-due"})
    assert "filter" in first.context  # built, checked by the form, kept
    again = client.get(LIST, {"sort": "-due", "owner": agency.pk, "junk": "x"})
    assert "filter" not in again.context
    assert again.context["body"] == first.context["body"]


@pytest.mark.parametrize("n", [5, 500])
def test_the_served_list_makes_the_same_few_queries_for_any_size_of_plan(
    client_as, coordinator, partnership, agency, plan_of, django_assert_num_queries, n
):
    plan_of(n)
    MeetingFactory(partnership=partnership, date=timezone.localdate() - datetime.timedelta(days=40))
    client = client_as(coordinator)
    for params in ({}, {"owner": agency.pk}, {"overdue": "on", "sort": "due"}):
        client.get(LIST, params)  # built and kept
        with django_assert_num_queries(SERVED_QUERIES):
            response = client.get(LIST, params)
        assert "filter" not in response.context
        assert response.status_code == 200
