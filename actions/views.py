from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe
from django_filters.views import FilterView

from agencies import audit
from agencies.access import landing_url_name, membership_of, partnership_of, require_coordinator, require_plan_manager
from agencies.plan_cache import cached, rendered
from recommendations.models import ApplicabilityDecision, SourceReport
from reports.as_at import actions_as_they_stood, opening_day, read_as_at
from reports.history import end_of_day
from reports.member_lists import my_actions_page
from reports.sign_off import sign_off_as_at

from .access import can_update_action, get_action_for_user
from .filters import ActionFilter, cache_query, form_digest, parameter_names, quick_cache_query
from .forms import ActionPlanForm, ProgressForm
from .models import Action, ProgressUpdate
from .services import ConflictError, action_create, action_record_progress, action_update_plan


@require_safe
def home(request):
    """Each role lands on its own page: a member on My actions, the coordinator and readers on the dashboard."""
    name = landing_url_name(request.user)
    partnership = partnership_of(request.user)
    day = opening_day(partnership) if name == "reports:dashboard" else None
    return redirect(f"{reverse(name)}?as_at={day.isoformat()}" if day else reverse(name))


@require_safe
def my_actions(request):
    """A member's landing page: what their agency owes, in the lists the dashboard and papers count."""
    membership = membership_of(request.user)
    if membership is None:
        return render(request, "actions/no_membership.html", status=403)
    agency = membership.agency
    today = agency.partnership.archived_as_at or timezone.localdate()  # an archived plan: as at its last meeting

    def body_context():  # the same for every member of the agency: built once per version of the plan and day
        page = my_actions_page(agency, Action.objects.for_user(request.user), today, request.user)
        return {"page": page, "agency": agency}

    parts = [agency.pk, today, SourceReport.objects.visibility_key(request.user)]
    body = rendered(agency.partnership, "actions/_my_actions_body.html", parts, body_context)
    return render(request, "actions/my_actions.html", {"body": body, "agency": agency})


class _NotKeptHere(Exception):
    """A query looked up under its quick key that ``cache_query`` answers otherwise (``query``; ``None``: not kept)."""

    def __init__(self, query):
        super().__init__(query)
        self.query = query


class ActionListView(FilterView):
    """The partnership's actions, filtered, sorted and paged. Below its "as at" control the page is the same for
    every reader of the partnership asking the same query, so that part is rendered once per version of the plan,
    day and query (``agencies.plan_cache``)."""

    filterset_class = ActionFilter
    template_name = "actions/_action_list_body.html"  # the cached part; the page around it is action_list.html
    paginate_by = 50
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        self.partnership = partnership_of(request.user)
        today = timezone.localdate()
        self.as_at = read_as_at(request, self.partnership, today)

        body = self.body(request, today)
        filters = parameter_names(ActionFilter) - {"sort"}  # the as-at control keeps the filters, not the order
        context = {
            "body": body,
            "as_at": self.as_at,
            "as_at_keep": [(key, value) for key, values in request.GET.lists() if key in filters for value in values],
        }
        return render(request, "actions/action_list.html", context)

    def body(self, request, today):
        """The list below the as-at control: from the plan cache under its query, or built. A query written plainly
        is looked up by its parameters alone (``quick_cache_query``); the filter set is built only to check a query
        before its list is kept (``cache_query``), or to answer one that is not kept (a search, a refused value)."""
        filterset_kwargs = {"partnership": self.partnership, "as_at": self.as_at.day, "request": request}
        visibility = SourceReport.objects.visibility_key(request.user)

        def build():
            context = super(ActionListView, self).get(request).context_data
            return render_to_string(self.template_name, context)

        def keyed(query):
            return [today, self.as_at.day, query, visibility]

        quick = quick_cache_query(request.GET)
        if quick is None:
            query = cache_query(ActionFilter, request.GET, **filterset_kwargs)
        else:

            def checked():  # kept under the quick key only when it is the query cache_query accepts
                accepted = cache_query(ActionFilter, request.GET, **filterset_kwargs)
                if accepted != quick:
                    raise _NotKeptHere(accepted)
                return build()

            try:
                return cached(self.partnership, self.template_name, keyed(quick), checked)
            except _NotKeptHere as refused:
                query = refused.query
        if query is None:  # a search, or a value the form refuses: answered by the database each time, not kept
            return build()
        return cached(self.partnership, self.template_name, keyed(query), build)

    def get_queryset(self):
        user = self.request.user
        return Action.objects.for_user(user).for_lists(timezone.localdate(), user).order_by("sort_key")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["partnership"] = self.partnership
        kwargs["as_at"] = self.as_at.day
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["sort"] = query.pop("sort", [""])[0]
        context["filter_query"] = query.urlencode()
        context["filters_applied"] = any(v for k, v in self.request.GET.items() if k not in ("page", "sort", "as_at"))
        context["as_at"] = self.as_at
        context["filter_form_digest"] = form_digest(context["filter"].form)
        return context


