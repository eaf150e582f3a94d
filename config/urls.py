from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import TemplateView

from actions.views import home
from agencies import sso_views
from agencies import views as account_views
from agencies.forms import SignInForm
from config import observability

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True, form_class=SignInForm)),
        name="login",
    ),
    path("accounts/sso/start/", sso_views.start, name="sso_start"),  # single sign-on (agencies/sso.py)
    path("accounts/sso/callback/", sso_views.callback, name="sso_callback"),
    path(
        "accessibility/",
        login_not_required(TemplateView.as_view(template_name="accessibility.html")),
        name="accessibility",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.password_change, name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/two-factor/", account_views.two_factor_settings, name="two_factor"),
    path("accounts/two-factor/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/off/", account_views.two_factor_disable, name="two_factor_disable"),
    path("accounts/two-factor/recovery-codes/", account_views.recovery_codes, name="recovery_codes"),
    path("accounts/locked/", account_views.locked_accounts, name="locked_accounts"),
    path("privacy/", account_views.privacy, name="privacy"),
    path("healthz", account_views.healthz, name="healthz"),
    path("readyz", observability.readyz, name="readyz"),
    path("actions/", include("actions.urls")),
    path("recommendations/", include("recommendations.urls")),
    path("reports/", include("reports.urls")),
    path("partnerships/", include("agencies.urls")),
    path("admin/", admin.site.urls),
]

# The database unreachable: a 503 "temporarily unavailable" page; any other error: the 500 page; both show the
# request id.
handler500 = "config.observability.server_error"
