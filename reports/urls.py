from django.urls import path

app_name = "reports"

urlpatterns: list = [
    # Papers (reports/views.py) and the coordinator's dashboard (reports/dashboard_views.py) add their paths here.
]
