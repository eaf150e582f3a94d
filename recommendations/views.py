from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from actions.access import can_manage_plan
from actions.models import Action, ActionRecommendation, Status, answered_links_for
from agencies.access import partnership_of, require_plan_manager
from agencies.plan_cache import rendered
from reports.as_at import (
    actions_as_they_stood,
    decisions_as_they_stood,
    read_as_at,
    statuses_by_recommendation_as_at,
)

from . import own_reports
from .decisions import action_states_by_recommendation, decision_record, decisions_by_recommendation
from .forms import DecisionForm, OwnReportForm
from .models import ApplicabilityDecision, Recommendation, SourceReport


@require_safe
def report_list(request):
    reports = SourceReport.objects.for_user(request.user).select_related("partnership")
    context = {
        "reports": [r for r in reports if r.is_national],
        "own_reports": [r for r in reports if not r.is_national],
        "can_add_own": can_manage_plan(request.user),
    }
    return render(request, "recommendations/report_list.html", context)


@require_safe
def report_detail(request, slug):
    """A report's recommendations in printed order, grouped by theme, with the partnership's position on each."""
    report = get_object_or_404(SourceReport.objects.for_user(request.user), slug=slug)
    partnership = partnership_of(request.user)
    as_at = read_as_at(request, partnership, timezone.localdate())

    def body_context():  # the same for everyone who reads the same reports: built once per version of the plan
        recs = list(report.recommendations.select_related("theme").order_by("position"))
        if as_at.is_past:
            decisions = decisions_as_they_stood(partnership, recs, as_at.day)
            states = statuses_by_recommendation_as_at(partnership, recs, as_at.day)
        else:
            decisions = decisions_by_recommendation(partnership, recs)
            states = action_states_by_recommendation(partnership, recs)
        for rec in recs:
            rec.decision_obj = decisions.get(rec.pk)
            rec.states = [(Status(s).label, n) for s, n in sorted(states[rec.pk].items())]
            rec.action_total = sum(states[rec.pk].values())
        groups = [(theme, list(items)) for theme, items in groupby(recs, key=lambda r: r.theme)]
        return {"groups": groups, "as_at": as_at}

    parts = [report.pk, as_at.date, as_at.is_past, SourceReport.objects.visibility_key(request.user)]
    body = rendered(partnership, "recommendations/_report_detail_body.html", parts, body_context)
    return render(request, "recommendations/report_detail.html", {"report": report, "body": body, "as_at": as_at})


def _recommendation(user, slug, reference):
    """The recommendation, if its report is one the user reads (``SourceReport.objects.for_user``); else 404."""
    return get_object_or_404(
        Recommendation.objects.for_user(user).select_related("report", "theme"), report__slug=slug, reference=reference
    )


@require_safe
def recommendation_detail(request, slug, reference):
    rec = _recommendation(request.user, slug, reference)
    partnership = partnership_of(request.user)
    as_at = read_as_at(request, partnership, timezone.localdate())

    def actions_context():  # the same for everyone who reads the same reports: built once per version of the plan
        links = (
            ActionRecommendation.objects.filter(recommendation=rec, action__in=Action.objects.for_user(request.user))
            .select_related("action__owner")
            .prefetch_related(answered_links_for(request.user, "action__links"))
            .order_by("position")
        )
        actions = [link.action for link in links]
        if as_at.is_past:
            actions = actions_as_they_stood(actions, partnership, as_at.day)
        for action in actions:
            action.rag_now = action.rag_result(as_at.date)
        return {
            "rec": rec,
            "as_at": as_at,
            "committee_actions": [a for a in actions if a.level == Action.Level.COMMITTEE],
            "agency_actions": [a for a in actions if a.level == Action.Level.SINGLE_AGENCY],
        }

    if as_at.is_past:
        decision = decisions_as_they_stood(partnership, [rec], as_at.day).get(rec.pk)
    else:
        decision = decisions_by_recommendation(partnership, [rec]).get(rec.pk)
    parts = [rec.pk, as_at.date, as_at.is_past, SourceReport.objects.visibility_key(request.user)]
    actions = rendered(partnership, "recommendations/_recommendation_actions.html", parts, actions_context)
    return render(
        request,
        "recommendations/recommendation_detail.html",
        {
            "rec": rec,
            "findings": rec.findings.order_by("position"),
            "earlier_wordings": rec.earlier_wordings(),
            "decision": decision,
            "as_at": as_at,
            "actions": actions,
        },
    )


@require_http_methods(["GET", "POST"])
def decision_edit(request, slug, reference):
    membership = require_plan_manager(request.user)
    rec = _recommendation(request.user, slug, reference)
    partnership = membership.agency.partnership
    current = decisions_by_recommendation(partnership, [rec]).get(rec.pk)
    initial = {"decided_on": timezone.localdate(), "decision": ApplicabilityDecision.Decision.UNDER_CONSIDERATION}
    if current:
        initial.update(
            decision=current.decision, reason=current.reason, decided_on=current.decided_on or initial["decided_on"]
        )
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        decision_record(partnership=partnership, recommendation=rec, decided_by=request.user, **form.cleaned_data)
        messages.success(request, f"Decision recorded for {rec}.")
        return redirect("recommendations:detail", slug=slug, reference=reference)
    history = current.history.select_related("decided_by").order_by("-history_date") if current else []
    return render(request, "recommendations/decision_form.html", {"rec": rec, "form": form, "history": history})


@require_http_methods(["GET", "POST"])
def own_report_create(request):
    """The coordinator adds a report of the partnership's own (a learning review, an inspection, an audit)."""
    partnership = require_plan_manager(request.user).agency.partnership
    form = OwnReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = own_reports.own_report_create(partnership=partnership, **form.service_fields())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{report.title} added, with {report.recommendations.count()} recommendations.")
            return redirect(report)
    return render(request, "recommendations/own_report_form.html", {"form": form})
