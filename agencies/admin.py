import datetime

from django.contrib import admin

from .models import (
    Agency,
    AuditEntry,
    Invitation,
    Membership,
    MembershipEvent,
    Partnership,
    PlanVersion,
    StoredFile,
)


class ReadOnlyAdminMixin:
    """For records the application keeps append-only (audit, history, progress updates, stored evidence): the
    admin reads and filters them, and never adds, changes or deletes one."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgencyInline(admin.TabularInline):
    model = Agency
    extra = 0
    fields = ["name", "short_name", "slug", "kind", "email"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "committee_name", "slug", "sso_only"]
    list_filter = ["sso_only"]
    search_fields = ["name", "committee_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AgencyInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "partnership"]
    list_filter = ["partnership", "kind"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "job_title"]
    list_filter = ["role", "agency__partnership", "agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read and filter only: nobody adds, changes or deletes an audit entry through the application."""

    list_display = ["created_at_utc", "username", "ip_address", "action", "outcome", "object_repr", "path"]
    list_filter = ["action", "outcome", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["username", "ip_address", "object_repr", "path", "detail"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    @admin.display(description="time (UTC)", ordering="created_at")
    def created_at_utc(self, entry):
        return entry.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Evidence files kept in the database: listed for the administrator, served only through the access-checked
    evidence view, and never changed here (a file belongs to its progress update, which is append-only)."""

    list_display = ["name", "size", "created_at"]
    search_fields = ["name"]
    fields = ["name", "size", "created_at"]
    readonly_fields = fields


@admin.register(MembershipEvent)
class MembershipEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The history of changes to people, read-only (append-only)."""

    list_display = ["at", "partnership", "kind", "detail", "actor"]
    list_filter = ["partnership", "kind"]
    readonly_fields = ["partnership", "kind", "actor", "subject", "email", "detail", "at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent from the People page; here they are only listed (the link itself is never stored)."""

    list_display = ["email", "agency", "role", "invited_by", "created_at", "expires_at", "accepted_at", "withdrawn_at"]
    list_filter = ["agency__partnership", "role"]
    search_fields = ["email"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each plan's version and when it last changed (the versions under which plan pages are cached)."""

    list_display = ["scope", "number", "changed_at"]
