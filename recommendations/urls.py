from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<slug:slug>/", views.report_detail, name="report"),
    path("<slug:slug>/<str:reference>/", views.recommendation_detail, name="detail"),
    path("<slug:slug>/<str:reference>/decision/", views.decision_edit, name="decision"),
]
