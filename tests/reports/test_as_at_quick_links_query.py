"""The as-at control's quick links read the last meeting and the issued papers in one query
(``reports.as_at._last_meeting_and_issued_papers``): the last meeting whether or not it has a paper, each issued paper
of the partnership (never a draft, never another partnership's), the latest as-at day first."""

import datetime

import pytest
from django.urls import reverse

from reports import services
from reports.models import Meeting
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reports:dashboard")


def paper(make_paper, meeting, as_at, **fields):
    return make_paper(meeting=meeting, as_at=as_at, period_start=as_at - datetime.timedelta(days=60), **fields)


def issue(paper):
    services.paper_issue(paper=paper, issued_by=paper.created_by)


def links_of(client):
    return [(label, value) for label, value, _current in client.get(DASHBOARD).context["as_at"].links]


def test_the_last_meeting_and_every_issued_paper_latest_first(
    client_as, coordinator, partnership, other_partnership, meeting, make_paper
):
    june = MeetingFactory(partnership=partnership, body=Meeting.Body.CPC, date=datetime.date(2009, 6, 3))
    issue(paper(make_paper, june, datetime.date(2009, 5, 31)))
    issue(paper(make_paper, june, datetime.date(2009, 5, 20), title="A second paper for June"))
    paper(make_paper, june, datetime.date(2009, 5, 25), title="A draft")  # never a link
    last = MeetingFactory(partnership=partnership, body=Meeting.Body.SUB_GROUP, date=datetime.date(2009, 10, 1))
    MeetingFactory(partnership=other_partnership, date=datetime.date(2009, 11, 1))  # another plan's: never a link

    assert links_of(client_as(coordinator)) == [
        ("Today", ""),
        (f"Last meeting ({last})", "2009-10-01"),
        ("Paper for the Child Protection Committee, 3 June 2009 (as at 31 May 2009)", "2009-05-31"),
        ("Paper for the Child Protection Committee, 3 June 2009 (as at 20 May 2009)", "2009-05-20"),
    ]
    assert str(meeting) == "Chief Officers Group, 2 September 2009"  # a meeting with no paper, not the last: none

    issue(paper(make_paper, last, datetime.date(2009, 9, 30)))  # the last meeting's own paper
    assert links_of(client_as(coordinator))[1:3] == [
        (f"Last meeting ({last})", "2009-10-01"),
        ("Paper for the Performance and Audit Sub Group, 1 October 2009 (as at 30 September 2009)", "2009-09-30"),
    ]


def test_no_meeting_no_paper_only_today(client_as, coordinator):
    assert links_of(client_as(coordinator)) == [("Today", "")]
