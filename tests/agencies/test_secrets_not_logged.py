"""Secrets carried in paths (invitation and password reset tokens) reach neither the audit log nor any log line,
whatever happens to the request: accepted, refused for want of a CSRF token, expired, wrong."""

import io
import logging
import re
import secrets
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from agencies import services
from agencies.models import AuditEntry, Invitation
from config.secrets_in_paths import MASK, NOT_SECRET, SECRET_KWARGS, MaskSecretsFilter, mask_secrets, mask_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-pass-phrase-2009"


@pytest.fixture
def every_log_record(caplog):
    """caplog, at DEBUG for every logger; SQL is logged too (with its parameters), as with DEBUG on."""
    caplog.set_level(logging.DEBUG)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
    with CaptureQueriesContext(connection):
        yield caplog


def invitation_path(coordinator, agency, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(
            actor=coordinator, agency=agency, email=email, role="member", base_url="http://testserver/"
        )
    return re.search(r"http://testserver(/partnerships/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)


def token_of(path):
    return path.rstrip("/").rsplit("/", 1)[-1]


def accept(client, path, **fields):
    data = {"first_name": "Nia", "last_name": "New", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **fields}
    return client.post(path, data)


def own_handlers(logger):
    """The handlers the settings (or a library) gave ``logger``; not pytest's capturing ones."""
    return [
        handler
        for handler in logger.handlers
        if not type(handler).__module__.startswith("_pytest") and not isinstance(handler, logging.NullHandler)
    ]


def project_handlers():
    loggers = [logging.root, *logging.root.manager.loggerDict.values()]
    return {handler for logger in loggers if isinstance(logger, logging.Logger) for handler in own_handlers(logger)}


def assert_written_nowhere(tokens, caplog):
    """No token in any column of any audit entry, nor in any captured record: its message, every attribute (the
    request it carries, its arguments, its traceback), and the line each of the project's handlers writes."""
    assert caplog.records, "nothing was logged: the flows did not run"
    written = [str(getattr(entry, field.attname)) for entry in AuditEntry.objects.all() for field in entry._meta.fields]
    handlers = project_handlers()
    for record in caplog.records:
        written += [record.getMessage(), *map(str, vars(record).values())]
        written += [handler.format(record) for handler in handlers]
    written.append(caplog.text)
    for token in tokens:
        leaks = [text for text in written if token in text]
        assert not leaks, f"{token} written: {leaks[:3]}"


def test_no_invitation_token_reaches_the_audit_log_or_a_log_line(
    client, every_log_record, coordinator, agency, django_capture_on_commit_callbacks
):
    path = invitation_path(coordinator, agency, "nia@example.org", django_capture_on_commit_callbacks)
    expired = invitation_path(coordinator, agency, "old@example.org", django_capture_on_commit_callbacks)
    Invitation.objects.filter(email="old@example.org").update(expires_at=timezone.now() - timedelta(minutes=1))
    wrong = f"/partnerships/invitations/{secrets.token_urlsafe(32)}/"

    assert client.get(path).status_code == 200
    assert accept(Client(enforce_csrf_checks=True), path).status_code == 403
    assert accept(client, path, password2="not-the-same-pass").status_code == 400
    assert accept(client, path).status_code == 302
    assert client.get(path).status_code == 410  # used
    assert client.get(expired).status_code == 410
    assert accept(client, expired).status_code == 410
    assert accept(Client(enforce_csrf_checks=True), expired).status_code == 403
    assert client.get(wrong).status_code == 410
    assert accept(client, wrong).status_code == 410

    refused = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSED, path__startswith="/partnerships/")
    assert set(refused.values_list("path", flat=True)) == {f"/partnerships/invitations/{MASK}/"}
    assert any("/partnerships/invitations/" in record.getMessage() for record in every_log_record.records)
    assert_written_nowhere([token_of(path), token_of(expired), token_of(wrong)], every_log_record)


@pytest.mark.urls("tests.agencies.urls_with_password_reset")
def test_no_password_reset_token_reaches_the_audit_log_or_a_log_line(client, every_log_record):
    UserFactory(username="rita", email="rita@example.org")
    assert client.post(reverse("password_reset"), {"email": "rita@example.org"}).status_code == 302
    path = re.search(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", mail.outbox[-1].body).group(1)
    wrong = path.replace(token_of(path), f"{token_of(path)[:-3]}xyz")

    assert Client(enforce_csrf_checks=True).post(path, {"new_password1": "x"}).status_code == 403
    assert "invalid" in client.get(wrong).content.decode()
    set_password = client.get(path)
    assert set_password.status_code == 302
    fields = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(set_password["Location"], fields).status_code == 302
    assert "invalid" in client.get(path).content.decode()  # used

    assert AuditEntry.objects.get(action=AuditEntry.Action.REFUSED).path.endswith(f"/{MASK}/")
    assert_written_nowhere([token_of(path), token_of(wrong)], every_log_record)


def test_the_invitation_link_still_works_after_a_refused_post(
    client, coordinator, agency, django_capture_on_commit_callbacks
):
    path = invitation_path(coordinator, agency, "nia@example.org", django_capture_on_commit_callbacks)
    assert accept(Client(enforce_csrf_checks=True), path).status_code == 403
    assert client.get(path).status_code == 200
    response = accept(client, path)
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get(reverse("actions:my_actions")).status_code == 200  # signed in as the new person
    assert Invitation.objects.get(email="nia@example.org").user.check_password(NEW_PASSWORD)


# --- The rule itself --------------------------------------------------------------------------------------------


def test_a_declared_secret_is_masked_and_every_other_path_is_left_as_it_is():
    assert mask_secrets("/partnerships/invitations/Ab-9_x/") == f"/partnerships/invitations/{MASK}/"
    assert mask_secrets("/partnerships/invitations/Ab-9_x/?again=Ab-9_x") == (
        f"/partnerships/invitations/{MASK}/?again={MASK}"
    )
    for path in ["/actions/12/", "/partnerships/east-ayrshire/people/", "/recommendations/load/Ab-9_x/", "/nowhere"]:
        assert mask_secrets(path) == path


def test_every_path_and_url_in_a_line_is_masked():
    line = (
        '203.0.113.7 - - "POST /partnerships/invitations/Ab-9_x/ HTTP/1.1" 403 '
        '"https://tracker.example.org/partnerships/invitations/Ab-9_x/" "Mozilla/5.0" text/html */*'
    )
    assert mask_text(line) == line.replace("Ab-9_x", MASK)


def url_names_and_kwargs(resolver=None, namespace="", kwargs=()):
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = entry.pattern
        names = (*kwargs, *getattr(pattern, "converters", {}), *pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names_and_kwargs(entry, inner, names)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", set(names)


@pytest.mark.urls("tests.agencies.urls_with_password_reset")
def test_every_url_with_a_token_like_argument_is_declared_secret_or_not():
    token_like = re.compile(r"token|key|secret|code|uid|sig|hash|nonce|otp", re.IGNORECASE)
    found = {name for name, kwargs in url_names_and_kwargs() if any(token_like.search(kwarg) for kwarg in kwargs)}
    assert {"agencies:accept", "password_reset_confirm", "recommendations:load_preview"} <= found
    assert found <= set(SECRET_KWARGS) | set(NOT_SECRET), found - set(SECRET_KWARGS) - set(NOT_SECRET)


def test_every_handler_masks_before_anything_else(settings):
    for name, handler in settings.LOGGING["handlers"].items():
        assert handler.get("filters", [])[:1] == ["mask_secrets"], name
    handlers = project_handlers()
    assert handlers
    for handler in handlers:
        assert isinstance(handler.filters[0], MaskSecretsFilter), handler
    for name in ["django", "django.request", "django.security.csrf", "django.server", "gunicorn.access"]:
        assert logging.getLogger(name).hasHandlers()


LINE = "GET /partnerships/invitations/Ab-9_x/ HTTP/1.1"


@pytest.mark.parametrize(
    ("logger", "message", "args"),
    [
        # gunicorn's access log (--access-logfile): its atoms hold the path whether its format prints it or not
        ("gunicorn.access", '%(h)s "%(r)s" %(s)s', ({"h": "203.0.113.7", "r": LINE, "U": LINE[4:-9], "s": "200"},)),
        ("gunicorn.error", "Error handling request %s", (LINE[4:-9],)),
        ("django.server", '"%s" %s %s', (LINE, "200", "512")),
    ],
)
def test_server_request_lines_are_masked_as_written(logger, message, args):
    (handler,) = own_handlers(logging.getLogger(logger))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger(logger).info(message, *args)
    finally:
        handler.setStream(previous)
    assert f"/partnerships/invitations/{MASK}/" in stream.getvalue()
    assert "Ab-9_x" not in stream.getvalue()


def test_single_sign_ons_one_time_code_and_state_are_masked_in_the_callbacks_query():
    from config.secrets_in_paths import mask_secrets, mask_text

    assert mask_secrets("/accounts/sso/callback/?code=c0de&state=st4te") == (
        "/accounts/sso/callback/?code=[masked]&state=[masked]"
    )
    line = mask_text('"GET /accounts/sso/callback/?state=st4te&code=c0de HTTP/1.1" 302')
    assert "c0de" not in line and "st4te" not in line
    assert mask_secrets("/actions/?code=1") == "/actions/?code=1"  # a query of another page is left as it is
