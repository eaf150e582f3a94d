from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from agencies.admin import ReadOnlyAdminMixin

from .models import Action, ActionRecommendation, ProgressUpdate


class LinkInline(admin.TabularInline):
    model = ActionRecommendation
    extra = 0
    fields = ["recommendation", "is_primary", "position"]
    autocomplete_fields = ["recommendation"]


class ProgressUpdateInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    fields = ["created_at", "author", "status_after", "percent_after", "due_date_after", "note"]
    readonly_fields = fields
    ordering = ["-created_at"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = [
        "plan_reference",
        "short_description",
        "owner",
        "level",
        "status",
        "percent_complete",
        "due_date",
    ]
    list_filter = ["partnership", "level", "status", "owner"]
    search_fields = ["reference", "description", "timescale_text"]
    list_select_related = ["owner"]
    # Progress fields change only through a recorded progress update, never silently here.
    readonly_fields = ["status", "percent_complete", "due_date", "version", "created_at", "updated_at"]
    inlines = [LinkInline, ProgressUpdateInline]

    ordering = ["partnership", "sort_key"]

    @admin.display(description="reference", ordering="sort_key")
    def plan_reference(self, obj):
        return obj.display_reference

    @admin.display(description="description")
    def short_description(self, obj):
        return obj.description if len(obj.description) <= 100 else obj.description[:97] + "…"


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["action", "created_at", "author", "status_before", "status_after", "percent_after"]
    list_filter = ["action__partnership", "status_after", "source"]
    search_fields = ["action__reference", "note", "revision_reason"]
    list_select_related = ["action", "author"]
    date_hierarchy = "created_at"


@admin.register(ActionRecommendation)
class ActionRecommendationAdmin(admin.ModelAdmin):
    list_display = ["action", "recommendation", "is_primary", "position"]
    list_filter = ["recommendation__report", "is_primary"]
    search_fields = ["action__reference", "action__description", "recommendation__reference"]
    autocomplete_fields = ["action", "recommendation"]
    list_select_related = ["action", "recommendation__report"]
