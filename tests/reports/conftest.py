import datetime
from unittest import mock

import pytest
from django.utils import timezone

from actions.services import ProgressChange, action_record_progress
from reports import services
from tests.factories import ActionFactory, MeetingFactory


def at(year, month, day, hour=12):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


@pytest.fixture
def frozen():
    """frozen(moment): a context in which timezone.now() is ``moment`` (auto_now_add, history dates...)."""

    def make(moment):
        return mock.patch("django.utils.timezone.now", return_value=moment)

    return make


@pytest.fixture
def record(frozen):
    """record(action, when, author, **change): a progress update recorded through the service at ``when``."""

    def make(action, when, author, **fields):
        action.refresh_from_db()
        values = {"status": action.status, "percent_complete": action.percent_complete, "due_date": action.due_date}
        values.update(fields)
        with frozen(when):
            return action_record_progress(
                action=action, author=author, expected_version=action.version, change=ProgressChange(**values)
            )

    return make


@pytest.fixture
def make_action(frozen, agency, recommendation):
    def make(when, **fields):
        fields.setdefault("owner", agency)
        fields.setdefault("recommendations", [recommendation])
        with frozen(when):
            return ActionFactory(**fields)

    return make


@pytest.fixture
def meeting(partnership):
    return MeetingFactory(partnership=partnership, date=datetime.date(2009, 9, 2))


@pytest.fixture
def make_paper(partnership, meeting, coordinator, recommendation):
    def make(**fields):
        values = {
            "meeting": meeting,
            "title": "Progress on the national recommendations",
            "purpose": "To advise the Chief Officers Group of progress.",
            "proposals": "The plan is on course.\n\nSee the appendices.",
            "recommendation": "The Chief Officers Group is asked to:\ni) note the contents of this report.",
            "prepared_by_name": "Susan Taylor",
            "prepared_by_role": "Chair of Child Protection Committee",
            "signed_on": datetime.date(2009, 8, 25),
            "period_start": datetime.date(2009, 6, 4),
            "as_at": datetime.date(2009, 9, 2),
        }
        values.update(fields)
        reports = values.pop("reports", [recommendation.report])
        return services.paper_create(partnership=partnership, created_by=coordinator, reports=reports, **values)

    return make
