"""The plan's version follows the order in which changes *commit*: a change that began first and commits last still
makes a version that no page was cached under (agencies.models.PlanVersion).

The race of the review: one progress update's transaction is held open, another update is saved, a reader on a
second server caches the page, then the first commits. Real concurrent transactions need a server database: this
runs on PostgreSQL (CI runs the suite on both).
"""

import threading

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.urls import reverse

from actions.models import Action, Status
from actions.services import ProgressChange, action_record_progress
from agencies.plan_cache import version
from tests.factories import ActionFactory
from tests.reports.test_plan_cache import without_tokens

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent transactions need PostgreSQL; run with DATABASE_URL=postgres://... (CI does)",
    ),
]


def record(action_pk, author, percent):
    action = Action.objects.get(pk=action_pk)
    action_record_progress(
        action=action,
        author=author,
        expected_version=action.version,
        change=ProgressChange(
            status=Status.IN_PROGRESS, percent_complete=percent, note=f"{percent} % done.", due_date=action.due_date
        ),
    )


def fresh(client, url):
    """The page as a render from the database alone would show it (nothing served from the cache)."""
    caches["plan"].clear()
    return without_tokens(client.get(url))


def test_a_change_that_commits_after_a_later_one_still_makes_a_new_version(client_as, coordinator, member, agency):
    first_action = ActionFactory(owner=agency, reference="A-1", description="The first action", recommendations=[])
    second_action = ActionFactory(owner=agency, reference="A-2", description="The second action", recommendations=[])
    reader = client_as(coordinator)
    pages = [reverse("reports:dashboard"), reverse("actions:list"), reverse("actions:my_actions")]
    readers = {pages[0]: reader, pages[1]: reader, pages[2]: client_as(member)}
    first_written, release_first, second_committed = threading.Event(), threading.Event(), threading.Event()
    errors = []

    def first_writer():  # begins first, commits last
        try:
            with transaction.atomic():
                record(first_action.pk, member, 88)
                first_written.set()
                release_first.wait(timeout=20)
        except Exception as exc:  # reported in the assertion, not lost in the thread
            errors.append(repr(exc))
        finally:
            first_written.set()
            connection.close()

    def second_writer():  # begins second; on another server it would commit at once
        try:
            record(second_action.pk, member, 40)
            second_committed.set()
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    before = version(coordinator.membership.agency.partnership)
    threads = [threading.Thread(target=first_writer), threading.Thread(target=second_writer)]
    threads[0].start()
    assert first_written.wait(timeout=20)
    threads[1].start()
    # the second change cannot commit while the first holds its plan's version: it waits for it
    assert not second_committed.wait(timeout=1.5), "a later change committed before an earlier one of the same plan"

    # meanwhile a reader caches every plan page: neither change is committed, so neither is shown
    served_meanwhile = {url: without_tokens(readers[url].get(url)) for url in pages}
    assert "88 %" not in served_meanwhile[pages[1]] and "40 %" not in served_meanwhile[pages[1]]
    assert version(coordinator.membership.agency.partnership) == before

    release_first.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads) and not errors, errors

    after = version(coordinator.membership.agency.partnership)
    assert after != before
    for url in pages:
        served = without_tokens(readers[url].get(url))
        assert served != served_meanwhile[url], f"{url} was served from before both changes"
        assert served == fresh(readers[url], url), f"{url} as served is not what the database now says"
    listed = fresh(reader, pages[1])
    assert "88" in listed and "40" in listed


def test_versions_of_one_plan_are_handed_out_in_commit_order(partnership):
    """Ten writers of one plan, each marking a change in its own transaction: the numbers they commit are 1..10
    with no gap and no repeat, and each is higher than every number committed before it."""
    from agencies.models import PlanVersion
    from agencies.plan_cache import mark_changed

    committed, lock = [], threading.Lock()

    def writer():
        try:
            with transaction.atomic():
                mark_changed(partnership.pk)
                number = PlanVersion.objects.get(scope=str(partnership.pk)).number
            with lock:
                committed.append(number)
        finally:
            connection.close()

    start = PlanVersion.objects.filter(scope=str(partnership.pk)).values_list("number", flat=True).first() or 0
    threads = [threading.Thread(target=writer) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(committed) == list(range(start + 1, start + 11))
