from django.contrib import admin

from .models import Meeting


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "body", "title", "partnership"]
    list_filter = ["partnership", "body"]
    search_fields = ["title"]
    date_hierarchy = "date"
