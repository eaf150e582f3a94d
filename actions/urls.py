from django.urls import path

from . import views
from .bulk_views import bulk, bulk_apply, bulk_export_csv, bulk_export_xlsx, bulk_preview

app_name = "actions"

urlpatterns = [
    path("", views.ActionListView.as_view(), name="list"),
    path("mine/", views.my_actions, name="my_actions"),
    path("new/", views.action_create_view, name="create"),
    path("plan/", views.plan, name="plan"),
    path("bulk/", bulk, name="bulk"),
    path("bulk/export.xlsx", bulk_export_xlsx, name="bulk_export_xlsx"),
    path("bulk/export.csv", bulk_export_csv, name="bulk_export_csv"),
    path("bulk/preview/", bulk_preview, name="bulk_preview"),
    path("bulk/apply/", bulk_apply, name="bulk_apply"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/progress/", views.record_progress, name="record_progress"),
    path("<int:pk>/edit/", views.action_edit, name="edit"),
    path("<int:pk>/evidence/<int:update_pk>/", views.evidence_download, name="evidence"),
]
