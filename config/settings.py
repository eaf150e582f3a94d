"""Settings, all driven by the environment.

Nothing exists only in production: production behaviour is switched on by environment variables
(``DEBUG`` off, a real ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL``).
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name, default=False):
    """A yes/no setting from the environment. A value that is neither (``SECURE_COOKIES=Ture``) stops start-up
    with a message naming it, instead of quietly meaning "off"."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of {', '.join(sorted(TRUE_WORDS | FALSE_WORDS - {''}))}."
    )


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {os.environ[name]!r}.") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
#: Serving the application (config/wsgi.py) refuses to start without a SECRET_KEY from the environment unless DEBUG
#: is on; management commands (migrations, checks) may run without one, on a throwaway random key.
SECRET_KEY_REQUIRED = not DEBUG and not env_bool("TESTING")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    SECRET_KEY = get_random_secret_key() if SECRET_KEY_REQUIRED else "insecure-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "agencies",
    "recommendations",
    "actions",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "agencies.middleware.PlanVersionPerRequestMiddleware",  # a read request reads each plan's version once
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agencies.context_processors.membership",
                "config.context_processors.permissions",
                "config.context_processors.nav",
            ],
        },
    },
]

#: Django's form templates with the project's few overrides found first (config/forms.py).
FORM_RENDERER = "config.forms.FormRenderer"

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,  # a connection the database dropped (a restart) is replaced, not reused and failed
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "plan": pages whose content is a whole plan, rendered once per version of it (agencies/plan_cache.py). By default
# each process keeps its own copy; the versions are in the database, so every process serves the same plan. With
# CACHE_URL (or REDIS_URL) set, "plan" and "papers" live in Redis, shared by every server (see below).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "plan": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "plan",
        "TIMEOUT": env_int("PLAN_CACHE_SECONDS", 3600),
        "OPTIONS": {"MAX_ENTRIES": env_int("PLAN_CACHE_ENTRIES", 300)},
    },
    # Papers' bodies apart, and fewer: a 500-action paper's body is about 0.7 MB.
    "papers": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "papers",
        "TIMEOUT": env_int("PLAN_CACHE_SECONDS", 3600),
        "OPTIONS": {"MAX_ENTRIES": env_int("PAPER_CACHE_ENTRIES", 40)},
    },
}
#: A shared cache for the plan pages and paper bodies (Django's own Redis backend): a page is built once per change
#: for all servers. A key names the plan's version, never reused, so a shared copy is as current as a private one.
#: Short timeouts: a cache server that is down or hung costs a request at most a fraction of a second, and
#: plan_cache.cached_under then builds the page itself (never a 500).
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
if CACHE_URL:
    for _alias in ("plan", "papers"):
        CACHES[_alias] = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": _alias,
            "TIMEOUT": CACHES[_alias]["TIMEOUT"],
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
#: After a cache error, each process leaves the cache alone for this many seconds (pages are built meanwhile).
CACHE_RETRY_SECONDS = env_int("CACHE_RETRY_SECONDS", 10)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # which then sends each role to its own page (actions.views.home)
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j F Y, H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("TESTING")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Evidence files live outside the web root and are only served through a view that checks access.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "evidence"))
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# RAG rule thresholds (see actions.rag): an action due within this many days and under this % is amber.
RAG_AMBER_WITHIN_DAYS = int(os.environ.get("RAG_AMBER_WITHIN_DAYS", "30"))
RAG_AMBER_BELOW_PERCENT = int(os.environ.get("RAG_AMBER_BELOW_PERCENT", "50"))
#: "Due soon" on My actions, the dashboard, papers and (by default) the reminders: due within this many days.
DUE_SOON_DAYS = int(os.environ.get("DUE_SOON_DAYS", "30"))

