"""The plan pages' cache shared by every server through Redis (``CACHE_URL``), and pages served whatever the cache
server does: a page built by one server is served to the other from Redis, a change made through either makes a
new version both read, and with Redis stopped (or never there) every page is still 200, built each time.

The Redis server is a real one, started by the test on a free loopback port (tests/deploy/conftest.py).
"""

import contextlib
import logging

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse

from actions.models import Status
from agencies import plan_cache
from reports import as_at
from tests.actions.test_views import progress_data
from tests.deploy.conftest import free_port
from tests.factories import ActionFactory
from tests.reports.test_plan_cache import without_tokens
from tests.test_settings import settings_value

pytestmark = pytest.mark.django_db

PAGES = [reverse("reports:dashboard"), reverse("actions:list"), reverse("actions:my_actions")]


def shared_caches(url):
    """The CACHES that config/settings.py builds from CACHE_URL (held to it by the first test)."""
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
        **{
            alias: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": alias,
                    "TIMEOUT": 3600, "OPTIONS": options}
            for alias in ("plan", "papers")
        },
    }  # fmt: skip


@pytest.fixture(autouse=True)
def _cache_reachable_again():
    plan_cache._unavailable_until.clear()
    yield
    plan_cache._unavailable_until.clear()


@pytest.fixture
def shared(settings, redis_server):
    settings.CACHES = shared_caches(redis_server.url)
    settings.CACHE_RETRY_SECONDS = 0
    return redis_server


@pytest.fixture
def plan_actions(agency, recommendation):
    return [
        ActionFactory(owner=agency, reference=f"SW-{n}", description=f"Action SW-{n}", recommendations=[recommendation])
        for n in (1, 2)
    ]


def other_server():
    """What a second application server has: its own connections to the same cache server."""
    for alias in ("plan", "papers"):
        with contextlib.suppress(AttributeError):  # not opened yet
            del caches[alias]


def stored_keys(server):
    return redis.Redis.from_url(server.url).keys("plan:*")


def stored_pages(server):
    """The keys of the pages' cached parts, and the one of the "as at" control's links that every page shares."""
    keys = stored_keys(server)
    links = [key for key in keys if key.startswith(b"plan:1:as-at-links:")]
    assert len(links) == 1, keys
    return len(keys) - len(links)


def test_cache_url_puts_plan_pages_and_paper_bodies_in_redis_and_local_memory_stays_the_default():
    expression = "[(a, s.CACHES[a]['BACKEND'].rsplit('.', 1)[1], s.CACHES[a].get('OPTIONS')) for a in ('plan', 'papers')]"
    shared_config = shared_caches("redis://cache.internal:6379/0")
    expected = [(a, "RedisCache", shared_config[a]["OPTIONS"]) for a in ("plan", "papers")]
    assert settings_value(expression, DEBUG="1", CACHE_URL="redis://cache.internal:6379/0").stdout.strip() == str(expected)
    assert settings_value(expression, DEBUG="1", REDIS_URL="redis://cache.internal:6379/0").stdout.strip() == str(expected)
    embedded = settings_value(expression, DEBUG="1").stdout
    assert "LocMemCache" in embedded and "RedisCache" not in embedded


def test_a_page_built_by_one_server_is_served_to_the_other_from_redis(shared, client_as, coordinator, plan_actions,
                                                                      monkeypatch):
    first = {url: without_tokens(client_as(coordinator).get(url)) for url in PAGES}
    assert stored_pages(shared) == len(PAGES)

    other_server()
    monkeypatch.setattr(plan_cache, "render_to_string", lambda *args, **kwargs: pytest.fail("built again"))
    monkeypatch.setattr(as_at, "_last_meeting_and_issued_papers", lambda *args: pytest.fail("links read again"))
    for url in PAGES:
        response = client_as(coordinator).get(url)
        assert response.status_code == 200
        assert without_tokens(response) == first[url]


def test_a_change_through_one_server_is_seen_on_the_other_at_its_next_request(shared, client_as, coordinator, member,
                                                                              plan_actions):
    action = plan_actions[0]
    assert "37%" not in without_tokens(client_as(coordinator).get(reverse("actions:list")))
    other_server()
    response = client_as(member).post(
        reverse("actions:record_progress", args=[action.pk]),
        progress_data(action, status=Status.IN_PROGRESS, percent_complete=37, note="Started."),
    )
    assert response.status_code == 302
    other_server()
    assert "37%" in without_tokens(client_as(coordinator).get(reverse("actions:list")))


def test_pages_are_served_while_redis_is_stopped_and_cached_again_once_it_is_back(shared, client_as, coordinator,
                                                                                  plan_actions, caplog):
    client = client_as(coordinator)
    shared.stop()
    with caplog.at_level(logging.WARNING, logger="agencies.plan_cache"):
        for url in PAGES:
            assert client.get(url).status_code == 200
    assert "cache failed" in caplog.text and "ConnectionError" in caplog.text

    shared.start()
    other_server()
    for url in PAGES:
        assert client.get(url).status_code == 200
    assert stored_pages(shared) == len(PAGES)


def test_a_cache_server_that_was_never_there_never_fails_a_page(settings, client_as, coordinator, plan_actions, caplog):
    settings.CACHES = shared_caches(f"redis://127.0.0.1:{free_port()}/0")  # a closed port
    client = client_as(coordinator)
    with caplog.at_level(logging.WARNING, logger="agencies.plan_cache"):
        for url in PAGES:
            assert client.get(url).status_code == 200
    assert caplog.text.count("cache failed") == 1, "one warning, then the process leaves the cache alone a while"


def test_a_paper_body_is_built_when_its_cache_fails(settings):
    settings.CACHES = shared_caches(f"redis://127.0.0.1:{free_port()}/0")
    assert plan_cache.cached_under("a-key", lambda: "built", "papers") == "built"
