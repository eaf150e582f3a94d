"""The partnership's applicability decisions on national recommendations."""

from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Count

from actions.models import ActionRecommendation

from .models import ApplicabilityDecision


@transaction.atomic
def decision_record(*, partnership, recommendation, decision, reason, decided_by, decided_on):
    """Record (or revise) the partnership's decision; simple-history keeps every earlier version."""
    partnership.refuse_if_archived()
    obj = (
        ApplicabilityDecision.objects.select_for_update()
        .filter(partnership=partnership, recommendation=recommendation)
        .first()
    ) or ApplicabilityDecision(partnership=partnership, recommendation=recommendation)
    obj.decision, obj.reason, obj.decided_by, obj.decided_on = decision, reason.strip(), decided_by, decided_on
    obj.full_clean()
    obj.save()
    return obj


def decisions_by_recommendation(partnership, recommendations):
    """{recommendation id: decision, with who recorded it} for the partnership, in one query."""
    if partnership is None:
        return {}
    decisions = ApplicabilityDecision.objects.filter(partnership=partnership, recommendation__in=recommendations)
    return {d.recommendation_id: d for d in decisions.select_related("decided_by")}


def action_states_by_recommendation(partnership, recommendations):
    """{recommendation id: Counter(status -> number of the partnership's actions)}, in one query."""
    states = defaultdict(Counter)
    if partnership is None:
        return states
    rows = (
        ActionRecommendation.objects.filter(action__partnership=partnership, recommendation__in=recommendations)
        .order_by()  # the links' default ordering would sort every partnership's links to feed a counter
        .values_list("recommendation_id", "action__status")
        .annotate(n=Count("pk"))
    )
    for rec_id, status, n in rows:
        states[rec_id][status] += n
    return states
