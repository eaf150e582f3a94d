"""Which changes make a new version of a partnership's plan (``agencies.plan_cache``): every model that a cached
plan page reads. Connected in ``ReportsConfig.ready``; a test saves and deletes each of them and checks that the
version moved.

A save or a delete of any of these, through a service, a form, the admin or a fixture, writes a ``PlanChange`` in
the same transaction. Writes that bypass model signals (``QuerySet.update``, ``bulk_create``, SQL) must call
``mark_changed`` themselves: ``action_set_recommendations`` needs none (it saves every link it keeps), and
``generate_scale_data`` marks each partnership it fills.
"""

from django.db.models.signals import post_delete, post_save

from actions.models import Action, ActionRecommendation, ProgressUpdate
from agencies.models import Agency, Membership, Partnership
from agencies.plan_cache import mark_changed
from recommendations.models import ApplicabilityDecision, Finding, Recommendation, ReportSummary, SourceReport, Theme
from reports.models import Meeting


def _action_partnership(instance):
    if type(instance)._meta.get_field("action").is_cached(instance):
        return instance.action.partnership_id
    return Action.objects.filter(pk=instance.action_id).values_list("partnership_id", flat=True).first()


def _agency_partnership(agency_id):
    return Agency.objects.filter(pk=agency_id).values_list("partnership_id", flat=True).first()


#: model -> the partnership whose plan a saved or deleted instance belongs to (None: every partnership's)
PARTNERSHIP_OF = {
    Partnership: lambda instance: instance.pk,
    Agency: lambda instance: instance.partnership_id,
    Membership: lambda instance: _agency_partnership(instance.agency_id),
    Action: lambda instance: instance.partnership_id,
    ActionRecommendation: _action_partnership,
    ProgressUpdate: _action_partnership,
    ApplicabilityDecision: lambda instance: instance.partnership_id,
    ReportSummary: lambda instance: instance.partnership_id,
    Meeting: lambda instance: instance.partnership_id,
    SourceReport: lambda instance: None,
    Theme: lambda instance: None,
    Recommendation: lambda instance: None,
    Finding: lambda instance: None,
}


def _saved(sender, instance, **kwargs):
    _changed(sender, instance)


def _deleted(sender, instance, **kwargs):
    if sender is not Partnership:  # a partnership deleted has no plan left to show
        _changed(sender, instance)


def _changed(sender, instance):
    partnership_id = PARTNERSHIP_OF[sender](instance)
    if partnership_id is None and sender not in NATIONAL:
        return  # the row it belonged to is gone with it (a cascade from its partnership): nothing left to show
    mark_changed(partnership_id)


NATIONAL = {SourceReport, Theme, Recommendation, Finding}


def connect():
    for model in PARTNERSHIP_OF:
        post_save.connect(_saved, sender=model, dispatch_uid=f"plan-change-save-{model._meta.label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"plan-change-delete-{model._meta.label}")
