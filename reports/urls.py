from django.urls import path

from . import dashboard_views
from . import views as paper_views

app_name = "reports"

urlpatterns: list = [
    # Papers (reports/views.py) and the coordinator's dashboard (reports/dashboard_views.py) add their paths here.
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("plan/archive/", paper_views.plan_archive, name="plan_archive"),
    path("plan/settings/", paper_views.plan_settings, name="plan_settings"),
    path("meetings/", paper_views.meeting_list, name="meeting_list"),
    path("meetings/new/", paper_views.meeting_create, name="meeting_create"),
    path("papers/", paper_views.paper_list, name="paper_list"),
    path("papers/new/", paper_views.paper_create, name="paper_create"),
    path("papers/<int:pk>/", paper_views.paper_detail, name="paper_detail"),
    path("papers/<int:pk>/edit/", paper_views.paper_edit, name="paper_edit"),
    path("papers/<int:pk>/print/", paper_views.paper_print, name="paper_print"),
    path("papers/<int:pk>/pdf/", paper_views.paper_pdf, name="paper_pdf"),
    path("papers/<int:pk>/pdf/status/", paper_views.paper_pdf_status, name="paper_pdf_status"),
    path("papers/<int:pk>/pdf/prepare/", paper_views.paper_pdf_prepare, name="paper_pdf_prepare"),
    path("papers/<int:pk>/docx/", paper_views.paper_docx, name="paper_docx"),
    path("papers/<int:pk>/action-plan.csv", paper_views.paper_csv, name="paper_csv"),
    path("papers/<int:pk>/action-plan.xlsx", paper_views.paper_xlsx, name="paper_xlsx"),
    path("papers/<int:pk>/regenerate/", paper_views.paper_regenerate, name="paper_regenerate"),
    path("papers/<int:pk>/issue/", paper_views.paper_issue, name="paper_issue"),
    path("papers/<int:pk>/delete/", paper_views.paper_delete, name="paper_delete"),
    path("papers/<int:pk>/decisions/", paper_views.meeting_decisions, name="meeting_decisions"),
]
