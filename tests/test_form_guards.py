"""Numbers too large for the database are form errors on every form, on SQLite as on PostgreSQL."""

import pytest

from actions.forms import ActionPlanForm
from agencies.validators import LARGEST_STORED_INTEGER

pytestmark = pytest.mark.django_db

HUGE = str(LARGEST_STORED_INTEGER + 1)


def test_a_record_key_too_large_for_the_database_is_not_one_of_the_choices(partnership, agency, recommendation):
    form = ActionPlanForm(
        {"reference": "x-1", "owner": HUGE, "level": "committee", "description": "d", "recommendations": [HUGE]},
        partnership=partnership,
    )
    assert not form.is_valid()
    assert "owner" in form.errors and "recommendations" in form.errors


def test_a_whole_number_too_large_for_the_database_is_refused(partnership, agency, recommendation):
    data = {
        "reference": "x-1",
        "owner": agency.pk,
        "level": "committee",
        "description": "d",
        "recommendations": [recommendation.pk],
        "version": HUGE,
    }
    form = ActionPlanForm(data, partnership=partnership)
    assert not form.is_valid()
    assert "version" in form.errors
