"""What an operator reads: a request id on every response and error page, one JSON log line per request, a clear
"temporarily unavailable" page when the database cannot be reached, and a readiness check.

``RequestLogMiddleware`` is the outermost middleware: it gives each request an id (or keeps the one a trusted
proxy sent in ``X-Request-ID``, so nginx's access log and ours share it), returns it in the ``X-Request-ID``
header, and writes one line of JSON to the ``cptracker.requests`` logger when the response leaves: the time, the
id, the method, the path (secrets masked), the status, the duration, the user's id (never a name or an e-mail) and
the client's address. Error pages (403, 404, 500, 503) show the id, so a member can quote it to IT.
"""

import json
import logging
import re
import sys
import time
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from agencies.audit import client_ip
from config.secrets_in_paths import mask_secrets

logger = logging.getLogger("cptracker.requests")

#: What an id sent by a trusted proxy may look like (nginx's $request_id is 32 hex digits).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
#: Errors that mean "the database cannot be reached now" (down, restarting, connection lost), not a bug.
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def request_id_for(request):
    sent = request.META.get("HTTP_X_REQUEST_ID", "")
    if settings.TRUSTED_PROXY_COUNT and _REQUEST_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.request_id = request_id_for(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        logger.info(json.dumps(self.line(request, response, time.monotonic() - started)))
        return response

    @staticmethod
    def line(request, response, seconds):
        user = request.__dict__.get("_cached_user")  # only if the request already read it: never a query here
        return {
            "time": timezone.now().isoformat(timespec="milliseconds"),
            "request_id": request.request_id,
            "method": request.method,
            "path": mask_secrets(request.get_full_path()),
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
            "user_id": user.pk if user is not None and user.is_authenticated else None,
            "client": client_ip(request),
        }


def database_unavailable(error):
    """Django's wrapped errors, and the driver's own (psycopg2 raises its OperationalError unwrapped when a
    server-side cursor is closed on a dropped connection)."""
    return isinstance(error, UNAVAILABLE) or any(
        cls.__name__ in ("OperationalError", "InterfaceError") for cls in type(error).__mro__
    )


def server_error(request):
    """``handler500``: the database being unreachable is a 503 "temporarily unavailable" page, anything else the
    500 page; both standalone (no query, no context processor) and with the request id, never a traceback."""
    if database_unavailable(sys.exc_info()[1]):
        template, status = "503.html", 503
    else:
        template, status = "500.html", 500
    context = {"request_id": getattr(request, "request_id", ""), "retry_after": RETRY_AFTER_SECONDS}
    response = HttpResponse(loader.get_template(template).render(context), status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def oldest_waiting_task_age(now):
    """Seconds the oldest task ready to run has waited for a worker (0 when none waits), and how many wait."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    if oldest is None:
        return 0, 0
    enqueued_at, run_after = oldest
    since = run_after if enqueued_at < run_after <= now else enqueued_at  # a deferred task waits from its time
    return max(0, round((now - since).total_seconds())), waiting.count()


@login_not_required
@never_cache
@require_safe
def readyz(request):
    """For monitoring: 200 when the database answers and the worker takes queued work within
    ``READY_QUEUE_MAX_AGE`` seconds, else 503; the body says which part is not ready, and the queue's age."""
    body = {"database": "ok", "queue": None, "worker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        age, waiting = oldest_waiting_task_age(timezone.now())
    except DatabaseError:
        body.update(database="unavailable", worker="unknown")
        return JsonResponse(body, status=503)
    body["queue"] = {"waiting": waiting, "oldest_seconds": age, "limit_seconds": settings.READY_QUEUE_MAX_AGE}
    if age > settings.READY_QUEUE_MAX_AGE:
        body["worker"] = "stalled"
    return JsonResponse(body, status=200 if body["worker"] == "ok" else 503)


