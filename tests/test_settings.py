"""Settings come from the environment; production behaviour is what you get without DEBUG."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def settings_value(expression, **env):
    """Evaluate an expression on config.settings in a fresh interpreter with exactly this environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "TESTING", "DATABASE_URL"}}
    code = f"import config.settings as s; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = settings_value("s.DEBUG")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


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
