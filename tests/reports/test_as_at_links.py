""""As at" is a property of the visit, not of one page: once a page shows the past, every link it offers to a page
that shows the plan keeps the same day (reports.as_at.on_day), one level deep from every as-at page, as every
role; and the action page shows the action as it stood."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from actions.models import Status
from reports.as_at import AS_AT_PAGES, on_day

from .conftest import at

pytestmark = pytest.mark.django_db

DAY = datetime.date(2009, 8, 1)
HREF = re.compile(r'href="([^"]*)"')


@pytest.fixture
def history(make_action, record, member, other_agency, recommendation):
    """Two actions of June 2009, one overdue by August; one added later."""
    first = make_action(at(2009, 6, 3), reference="jar-2-c1", due_date=datetime.date(2009, 7, 31))
    record(first, at(2009, 7, 10), member, status=Status.IN_PROGRESS, percent_complete=40)
    record(first, at(2009, 9, 15), member, status=Status.COMPLETE, percent_complete=100)
    make_action(at(2009, 6, 3), reference="jar-3-c1", owner=other_agency, due_date=datetime.date(2009, 12, 31))
    later = make_action(at(2010, 3, 1), reference="jar-4-c1", due_date=datetime.date(2010, 6, 30))
    return first, later


def plan_links(page):
    """The links of a page that lead to a page showing the plan as at a day."""
    for href in HREF.findall(page):
        url = unescape(href)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        try:
            if resolve(parts.path).view_name in AS_AT_PAGES:
                yield url
        except Resolver404:
            continue


def day_of(url):
    return parse_qs(urlsplit(url).query).get("as_at")


def test_the_helper_keeps_the_day_only_on_pages_that_show_the_plan():
    assert on_day("/actions/?owner=3", DAY) == "/actions/?owner=3&as_at=2009-08-01"
    assert on_day("/actions/?as_at=2010-01-01&rag=red", DAY) == "/actions/?rag=red&as_at=2009-08-01"
    assert on_day("/reports/dashboard/", None) == "/reports/dashboard/"
    assert on_day("/reports/papers/", DAY) == "/reports/papers/"  # papers are about their own day
    assert on_day("#overdue", DAY) == "#overdue" and on_day("?sort=due", DAY) == "?sort=due"
    assert on_day("https://example.org/actions/", DAY) == "https://example.org/actions/"


@pytest.mark.parametrize("role", ["coordinator", "member", "reader"])
def test_every_link_of_every_as_at_page_keeps_the_day_one_level_deep(request, client_as, history, role):
    client = client_as(request.getfixturevalue(role))
    first, _ = history
    starts = [reverse("reports:dashboard"), reverse("actions:list"), first.get_absolute_url(),
              reverse("recommendations:report", args=[first.links.get().recommendation.report.slug])]  # fmt: skip
    seen, checked = set(), 0
    for start in starts:
        response = client.get(start, {"as_at": DAY.isoformat()})
        if response.status_code == 403:  # a member has no dashboard
            continue
        assert response.status_code == 200, start
        for url in plan_links(response.content.decode()):
            assert day_of(url) == [DAY.isoformat()], f"{start} links to {url} without the day it shows"
            checked += 1
            if url in seen:
                continue
            seen.add(url)
            deeper = client.get(url)
            assert deeper.status_code == 200, url
            page = deeper.content.decode()
            assert "This page shows the past:" in page, f"{url} does not say it shows the past"
            for link in plan_links(page):
                assert day_of(link) == [DAY.isoformat()], f"{url} links to {link} without the day it shows"
                checked += 1
    assert checked > 20 and len(seen) >= 4


def test_the_action_page_shows_the_action_as_it_stood(client_as, coordinator, history):
    first, _ = history
    page = client_as(coordinator).get(first.get_absolute_url(), {"as_at": DAY.isoformat()}).content.decode()
    assert "This page shows the past:" in page and "Show the plan today" in page
    assert "In progress" in page and "40%" in page
    assert "overdue by 1 day" in page  # due 31 July 2009: one day late on 1 August, not 17 years
    assert "Complete" not in re.sub(r"<option.*?</option>", "", page, flags=re.S)  # September's update not yet
    assert "Record progress" not in page and "Edit action (plan)" not in page  # the past is not edited

    now = client_as(coordinator).get(first.get_absolute_url()).content.decode()
    assert "This page shows the past" not in now and "Complete" in now


def test_an_action_added_later_says_so_as_at_an_earlier_day(client_as, coordinator, history):
    _, later = history
    page = client_as(coordinator).get(later.get_absolute_url(), {"as_at": DAY.isoformat()}).content.decode()
    assert "was not yet in the plan at the end of 1 August 2009" in page
