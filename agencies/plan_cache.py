"""What is costly to render, cached per partnership and invalidated by any change to its plan.

A page whose content is the whole plan (the dashboard, My actions, the bulk-update sheet) is rendered once per
*version* of the partnership's plan and served from the cache until the plan changes. The version is read from the
database on every request (one query): the partnership's ``PlanVersion`` counter and the national one. Every change
increments its plan's counter inside its own transaction (``mark_changed``, called by the signal handlers of
``reports.plan_changes``), holding that row's lock until it commits: versions follow the order in which changes
commit, so a page is never kept under a version that a change committed before it does not show. Cached values live
in ``CACHES["plan"]``: each process's memory by default, or a cache all servers share (``CACHE_URL``).

Only what is the same for every reader of the partnership may be cached here: no CSRF token, no user name, nothing
rendered with the request.
"""

import contextlib
import contextvars
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone

from .models import PlanVersion

CACHE_ALIAS = "plan"
logger = logging.getLogger(__name__)

#: {partnership pk: version} read so far in this request, while ``versions_read_once`` holds (a read request).
_versions_read = contextvars.ContextVar("plan_versions_read", default=None)


@contextlib.contextmanager
def versions_read_once():
    """Within this block (a read request: ``PlanVersionPerRequestMiddleware``), each plan's version is read from the
    database once: a page with several cached parts (the "as at" control and its body) asks for it once. A change
    made in the block (``mark_changed``) forgets what was read, so the version is never older than a change the
    request itself made."""
    token = _versions_read.set({})
    try:
        yield
    finally:
        _versions_read.reset(token)


def mark_changed(partnership_id):
    """Record that the partnership's plan changed (``None``: the national recommendations every plan answers).

    One statement increments the plan's counter row (creating it on the first change). The row stays locked until
    the surrounding transaction ends, so the versions of one plan follow the order in which its changes commit."""
    scope = PlanVersion.NATIONAL if partnership_id is None else str(partnership_id)
    table = connection.ops.quote_name(PlanVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, number, changed_at) VALUES (%s, 1, %s) "  # noqa: S608 (a model's table)
            f"ON CONFLICT (scope) DO UPDATE SET number = {table}.number + 1, changed_at = excluded.changed_at",
            [scope, timezone.now()],
        )
    read = _versions_read.get()
    if read is not None:
        read.clear()


def version(partnership):
    """The plan's current version: a string that changes whenever the partnership's plan or the national
    recommendations change (one query; none for a second ask within ``versions_read_once``)."""
    read = _versions_read.get()
    if read is not None and partnership.pk in read:
        return read[partnership.pk]
    numbers = dict(
        PlanVersion.objects.filter(scope__in=[str(partnership.pk), PlanVersion.NATIONAL]).values_list(
            "scope", "number"
        )
    )
    value = f"{numbers.get(str(partnership.pk), 0)}.{numbers.get(PlanVersion.NATIONAL, 0)}"
    if read is not None and not _in_transaction():  # read in a transaction of its own: perhaps its own change
        read[partnership.pk] = value
    return value


def _in_transaction():
    """Whether this code runs inside a transaction of its own (not a test's wrapper): what it reads there may be
    changes of its own that could still roll back, under a version number that a later commit would reuse."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def cached(partnership, name, parts, build):
    """``build()``'s value for this version of ``partnership``'s plan: from the cache when it is there, else built
    and kept. ``parts`` is everything else the value depends on (the day, a filter, an agency). Without a
    partnership (a user who belongs to none) nothing is cached."""
    if partnership is None:
        return build()
    return cached_under(key_for(name, partnership.pk, version(partnership), *parts), build)


def rendered(partnership, template, parts, context):
    """``template`` rendered with ``context()`` for this version of the plan, from the cache when it is there.

    It is rendered without the request, so it cannot reach the user, their permissions (``can``) or a CSRF token:
    what depends on them belongs in the page around it."""
    return cached(partnership, template, parts, lambda: render_to_string(template, context()))


def key_for(name, *parts):
    """A cache key any backend accepts (memcached refuses spaces and long keys): the name, then a digest of the
    parts (names, dates, a query string)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"{name}:{digest}"


#: alias -> the monotonic time until which this process leaves that cache alone after an error.
_unavailable_until = {}


def cached_under(key, build, alias=CACHE_ALIAS):
    """``build()``'s value, from the cache ``alias`` under ``key`` when it is there, else built and kept.

    A cache that fails (a shared cache server down, hung or refusing) never fails the page: the value is built and
    served, a warning is logged, and this process leaves that cache alone for ``CACHE_RETRY_SECONDS``, so an outage
    costs one short timeout per process, not one per request."""
    if _in_transaction() or time.monotonic() < _unavailable_until.get(alias, 0):
        return build()
    cache = caches[alias]
    try:
        value = cache.get(key)
    except Exception as error:  # noqa: BLE001 - any cache failure: build instead (redis-py has many error classes)
        _cache_failed(alias, error)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value)
        except Exception as error:  # noqa: BLE001
            _cache_failed(alias, error)
    return value


def _cache_failed(alias, error):
    _unavailable_until[alias] = time.monotonic() + settings.CACHE_RETRY_SECONDS
    logger.warning(
        "The %r cache failed (%s: %s); pages are built without it for %s s.",
        alias,
        type(error).__name__,
        error,
        settings.CACHE_RETRY_SECONDS,
    )
