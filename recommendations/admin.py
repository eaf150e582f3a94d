from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import ActionRecommendation
from agencies.admin import ReadOnlyAdminMixin

from .models import (
    ApplicabilityDecision,
    Finding,
    Recommendation,
    RecommendationLoad,
    ReportSummary,
    SourceReport,
    Theme,
)


class SubPointsField(forms.CharField):
    """Edits a list of sub-points as text: one sub-point per paragraph (separated by a blank line)."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [" ".join(part.split()) for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


class RecommendationForm(forms.ModelForm):
    sub_points = SubPointsField(required=False, help_text="One sub-point per paragraph; leave a blank line between.")

    class Meta:
        model = Recommendation
        fields = [
            "report",
            "theme",
            "reference",
            "position",
            "lead_in",
            "text",
            "sub_points",
            "is_mandatory",
            "addressed_to",
        ]


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["position", "title", "slug"]
    ordering = ["position"]


class ReadableReportsMixin:
    """The admin lists only the reports (and their themes, recommendations, findings) the person reads
    (``SourceReport.objects.for_user``): a partnership's own report stays its own there too. A superuser, who
    keeps the whole installation, sees every one."""

    report_lookup = "report__in"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.report_lookup: SourceReport.objects.for_user(request.user)})


@admin.register(SourceReport)
class SourceReportAdmin(ReadableReportsMixin, admin.ModelAdmin):
    report_lookup = "pk__in"
    list_display = ["title", "short_title", "kind", "partnership", "restricted", "publisher", "published_text"]
    list_filter = ["kind", "restricted"]
    search_fields = ["title", "short_title", "publisher", "reference"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [ThemeInline]


@admin.register(Theme)
class ThemeAdmin(ReadableReportsMixin, admin.ModelAdmin):
    list_display = ["title", "report", "position"]
    list_filter = [("report", admin.RelatedOnlyFieldListFilter)]
    ordering = ["report", "position"]


class FindingInline(admin.StackedInline):
    model = Finding
    extra = 0
    fields = ["kind", "position", "text"]
    ordering = ["kind", "position"]


class ActionLinkInline(admin.TabularInline):
    model = ActionRecommendation
    extra = 0
    fields = ["action", "is_primary", "position"]
    autocomplete_fields = ["action"]
    verbose_name = "action answering this recommendation"
    verbose_name_plural = "actions answering this recommendation"


class DecisionInline(admin.TabularInline):
    model = ApplicabilityDecision
    extra = 0
    fields = ["partnership", "decision", "reason", "decided_by", "decided_on"]
    autocomplete_fields = ["decided_by"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadableReportsMixin, SimpleHistoryAdmin):
    form = RecommendationForm
    list_display = ["reference", "short_text", "theme", "is_mandatory", "report"]
    list_display_links = ["reference", "short_text"]
    list_filter = [
        ("report", admin.RelatedOnlyFieldListFilter),
        ("theme", admin.RelatedOnlyFieldListFilter),
        "is_mandatory",
    ]
    search_fields = ["reference", "text", "addressed_to"]
    ordering = ["report", "position"]
    list_select_related = ["report", "theme"]
    inlines = [FindingInline, ActionLinkInline, DecisionInline]

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 120 else obj.text[:117] + "…"


@admin.register(Finding)
class FindingAdmin(ReadableReportsMixin, admin.ModelAdmin):
    list_display = ["kind", "position", "short_text", "recommendation", "report"]
    list_filter = [("report", admin.RelatedOnlyFieldListFilter), "kind"]
    search_fields = ["text"]
    ordering = ["report", "kind", "position"]
    list_select_related = ["report", "recommendation__report"]
    autocomplete_fields = ["recommendation"]

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 120 else obj.text[:117] + "…"


@admin.register(ApplicabilityDecision)
class ApplicabilityDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["recommendation", "partnership", "decision", "decided_by", "decided_on"]
    list_filter = ["partnership", "decision", "recommendation__report"]
    search_fields = ["recommendation__text", "reason"]
    autocomplete_fields = ["recommendation", "decided_by"]
    list_select_related = ["recommendation__report", "partnership", "decided_by"]
    ordering = ["partnership", "recommendation__report", "recommendation__position"]


@admin.register(ReportSummary)
class ReportSummaryAdmin(admin.ModelAdmin):
    list_display = ["report", "partnership"]
    list_filter = ["partnership"]


@admin.register(RecommendationLoad)
class RecommendationLoadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The history of loads, read-only. Loading itself happens on the Load a national report page."""

    list_display = ["file_name", "uploaded_by", "uploaded_at", "applied_at"]
    list_filter = ["applied_at"]
    fields = ["file_name", "sha256", "uploaded_by", "uploaded_at", "applied_at", "summary"]
    readonly_fields = fields
