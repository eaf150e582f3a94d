import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from actions.models import Action, ActionRecommendation, ProgressUpdate, Status
from agencies.models import Membership, Partnership
from recommendations.models import ApplicabilityDecision
from reports import papers
from tests.factories import PartnershipFactory, RecommendationFactory, SourceReportFactory

pytestmark = pytest.mark.django_db

UNTIL = "2026-11-27"


@pytest.fixture
def recommendations(db):
    report = SourceReportFactory(slug="laming-2009", short_title="Laming 2009")
    return [RecommendationFactory(report=report, reference=str(n), position=n) for n in range(1, 5)]


def generate(*args):
    out = io.StringIO()
    call_command(
        "generate_scale_data",
        "--partnerships=2",
        "--actions-per-partnership=5",
        "--updates-per-action=2",
        f"--until={UNTIL}",
        *args,
        stdout=out,
    )
    return out.getvalue()


def snapshot():
    actions = Action.objects.order_by("partnership__slug", "reference").values_list(
        "partnership__slug", "reference", "owner__slug", "description", "due_date", "status", "percent_complete"
    )
    updates = ProgressUpdate.objects.order_by(
        "action__partnership__slug", "action__reference", "created_at"
    ).values_list("action__reference", "author__username", "created_at", "percent_after", "note")
    return list(actions), list(updates)


def test_it_generates_partnerships_with_people_actions_updates_and_history(recommendations):
    output = generate()

    assert "Generated 2 partnerships, 10 actions, 20 progress updates" in output
    assert "[##############################] 2/2 partnerships" in output
    synthetic = Partnership.objects.filter(slug__startswith="synthetic-")
    assert synthetic.count() == 2
    assert Membership.objects.filter(role=Membership.Role.COORDINATOR).count() == 2
    assert ApplicabilityDecision.objects.count() == 2 * len(recommendations)
    assert ApplicabilityDecision.history.count() == 2 * len(recommendations)
    assert ActionRecommendation.objects.filter(is_primary=True).count() == 10
    assert Action.history.count() == 10 * 3  # created, then one per update


def test_each_action_stands_as_its_last_update_and_its_latest_history_left_it(recommendations):
    generate()

    for action in Action.objects.all():
        last = action.updates.order_by("-created_at").first()
        assert (action.status, action.percent_complete) == (last.status_after, last.percent_after)
        assert action.version == 3
        latest = action.history.order_by("-history_date").first()
        assert (latest.status, latest.percent_complete, latest.version) == (
            action.status,
            action.percent_complete,
            action.version,
        )
        assert action.status != Status.COMPLETE or action.percent_complete == 100
        assert datetime.date(2024, 11, 27) <= action.created_at.date() <= last.created_at.date()
        assert last.created_at.date() <= datetime.date(2026, 11, 27)


def test_a_paper_reads_the_synthetic_plan_as_at_a_date_within_the_two_years(recommendations):
    generate()
    partnership = Partnership.objects.get(slug="synthetic-001")

    states = papers.actions_as_at(partnership, papers.end_of_day(datetime.date(2026, 11, 27)))

    assert {s["id"]: s["percent_complete"] for s in states.values()} == dict(
        Action.objects.filter(partnership=partnership).values_list("id", "percent_complete")
    )


def test_the_same_seed_gives_the_same_data(recommendations):
    with transaction.atomic():
        generate("--seed=7")
        first = snapshot()
        transaction.set_rollback(True)
    generate("--seed=7")

    assert snapshot() == first
    assert first[0] and first[1]


def test_another_seed_gives_other_data(recommendations):
    with transaction.atomic():
        generate("--seed=7")
        first = snapshot()
        transaction.set_rollback(True)
    generate("--seed=8")

    assert snapshot() != first


def test_it_refuses_a_database_holding_real_partnerships(recommendations):
    PartnershipFactory(name="North Ayrshire", slug="north-ayrshire")

    with pytest.raises(CommandError, match=r"holds real partnerships \(North Ayrshire\).*--allow-existing"):
        generate()

    assert Action.objects.count() == 0


def test_it_adds_beside_real_partnerships_when_told(recommendations):
    PartnershipFactory(name="North Ayrshire", slug="north-ayrshire")

    generate("--allow-existing")

    assert Partnership.objects.count() == 3


def test_the_demo_partnership_of_the_fixtures_does_not_count_as_real(recommendations):
    PartnershipFactory(name="East Ayrshire", slug="east-ayrshire")

    generate()

    assert Partnership.objects.filter(slug__startswith="synthetic-").count() == 2


def test_it_refuses_to_run_twice_on_the_same_database(recommendations):
    generate()

    with pytest.raises(CommandError, match="already holds 2 synthetic partnerships"):
        generate()


def test_it_refuses_a_database_without_recommendations(db):
    with pytest.raises(CommandError, match="run `manage.py load_recommendations` first"):
        generate()


@pytest.mark.parametrize(
    "argument, message",
    [
        ("--partnerships=0", r"number of partnerships must be between 1 and 999 \(got 0\)"),
        ("--actions-per-partnership=-5", "number of actions per partnership must be between 1 and 9999"),
        ("--updates-per-action=101", "number of updates per action must be between 0 and 100"),
    ],
)
def test_it_refuses_bad_numbers_and_changes_nothing(recommendations, argument, message):
    with pytest.raises(CommandError, match=message):
        generate(argument)

    assert Partnership.objects.count() == 0


def test_synthetic_users_cannot_sign_in_unless_given_a_password(recommendations):
    generate()

    user = Membership.objects.get(user__username="s001.coordinator").user
    assert not user.has_usable_password() and not user.check_password("")
