"""Headers on every page, the deployment checklist with the README's production variables, the health check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.test_settings import settings_value

ROOT = Path(__file__).resolve().parents[1]

#: The production variables the README gives (with example values).
PRODUCTION = {
    "SECRET_KEY": "k7Qy0vX3rN8pL2sW5tB9mE4hJ6cF1gA0zD3uR7iO2nV5bY8xT4qS6wM9pK1jH3lG",
    "ALLOWED_HOSTS": "tracker.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
    "DATABASE_URL": "postgres://tracker:secret@127.0.0.1:5432/cptracker",
    "BEHIND_HTTPS_PROXY": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def test_the_deployment_checklist_passes_with_the_readmes_production_variables():
    ours = {"DEBUG", "TESTING", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the last: browser tests
    env = {k: v for k, v in os.environ.items() if k not in ours}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, **PRODUCTION},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_readme_lists_every_production_variable_the_check_uses():
    readme = (ROOT / "README.md").read_text()
    for name in PRODUCTION:
        assert f"`{name}`" in readme, name


def test_every_hsts_setting_comes_from_the_environment():
    result = settings_value(
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD",
        SECRET_KEY="x" * 50,
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="yes",
    )
    assert result.stdout.strip() == "600 True True", result.stderr


def test_a_yes_or_no_setting_that_is_neither_stops_the_start_with_a_message():
    result = settings_value("s.SECURE_HSTS_PRELOAD", SECRET_KEY="x" * 50, SECURE_HSTS_PRELOAD="ture")
    assert result.returncode != 0
    assert "SECURE_HSTS_PRELOAD='ture' is not a yes/no value" in result.stderr


@pytest.mark.django_db
def test_a_signed_in_page_has_the_policy_and_is_not_stored(client_as, member):
    response = client_as(member).get(reverse("actions:my_actions"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_sign_in_page_has_the_policy(client):
    response = client.get(reverse("login"))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_no_template_has_inline_script_or_style():
    """The policy allows no inline script or style; e-mails (not served to browsers) and the paper (a standalone
    document for print and PDF, served with its own policy) are the exceptions."""
    exceptions = {"reports/paper.html"}
    offending = []
    for path in (ROOT / "templates").rglob("*.html"):
        name = str(path.relative_to(ROOT / "templates"))
        if name in exceptions or name.startswith("reports/email/"):
            continue
        text = path.read_text()
        if "style=" in text or "<style" in text or " on" in text and "onclick=" in text:
            offending.append(name)
        for tag in text.split("<script")[1:]:
            if "src=" not in tag.split(">", 1)[0]:
                offending.append(name)
    assert offending == []


@pytest.mark.django_db
def test_the_health_check_answers_without_signing_in_and_queries_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_privacy_notice_is_public_and_linked_from_the_sign_in_page(client):
    assert reverse("privacy") in client.get(reverse("login")).content.decode()
    page = client.get(reverse("privacy")).content.decode()
    for words in ("your name", "audit log", "730 days", "Who sees it", "sign-in"):
        assert words.lower() in page.lower(), words
