from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("", views.ActionListView.as_view(), name="list"),
    path("mine/", views.my_actions, name="my_actions"),
    path("new/", views.action_create_view, name="create"),
    path("plan/", views.plan, name="plan"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/progress/", views.record_progress, name="record_progress"),
    path("<int:pk>/edit/", views.action_edit, name="edit"),
    path("<int:pk>/evidence/<int:update_pk>/", views.evidence_download, name="evidence"),
]
