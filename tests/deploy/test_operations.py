"""What an operator expects: a request id on every response and error page, one JSON log line per request (a user
id, never a name or an e-mail), a clear 503 page when the database cannot be reached (never a traceback), and a
readiness check that includes the database and the worker's queue age."""

import datetime
import json
import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def request_log():
    logger = logging.getLogger("cptracker.requests")
    handler = Lines()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


@pytest.fixture
def broken_client(settings):
    settings.ROOT_URLCONF = "tests.deploy.urls_with_faults"
    return Client(raise_request_exception=False)


def test_every_response_carries_a_request_id_and_is_logged_as_one_json_line(client_as, member, request_log):
    member.email, member.first_name = "kim.member@example.org", "Kim"
    member.save()
    response = client_as(member).get("/actions/mine/")
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    (line,) = request_log
    entry = json.loads(line)
    assert entry["request_id"] == request_id
    assert (entry["method"], entry["path"], entry["status"], entry["user_id"]) == ("GET", "/actions/mine/", 200, member.pk)
    assert entry["duration_ms"] >= 0 and entry["client"] == "127.0.0.1" and entry["time"]
    assert "kim" not in line.lower() and member.username not in line


def test_each_request_gets_its_own_id_and_an_anonymous_one_logs_no_user(client, request_log):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert [json.loads(line)["user_id"] for line in request_log] == [None, None]


def test_the_id_a_trusted_proxy_sends_is_kept_and_an_untrusted_client_cannot_choose_one(client, settings):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789").get("X-Request-ID") != "abcdef0123456789"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")["X-Request-ID"] == "abcdef0123456789"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_an_invitation_token_in_a_path_is_masked_in_the_request_log(client, request_log):
    client.get("/partnerships/invitations/a-secret-token-1234567890/")
    assert "a-secret-token-1234567890" not in "".join(request_log)


def test_the_not_found_and_forbidden_pages_show_the_request_id(client_as, member, reader, agency):
    action = ActionFactory(owner=agency, recommendations=[])
    for response, status in [
        (client_as(member).get("/no-such-page/"), 404),
        (client_as(reader).get(reverse("actions:record_progress", args=[action.pk])), 403),
    ]:
        assert response.status_code == status
        assert f"Reference: <code>{response['X-Request-ID']}</code>" in response.content.decode()


def test_a_bug_answers_the_500_page_with_the_request_id_and_no_traceback(broken_client, request_log):
    response = broken_client.get("/test-bug/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and f"Reference: <code>{response['X-Request-ID']}</code>" in page
    assert "Traceback" not in page and "hunter2" not in page and "RuntimeError" not in page
    assert json.loads(request_log[-1])["status"] == 500


def test_losing_the_database_in_a_view_answers_the_503_page(broken_client):
    response = broken_client.get("/test-database-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "temporarily unavailable" in page and response["X-Request-ID"] in page
    assert "OperationalError" not in page and "Traceback" not in page


def test_the_drivers_own_unwrapped_error_is_a_503_too(broken_client):
    assert broken_client.get("/test-driver-connection-lost/").status_code == 503


def test_losing_the_database_in_a_middleware_answers_the_503_page_too(broken_client, member, monkeypatch):
    broken_client.force_login(member)

    def unreachable(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(SessionStore, "load", unreachable)
    response = broken_client.get("/actions/mine/")
    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode()


def waiting_task(enqueued_minutes_ago):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}}, task_path="reports.tasks.render_paper_pdf", backend_name="default",
        run_after=get_date_max(),
    )  # fmt: skip
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=enqueued_minutes_ago)
    )
    return task


def test_readiness_is_ok_with_the_database_up_and_no_task_waiting(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "worker": "ok",
        "queue": {"waiting": 0, "oldest_seconds": 0, "limit_seconds": 300},
    }


def test_readiness_reports_the_age_of_the_oldest_task_waiting_for_a_worker(client):
    waiting_task(2)
    waiting_task(1)
    body = client.get("/readyz").json()
    assert body["queue"]["waiting"] == 2 and 115 <= body["queue"]["oldest_seconds"] <= 125
    assert body["worker"] == "ok"


def test_readiness_fails_when_the_worker_has_left_a_task_waiting_too_long(client):
    waiting_task(10)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["worker"] == "stalled"


def test_readiness_fails_when_the_database_cannot_be_reached(client, monkeypatch):
    from config import observability

    def unreachable(now):
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(observability, "oldest_waiting_task_age", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
