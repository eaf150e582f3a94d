import datetime

import django_filters
from django import forms
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
    "rag": _in_listed_order("rag", [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE, Rag.NOT_APPLICABLE]),
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
        return qs.order_by(*(self.get_ordering_value(p) for p in value if p not in EMPTY_VALUES), "reference")


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
    due = django_filters.DateFromToRangeFilter(
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
            ("reference", "reference"),
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

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = Agency.objects.filter(partnership=partnership)
        for name in ("report", "theme", "recommendation", "owner", "level", "status", "rag"):
            self.filters[name].extra["empty_label"] = "Any"

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