@require_safe
def action_detail(request, pk):
    """An action, its recommendations and its history; as at a past day (``?as_at=``), as it stood at its end: its
    status, %, due date, RAG and the updates recorded by then."""
    action = get_action_for_user(request, pk)
    as_at = read_as_at(request, action.partnership, timezone.localdate())
    links = (
        action.links.filter(recommendation__report__in=SourceReport.objects.for_user(request.user))
        .select_related("recommendation__report", "recommendation__theme")
        .order_by("-is_primary")
    )
    updates = action.updates.select_related("author__membership__agency")
    if as_at.is_past:
        stood = actions_as_they_stood([action], action.partnership, as_at.day)
        if not stood:
            return render(request, "actions/action_not_yet.html", {"action": action, "as_at": as_at})
        updates = updates.filter(created_at__lte=end_of_day(as_at.day))
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "links": links,
            "updates": updates,
            "can_update": can_update_action(request.user, action) and not as_at.is_past,
            "sign_off": sign_off_as_at(action, end_of_day(as_at.day) if as_at.is_past else None),
            "today": as_at.date,
            "as_at": as_at,
        },
    )


@require_http_methods(["GET", "POST"])
def record_progress(request, pk):
    action = get_action_for_user(request, pk, write=True)
    conflict = None
    form = ProgressForm(request.POST or None, request.FILES or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            update = action_record_progress(
                action=action,
                author=request.user,
                expected_version=form.cleaned_data["version"],
                change=form.change(),
            )
        except ConflictError as exc:
            conflict = _conflict_context(exc.current, form)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            if update.evidence_file:
                audit.record(request, audit.Action.EVIDENCE_UPLOAD, obj=update, detail=update.evidence_file.name)
            messages.success(request, f"Progress recorded on {action.display_reference}.")
            return redirect(action)
    return render(
        request,
        "actions/record_progress.html",
        {
            "action": action,
            "form": form,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


def _conflict_context(current, form):
    """What changed since the person opened the form; their own input stays in the form for a second save."""
    seen = form.cleaned_data["version"] or 0
    form.data = form.data.copy()
    form.data["version"] = current.version
    return {
        "current": current,
        "updates": ProgressUpdate.objects.filter(action=current, action_version__gt=seen)
        .select_related("author")
        .order_by("created_at"),
    }


def _add_service_errors(form, exc):
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_safe
def evidence_download(request, pk, update_pk):
    action = get_action_for_user(request, pk)
    update = get_object_or_404(ProgressUpdate, pk=update_pk, action=action)
    if not update.evidence_file:
        raise Http404("This update has no evidence file.")
    try:
        handle = update.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404("The evidence file is missing from storage.") from None
    audit.record(request, audit.Action.EVIDENCE_DOWNLOAD, obj=update, detail=update.evidence_file.name)
    return FileResponse(handle, as_attachment=True, filename=update.evidence_file.name.rsplit("/", 1)[-1])


@require_safe
def plan(request):
    membership = require_coordinator(request.user)
    partnership = membership.agency.partnership
    decisions = ApplicabilityDecision.objects.for_user(request.user)
    return render(
        request,
        "actions/plan.html",
        {
            "partnership": partnership,
            "decided": decisions.exclude(decision=ApplicabilityDecision.Decision.UNDER_CONSIDERATION).count(),
            "action_count": Action.objects.for_user(request.user).count(),
            "overdue_count": Action.objects.for_user(request.user).overdue(timezone.localdate()).count(),
        },
    )


def _plan_fields(data):
    """The service's keyword arguments from a valid ActionPlanForm."""
    return {
        "owner": data["owner"],
        "level": data["level"],
        "description": data["description"],
        "timescale_text": data["timescale_text"],
        "due_date": data["due_date"],
        "recommendations": data["ordered_recommendations"],
    }


@require_http_methods(["GET", "POST"])
def action_create_view(request):
    partnership = require_plan_manager(request.user).agency.partnership
    form = ActionPlanForm(request.POST or None, partnership=partnership, initial=_initial_links(request))
    if request.method == "POST" and form.is_valid():
        try:
            action = action_create(
                partnership=partnership, reference=form.cleaned_data["reference"], **_plan_fields(form.cleaned_data)
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, f"Action {action.display_reference} created.")
            return redirect(action)
    return render(request, "actions/action_form.html", {"form": form, "action": None})


def _initial_links(request):
    return {"recommendations": request.GET.getlist("recommendation")} if "recommendation" in request.GET else {}


@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = get_action_for_user(request, pk)  # 404 for another partnership's action, before any role check
    require_plan_manager(request.user)
    form = ActionPlanForm(request.POST or None, instance=action, partnership=action.partnership)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            updated = action_update_plan(
                action=action,
                editor=request.user,
                expected_version=data["version"] or 0,
                revision_reason=data["revision_reason"],
                **_plan_fields(data),
            )
        except ConflictError as exc:
            conflict = _conflict_context(exc.current, form)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, f"Action {action.display_reference} saved.")
            return redirect(updated)
    context = {"form": form, "action": action, "conflict": conflict}
    return render(request, "actions/action_form.html", context, status=409 if conflict else 200)