# Background work (papers' PDFs): Django's tasks API (the django-tasks backport) with its database backend. The
# worker runs beside the web server: `manage.py db_worker` (`make run` starts one); on PostgreSQL several workers,
# on several machines, share the queue.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
#: At most this many PDFs render at once, however many workers run (each render takes memory: ~0.5 GB for 500
#: actions); a request beyond it waits in the queue.
PDF_RENDER_CONCURRENCY = int(os.environ.get("PDF_RENDER_CONCURRENCY", "2"))
#: A PDF request waiting or rendering longer than this (seconds) has lost its worker: it shows as failed, with a retry.
PDF_RENDER_TIMEOUT = int(os.environ.get("PDF_RENDER_TIMEOUT", "900"))
#: How long (seconds) a render that found every slot taken waits before trying again.
PDF_RENDER_RETRY_DELAY = int(os.environ.get("PDF_RENDER_RETRY_DELAY", "5"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cp-tracker@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# How long an emailed invitation link may be used to choose a password (once).
INVITATION_VALID_HOURS = int(os.environ.get("INVITATION_VALID_HOURS", "72"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))  # a working day
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY") else None
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and not env_bool("TESTING"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Security (issue 9): sign-in throttling, two-factor, sessions, audit, headers, evidence storage -------------
# Kept in one block so that it merges as one piece. Every value a deployment may change comes from the environment.

INSTALLED_APPS += [  # noqa: F405 - appended here to keep the security block in one place
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
# Order matters: hostile paths are refused before anything reads them; OTP and the idle timeout need request.user;
# axes must come last (its docs).


def _after(existing, *added):
    position = MIDDLEWARE.index(existing) + 1
    MIDDLEWARE[position:position] = added


_after("django.middleware.security.SecurityMiddleware", "config.middleware.HostileInputMiddleware")
_after("django.contrib.auth.middleware.AuthenticationMiddleware", "django_otp.middleware.OTPMiddleware")
_after(
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.SessionGuardMiddleware",
    "config.middleware.TwoFactorRequiredMiddleware",
)
MIDDLEWARE += [
    "config.middleware.SecurityHeadersMiddleware",
    "agencies.middleware.AuditRefusalMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username before the password is checked
    # Django's ModelBackend (inactive users refused at sign-in and at every request), reading the person's membership
    # with them. Sessions signed in through ModelBackend before it (earlier releases) sign in again once.
    "agencies.backends.MembershipBackend",
]

#: Sign-in throttling (django-axes): a username, and a username from one address, is locked after
#: AXES_FAILURE_LIMIT failures; failures count until AXES_COOLOFF_MINUTES pass without one, so 10 failures in
#: 5 minutes always lock. The lock ends after the cool-off, or earlier when an admin or the coordinator unlocks.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "agencies.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "agencies.audit.client_ip"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in our own audit log; one record of them is enough
#: How many proxies (load balancer, nginx) stand in front of the application and append to X-Forwarded-For;
#: 0 trusts no header and uses the connection's address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

#: Two-factor sign-in: anyone may turn it on; with this on, coordinators and administrators must.
OTP_REQUIRED_FOR_COORDINATORS = env_bool("OTP_REQUIRED_FOR_COORDINATORS", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "CP recommendations tracker")
# The admin never shows a device's secret or QR code (with it, anyone could copy a person's second factor); an
# administrator removes a lost device, and its owner sets up a new one.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

#: Sessions end after SESSION_COOKIE_AGE whatever happens, and after SESSION_IDLE_TIMEOUT seconds without a request.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)

#: Audit entries and ended sessions are pruned after this many days (manage.py prune_audit, weekly from cron).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 2 * 365)

#: HTTPS: every HSTS setting from the environment (`check --deploy` passes with the README's production values).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"  # no address of ours ever reaches another site
#: Sent on every response by config.middleware.SecurityHeadersMiddleware: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

#: Evidence files live in the database (agencies.storage.DatabaseStorage, used by actions.models.private_storage),
#: so every application server sees them and every database backup holds them. PRIVATE_MEDIA_ROOT is read only
#: by the migration that moves files stored there by earlier versions into the database.

#: Every handler masks the secrets a path may carry (an invitation's or a password reset's token) before anything is
#: written: config.secrets_in_paths, the rule the audit log asks too. Django's own loggers ("django": request and
#: security warnings, error emails; "django.server": runserver's requests) and gunicorn's (in each worker) are given
#: these handlers in place of their own unmasked ones: gunicorn's access log then goes to stdout and its error log to
#: stderr, in gunicorn's formats, which is what docs/deploy.md's `--access-logfile - --error-logfile -` asks.
_MASKED = ["mask_secrets"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_secrets": {"()": "config.secrets_in_paths.MaskSecretsFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
        "gunicorn.error": {
            "format": "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": _MASKED},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": _MASKED},
        "gunicorn.access": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "filters": _MASKED},
        "gunicorn.error": {"class": "logging.StreamHandler", "formatter": "gunicorn.error", "filters": _MASKED},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": [*_MASKED, "require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},  # and, through the root, the console
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["gunicorn.access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["gunicorn.error"], "level": "INFO", "propagate": False},
    },
}

# --- Operations (issue 20): request ids and JSON request logs, readiness, the database's outages ---------------
#: Outermost: every response (error pages included) carries X-Request-ID and is logged as one JSON line on stdout
#: (config/observability.py), through the secret-masking filter like every other handler.
MIDDLEWARE.insert(0, "config.observability.RequestLogMiddleware")
LOGGING["formatters"]["json_line"] = {"format": "%(message)s"}
LOGGING["handlers"]["requests"] = {
    "class": "logging.StreamHandler",
    "stream": "ext://sys.stdout",
    "formatter": "json_line",
    "filters": _MASKED,
}
LOGGING["loggers"]["cptracker.requests"] = {
    "handlers": ["requests"],
    "level": os.environ.get("REQUEST_LOG_LEVEL", "INFO"),
    "propagate": False,
}
#: /readyz answers 503 when the oldest task waiting for a worker (a paper's PDF) has waited longer than this.
READY_QUEUE_MAX_AGE = env_int("READY_QUEUE_MAX_AGE", 300)

# --- Single sign-on (issue 20): OpenID Connect with the organisation's account (agencies/sso.py) ----------------
#: Off unless OIDC_RP_CLIENT_ID is set; then every endpoint below is needed (docs/deploy.md: registering the
#: application with Microsoft Entra ID or Google Workspace). A person is matched to their membership by a verified
#: e-mail address; nobody gets an account by signing in, except by accepting their invitation.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
_OIDC_NEEDED = (
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)
_oidc_missing = [name for name in _OIDC_NEEDED if OIDC_ENABLED and not globals()[name]]
if _oidc_missing:
    raise ImproperlyConfigured(f"OIDC_RP_CLIENT_ID is set: single sign-on also needs {', '.join(_oidc_missing)}.")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
#: The claim that says the provider has verified the address (Microsoft Entra ID: `xms_edov`, see docs/deploy.md).
OIDC_EMAIL_VERIFIED_CLAIM = os.environ.get("OIDC_EMAIL_VERIFIED_CLAIM", "email_verified")
#: What the sign-in button names: "Sign in with <this>".
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your organisation's account")
#: A sign-in through the organisation's account counts as two-factor for those who must use it: the council's
#: provider asks for its own second factor. Off: they give a code from their app afterwards, as with a password.
OIDC_SATISFIES_TWO_FACTOR = env_bool("OIDC_SATISFIES_TWO_FACTOR", True)
