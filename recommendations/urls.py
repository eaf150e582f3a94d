from django.urls import path

from . import load_views, views

app_name = "recommendations"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("own/new/", views.own_report_create, name="own_report_create"),
    path("load/", load_views.load_upload, name="load"),
    path("load/template.xlsx", load_views.load_template, name="load_template"),
    path("load/<str:token>/", load_views.load_preview, name="load_preview"),
    path("load/<str:token>/confirm/", load_views.load_confirm, name="load_confirm"),
    path("<slug:slug>/", views.report_detail, name="report"),
    path("<slug:slug>/<str:reference>/", views.recommendation_detail, name="detail"),
    path("<slug:slug>/<str:reference>/decision/", views.decision_edit, name="decision"),
]
