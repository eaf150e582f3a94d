"""Settings come from the environment; production behaviour is what you get without DEBUG."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def settings_value(expression, *, module="config.settings", **env):
    """Evaluate an expression on a settings module in a fresh interpreter with exactly this environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "TESTING", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    code = f"import {module} as s; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def test_the_served_application_refuses_to_start_without_a_secret_key():
    result = settings_value("s.application", module="config.wsgi")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_the_served_application_starts_with_a_secret_key():
    result = settings_value("type(s.application).__name__", module="config.wsgi", SECRET_KEY="x" * 50)
    assert result.stdout.strip() == "WSGIHandler", result.stderr


def test_management_commands_without_a_secret_key_get_a_random_one_not_the_development_key():
    first = settings_value("s.SECRET_KEY").stdout.strip()
    second = settings_value("s.SECRET_KEY").stdout.strip()
    assert first != second
    assert "insecure" not in first


def test_debug_is_off_unless_asked_for():
    assert settings_value("s.DEBUG", SECRET_KEY="x" * 50).stdout.strip() == "False"
    assert settings_value("s.DEBUG", DEBUG="1").stdout.strip() == "True"


def test_postgresql_comes_from_database_url():
    result = settings_value(
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']",
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/cptracker",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql cptracker"


def test_sqlite_is_the_default_database():
    result = settings_value("s.DATABASES['default']['ENGINE']", DEBUG="1")
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_uk_time_zone_language_and_dates():
    result = settings_value("s.TIME_ZONE, s.LANGUAGE_CODE, s.DATE_FORMAT", DEBUG="1")
    assert result.stdout.strip() == "Europe/London en-gb j F Y"


def test_cookies_are_secure_outside_development():
    assert settings_value("s.SESSION_COOKIE_SECURE", SECRET_KEY="x" * 50).stdout.strip() == "True"


def test_a_yes_no_setting_that_is_neither_stops_start_up_with_its_name():
    result = settings_value("s.SESSION_COOKIE_SECURE", SECURE_COOKIES="Ture")
    assert result.returncode != 0
    assert "SECURE_COOKIES='Ture' is not a yes/no value" in result.stderr


def test_yes_no_settings_read_the_usual_words():
    assert settings_value("s.SESSION_COOKIE_SECURE", SECURE_COOKIES="off").stdout.strip() == "False"
    assert settings_value("s.SESSION_COOKIE_SECURE", SECURE_COOKIES=" Yes ").stdout.strip() == "True"
