import datetime
import hashlib

import django_filters
from django import forms
from django.db import models
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES

from agencies.models import Agency
from recommendations.models import Recommendation, SourceReport, Theme

from .models import Action, ActionRecommendation, ProgressUpdate, Status
from .rag import Rag


def _in_listed_order(field, values):
    """Sort a coded column in the order its values are listed, not alphabetically by code."""
    whens = [When(**{field: value}, then=Value(rank)) for rank, value in enumerate(values)]
    return Case(*whens, default=Value(len(values)), output_field=IntegerField())


RANKED_COLUMNS = {
    "status": _in_listed_order("status", Status.values),
    "rag": _in_listed_order("rag", [Rag.RED, Rag.AMBER, Rag.NO_DATE, Rag.GREEN, Rag.COMPLETE, Rag.NOT_APPLICABLE]),
}


class ActionOrderingFilter(django_filters.OrderingFilter):
    """Sorts as a column reads: statuses in their lifecycle order, RAG from red to not applicable.

    Actions with no due date come last either way (SQLite and PostgreSQL disagree on where NULLs go), and ties
    are broken by reference, so that pages of results neither repeat nor skip an action.
    """

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        name = value.removeprefix("-")
        expression = RANKED_COLUMNS.get(name, F(name))
        return expression.desc(nulls_last=True) if value.startswith("-") else expression.asc(nulls_last=True)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.order_by(*(self.get_ordering_value(p) for p in value if p not in EMPTY_VALUES), "sort_key")


_RAG_ORDER = [Rag.RED, Rag.AMBER, Rag.NO_DATE, Rag.GREEN, Rag.COMPLETE, Rag.NOT_APPLICABLE]
#: The sort orders of ``ActionOrderingFilter`` for a list of actions as they stood (undated last).
AS_AT_SORT_KEYS = {
    "reference": lambda a: a.sort_key,
    "owner": lambda a: a.owner.short_name,
    "status": lambda a: Status.values.index(a.status),
    "percent": lambda a: a.percent_complete or 0,
    "due": lambda a: (a.due_date is None, a.due_date or datetime.date.min),
    "rag": lambda a: _RAG_ORDER.index(a.rag),
}


class DayRangeField(django_filters.fields.DateRangeField):
    """A range of days given as dates. django-filter's own gives datetimes (for a ``DateTimeField``): a due date is a
    date, and the as-at list compares it in Python, where a date and a datetime cannot be compared."""

    def compress(self, data_list):
        return slice(*data_list) if data_list else None


