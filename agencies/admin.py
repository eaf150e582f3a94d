from django.contrib import admin

from .models import Agency, Membership, Partnership


class AgencyInline(admin.TabularInline):
    model = Agency
    extra = 0
    fields = ["name", "short_name", "slug", "kind", "email"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "committee_name", "slug"]
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
