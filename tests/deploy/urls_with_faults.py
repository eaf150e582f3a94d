"""The application's URLs, its error handlers, and two views that fail: one with a bug, one losing the database."""

import sqlite3

from django.contrib.auth.decorators import login_not_required
from django.db import OperationalError
from django.urls import path

from config.urls import handler500, urlpatterns  # noqa: F401 - the handler is read from this module


@login_not_required
def bug(request):
    raise RuntimeError("a bug with a secret in its message: hunter2")


@login_not_required
def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


@login_not_required
def driver_connection_lost(request):
    """The driver's own error, unwrapped by Django (psycopg2 raises one closing a cursor on a dropped connection)."""
    raise sqlite3.OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    *urlpatterns,
    path("test-bug/", bug),
    path("test-database-gone/", database_gone),
    path("test-driver-connection-lost/", driver_connection_lost),
]
