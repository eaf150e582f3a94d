from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from actions.views import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("actions/", include("actions.urls")),
    path("recommendations/", include("recommendations.urls")),
    path("reports/", include("reports.urls")),
    path("partnerships/", include("agencies.urls")),
    path("admin/", admin.site.urls),
]