class DayRangeFilter(django_filters.DateFromToRangeFilter):
    field_class = DayRangeField


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Search descriptions and notes")
    report = django_filters.ModelChoiceFilter(
        queryset=SourceReport.objects.all(), method="filter_report", label="Source report"
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.select_related("report"), method="filter_theme", label="Theme"
    )
    recommendation = django_filters.ModelChoiceFilter(
        queryset=Recommendation.objects.select_related("report").order_by("report_id", "position"),
        method="filter_recommendation",
        label="Recommendation",
    )
    owner = django_filters.ModelChoiceFilter(queryset=Agency.objects.none(), label="Owner agency")
    level = django_filters.ChoiceFilter(choices=Action.Level.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    rag = django_filters.ChoiceFilter(choices=Rag.choices, label="RAG")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue only", widget=forms.CheckboxInput)
    due = DayRangeFilter(
        field_name="due_date",
        label="Due between",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    not_updated_since = django_filters.DateFilter(
        method="filter_not_updated_since",
        label="No update since",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = ActionOrderingFilter(
        fields=(
            ("sort_key", "reference"),
            ("owner__short_name", "owner"),
            ("status", "status"),
            ("percent_complete", "percent"),
            ("due_date", "due"),
            ("rag", "rag"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Action
        fields = []

    #: Filters on what an action is (not on its progress): in an "as at" list the database applies these, and
    #: the progress filters are applied to the actions as they stood (``filter_as_at``).
    WHAT_IT_IS = ("q", "report", "theme", "recommendation", "owner", "level")

    def __init__(self, *args, partnership=None, as_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership, self.as_at = partnership, as_at
        self.filters["owner"].queryset = Agency.objects.filter(partnership=partnership)
        # the choices name only the reports this person reads (``SourceReport.objects.for_user``)
        user = getattr(self.request, "user", None)
        reports = SourceReport.objects.for_user(user) if user is not None else SourceReport.objects.national()
        self.filters["report"].queryset = reports
        self.filters["theme"].queryset = Theme.objects.filter(report__in=reports).select_related("report")
        self.filters["recommendation"].queryset = (
            Recommendation.objects.filter(report__in=reports)
            .select_related("report")
            .only("reference", "report__short_title")  # what a choice's label shows: not each long text
            .order_by("report_id", "position")
        )
        for name in ("report", "theme", "recommendation", "owner", "level", "status", "rag"):
            self.filters[name].extra["empty_label"] = "Any"

    def filter_queryset(self, queryset):
        if self.as_at is None:
            return super().filter_queryset(queryset)
        return self.filter_as_at(queryset)

    def filter_as_at(self, queryset):
        """The list as it stood at the end of ``as_at``: a list of actions wound back through the papers' history
        engine, filtered on their progress then, in the order asked for (reference order by default)."""
        from reports.as_at import actions_as_they_stood

        data = self.form.cleaned_data
        for name in self.WHAT_IT_IS:
            queryset = self.filters[name].filter(queryset, data.get(name))
        actions = actions_as_they_stood(queryset.order_by("sort_key"), self.partnership, self.as_at)
        due = data.get("due")
        wanted = [
            a
            for a in actions
            if (not data.get("status") or a.status == data["status"])
            and (not data.get("rag") or a.rag == data["rag"])
            and (not data.get("overdue") or a.is_overdue(self.as_at))
            and (not due or not due.start or (a.due_date and a.due_date >= due.start))
            and (not due or not due.stop or (a.due_date and a.due_date <= due.stop))
        ]
        for value in reversed(data.get("sort") or []):
            wanted.sort(key=AS_AT_SORT_KEYS[value.removeprefix("-")], reverse=value.startswith("-"))
        return wanted

    def _linked(self, queryset, **lookup):
        links = ActionRecommendation.objects.filter(action=OuterRef("pk"), **lookup)
        return queryset.filter(Exists(links))

    def filter_report(self, queryset, name, value):
        return self._linked(queryset, recommendation__report=value) if value else queryset

    def filter_theme(self, queryset, name, value):
        return self._linked(queryset, recommendation__theme=value) if value else queryset

    def filter_recommendation(self, queryset, name, value):
        return self._linked(queryset, recommendation=value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def filter_not_updated_since(self, queryset, name, value):
        """Open actions with no progress recorded since the start of that day (the dashboard links here from
        "No update since the last meeting")."""
        if not value:
            return queryset
        return queryset.without_update_since(timezone.make_aware(datetime.datetime.combine(value, datetime.time.min)))

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        notes = ProgressUpdate.objects.filter(action=OuterRef("pk"), note__icontains=value)
        return queryset.filter(
            Q(description__icontains=value)
            | Q(reference__icontains=value)
            | Q(timescale_text__icontains=value)
            | Exists(notes)
        )


def parameter_names(filterset_class):
    """The query parameters a list understands: its filters' names, a range's as its two ends (``due_after``)."""
    names = set()
    for name, declared in filterset_class.base_filters.items():
        widget = declared.extra.get("widget") or declared.field_class.widget  # not .field: it would be kept
        suffixes = getattr(widget, "suffixes", None)
        names.update([f"{name}_{suffix}" for suffix in suffixes] if suffixes else [name])
    return names


def cache_query(filterset_class, data, **kwargs):
    """The query under which a cached list is kept: only the parameters the list understands, each as its form
    cleaned it, so that unknown, repeated, reordered or differently written parameters share one entry. ``None``
    when the list is not worth keeping: a free-text search (one person's question, answered by the database each
    time) or a value the form refuses (shown with its error, built each time)."""
    form = filterset_class(data, **kwargs).form
    page = data.get("page", "1")
    understood_page = page == "last" or (page.isascii() and page.isdigit())
    if not understood_page or not form.is_valid() or (form.cleaned_data.get("q") or "").strip():
        return None
    parts = [("page", page if page == "last" else str(int(page)))]
    for name, value in sorted(form.cleaned_data.items()):
        if isinstance(value, slice):
            value = (value.start, value.stop)
        if value not in EMPTY_VALUES and value is not False and value != (None, None):
            parts.append((name, _key_value(value)))
    return parts


#: What ``quick_cache_query`` reads without the form: each choice filter's values, the filters chosen by id (a
#: model's primary key), those given as a day, and the sort orders.
_PLAIN_CHOICES = {
    "level": frozenset(Action.Level.values),
    "status": frozenset(Status.values),
    "rag": frozenset(Rag.values),
}
_ID_FILTERS = ("owner", "recommendation", "report", "theme")
_DAY_PARAMETERS = ("due_after", "due_before", "not_updated_since")
_SORT_ORDERS = frozenset(
    order for param in ActionFilter.base_filters["sort"].param_map for order in (param, f"-{param}")
)


def quick_cache_query(data):
    """``cache_query(ActionFilter, data, ...)`` for a query whose every value is written as the form writes it back
    (none, a choice, an id, an ISO day, sort orders), read from the parameters alone: without building the filter
    set, which copies every filter and field of it on each request. ``None`` when it cannot tell (a search, a value
    written otherwise, or one the form refuses): then ``cache_query`` decides.

    An id is not looked up here, so the answer is a key to *look up* a list under, never to keep one under: a list
    is kept only once ``cache_query`` has accepted the same query (``actions.views.ActionListView``), so an id it
    would refuse (another partnership's agency, a report the reader does not read) finds nothing under this key."""
    get = data.get
    page = get("page", "1")
    if page != "last" and not (page.isascii() and page.isdigit()):
        return None
    if get("q", "").strip():
        return None
    values = {}
    for name, choices in _PLAIN_CHOICES.items():
        values[name] = get(name, "")
        if values[name] and values[name] not in choices:
            return None
    for name in _ID_FILTERS:
        values[name] = get(name, "")
        if values[name] and not (values[name].isascii() and values[name].isdigit() and values[name][0] != "0"):
            return None
    days = {name: _plain_day(get(name, "")) for name in _DAY_PARAMETERS}
    if None in days.values():
        return None
    values["not_updated_since"] = days["not_updated_since"]
    if days["due_after"] or days["due_before"]:
        values["due"] = f"{days['due_after']},{days['due_before']}"
    overdue = get("overdue", "").lower()
    if overdue not in ("", "false", "on", "true"):
        return None
    values["overdue"] = "True" if overdue in ("on", "true") else ""
    values["sort"] = get("sort", "")
    if values["sort"] and not set(values["sort"].split(",")) <= _SORT_ORDERS:
        return None
    parts = [("page", page if page == "last" else str(int(page)))]
    return parts + [(name, value) for name, value in sorted(values.items()) if value]


def _plain_day(value):
    """An ISO day as the form writes it back (``""``: none), or ``None`` when it is written any other way."""
    if not value:
        return ""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return value if day.isoformat() == value else None


def _key_value(value):
    if isinstance(value, list | tuple):
        return ",".join(_key_value(item) for item in value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return "" if value is None else str(value)


def form_digest(form):
    """A digest of everything the filter form's fields show: each one's value, errors and choices, for ``{% kept %}``
    (``actions/_action_list_body.html``). The choices are read here once, and each widget keeps the list read, so
    rendering the fields asks the database nothing more."""
    shown = []
    for bound in form:
        widget = bound.field.widget
        choices = None
        if hasattr(widget, "choices"):
            widget.choices = [choice for choice in widget.choices]  # not list(): it would count them first  # noqa: C416
            choices = [(str(value), str(label)) for value, label in widget.choices]
        shown.append((bound.name, bound.value(), [str(error) for error in bound.errors], choices))
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
