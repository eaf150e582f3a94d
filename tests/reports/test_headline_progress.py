"""The headline progress of a plan, a report or an agency is the share of its actions complete, drawn as such; the
mean of the % reported is secondary text that says how many reported (reports.summary.Summary.share_complete)."""

import pytest
from django.urls import reverse

from actions.models import Status
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(agency, recommendation):
    ActionFactory(owner=agency, recommendations=[recommendation], status=Status.COMPLETE, percent_complete=100)
    ActionFactory(owner=agency, recommendations=[recommendation], status=Status.IN_PROGRESS, percent_complete=90)
    for _ in range(2):  # started with no % reported, and not started
        ActionFactory(owner=agency, recommendations=[recommendation], status=Status.NOT_STARTED, percent_complete=None)


def test_the_bars_are_the_share_of_actions_complete_not_the_mean_of_what_was_reported(client_as, coordinator, plan):
    response = client_as(coordinator).get(reverse("reports:dashboard"))
    page = response.content.decode()
    dashboard = response.context["dashboard"]
    assert dashboard.overall.share_complete == 25  # 1 of 4
    assert dashboard.overall.percent_complete == pytest.approx(95)  # the mean of the 2 reported: secondary
    assert "All actions: 1 of 4 complete (25% complete)" in page
    assert "Laming 2009: 1 of 4 complete (25% complete)" in page  # the report's row
    assert "95% complete" not in page  # no bar draws the mean
    assert "1 of 4 actions complete" in page
    assert "Mean % complete reported: 95%, of the 2 of 4 actions whose % was reported" in page
    assert "100% complete" not in page
