"""Which changes make a new version of a partnership's plan (``agencies.plan_cache``): every model that a cached
plan page reads. Connected in ``ReportsConfig.ready``; a test saves and deletes each of them and checks that the
version moved.

A save or a delete of any of these, through a service, a form, the admin or a fixture, increments the plan's version
(``mark_changed``) in the same transaction. Writes that bypass model signals (``QuerySet.update``,
``bulk_create``, SQL) must call ``mark_changed`` themselves: ``action_set_recommendations`` needs none (it saves
every link it keeps), and ``generate_scale_data`` marks each partnership it fills.
"""

from operator import attrgetter

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from actions.models import Action, ActionRecommendation, ProgressUpdate
from agencies.models import Agency, Membership, Partnership
from agencies.plan_cache import mark_changed
from recommendations.models import ApplicabilityDecision, Finding, Recommendation, ReportSummary, SourceReport, Theme
from reports.models import Meeting, MeetingDecision, Paper, PlanSettings


def _through(field, model):
    """The partnership of the instance's ``field`` (its action, its agency): from the object when it is loaded,
    else in one query (``None`` when it is gone, deleted with it)."""

    def partnership_of(instance):
        if type(instance)._meta.get_field(field).is_cached(instance):
            return getattr(instance, field).partnership_id
        rows = model.objects.filter(pk=getattr(instance, f"{field}_id")).values_list("partnership_id", flat=True)
        return rows.first()

    return partnership_of


def _partnership_of_person(user):
    """A person's partnership, through their membership (``None`` for someone who belongs to none)."""
    rows = Membership.objects.filter(user_id=user.pk).values_list("agency__partnership_id", flat=True)
    return rows.first()


#: What ``_report_scope`` answers for a national report: its change is every partnership's.
NATIONAL_SCOPE = "national"


def _report_scope(field=None):
    """A report's scope (its own or through its ``report``): the partnership whose own report it is, or
    ``NATIONAL_SCOPE`` for a national one. A partnership's own report is that partnership's change alone."""

    def scope_of(instance):
        if field is None:
            report_partnership = instance.partnership_id
        elif type(instance)._meta.get_field(field).is_cached(instance):
            report_partnership = getattr(instance, field).partnership_id
        else:
            rows = SourceReport.objects.filter(pk=getattr(instance, f"{field}_id")).values_list("partnership_id")
            report_partnership = (rows.first() or (None,))[0]
        return NATIONAL_SCOPE if report_partnership is None else report_partnership

    return scope_of


def _issued_paper(paper):
    """An issued paper is a day the plan's pages link to (the "as at" control's quick links); a draft is not."""
    return paper.partnership_id if paper.status == Paper.Status.ISSUED else None


#: What a person's saves may change that no plan page shows: signing in, a new password.
_UNSEEN_USER_FIELDS = frozenset({"last_login", "password"})


#: model -> the partnership whose plan a saved or deleted instance belongs to; ``None``: a national model, whose
#: change is every partnership's
PARTNERSHIP_OF = {
    Partnership: attrgetter("pk"),
    Agency: attrgetter("partnership_id"),
    Membership: _through("agency", Agency),
    get_user_model(): _partnership_of_person,  # active or not, and their name: who can update an agency's actions
    Action: attrgetter("partnership_id"),
    ActionRecommendation: _through("action", Action),
    ProgressUpdate: _through("action", Action),
    ApplicabilityDecision: attrgetter("partnership_id"),
    ReportSummary: attrgetter("partnership_id"),
    Meeting: attrgetter("partnership_id"),
    MeetingDecision: attrgetter("partnership_id"),
    PlanSettings: attrgetter("partnership_id"),
    Paper: _issued_paper,
    SourceReport: _report_scope(),
    Theme: _report_scope("report"),
    Recommendation: _report_scope("report"),
    Finding: _report_scope("report"),
}
#: The models whose change is every partnership's when they belong to a national report.
NATIONAL = {SourceReport, Theme, Recommendation, Finding}


def _saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and sender is get_user_model() and set(update_fields) <= _UNSEEN_USER_FIELDS:
        return  # a sign-in or a new password changes nothing a plan page shows
    _changed(sender, instance)


def _deleted(sender, instance, **kwargs):
    if sender is not Partnership:  # a partnership deleted has no plan left to show
        _changed(sender, instance)


def _changed(sender, instance):
    partnership_id = PARTNERSHIP_OF[sender](instance)
    if partnership_id == NATIONAL_SCOPE:
        mark_changed(None)
    elif partnership_id is not None:  # else the row it belonged to is gone with it (a cascade): nothing left to show
        mark_changed(partnership_id)


def connect():
    for model in PARTNERSHIP_OF:
        post_save.connect(_saved, sender=model, dispatch_uid=f"plan-change-save-{model._meta.label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"plan-change-delete-{model._meta.label}")
