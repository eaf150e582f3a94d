"""Shared fixtures: one partnership with two agencies and a user of every role, and another partnership."""

import pytest
from django.test import Client
from django.utils import timezone

from agencies.models import Membership
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    PartnershipFactory,
    RecommendationFactory,
    SourceReportFactory,
)
from tests.oidc_provider import oidc_provider, sso_on  # noqa: F401 - the local OpenID Connect provider's fixtures


@pytest.fixture
def today():
    """The day the test runs, read once: a suite that runs past midnight does not give one test two days."""
    return timezone.localdate()


def kept_for_module(django_db_blocker, build):
    """``build()``'s world made once and kept for a module's tests, as ``TestCase.setUpTestData`` does: a module
    fixture's ``yield from``. Each test runs in a savepoint of this transaction (pytest-django's ``db``) and is
    rolled back after it; the whole is rolled back after the module's last test. The database stays blocked
    between, for tests that did not ask for it."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # a test's wrapper, as Django marks its own (plan_cache._in_transaction)
        atomic.__enter__()
        try:
            world = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def national_sets(django_db_setup, django_db_blocker):
    """The national fixture sets, loaded once for a module's tests (``kept_for_module``). (Loading them for each
    test cost about 7 s a test on PostgreSQL.)"""
    from django.core.management import call_command

    yield from kept_for_module(django_db_blocker, lambda: call_command("load_recommendations", verbosity=0))


@pytest.fixture
def partnership(db):
    return PartnershipFactory(name="East Ayrshire", slug="east-ayrshire")


@pytest.fixture
def agency(partnership):
    return AgencyFactory(
        partnership=partnership, name="Social Work Services", short_name="Social Work", slug="social-work"
    )


@pytest.fixture
def other_agency(partnership):
    return AgencyFactory(partnership=partnership, name="NHS Ayrshire & Arran", short_name="Health", slug="health")


@pytest.fixture
def coordinator_agency(partnership):
    return AgencyFactory(
        partnership=partnership,
        name="Child Protection Co-ordinator",
        short_name="CP Co-ordinator",
        slug="cp-coordinator",
        kind="group",
    )


@pytest.fixture
def member(agency):
    return MembershipFactory(agency=agency, user__username="member", role=Membership.Role.MEMBER).user


@pytest.fixture
def other_agency_member(other_agency):
    return MembershipFactory(agency=other_agency, user__username="other.member", role=Membership.Role.MEMBER).user


@pytest.fixture
def coordinator(coordinator_agency):
    return MembershipFactory(
        agency=coordinator_agency, user__username="coordinator", role=Membership.Role.COORDINATOR
    ).user


@pytest.fixture
def reader(agency):
    return MembershipFactory(agency=agency, user__username="reader", role=Membership.Role.READER).user


@pytest.fixture
def other_partnership(db):
    return PartnershipFactory(name="North Ayrshire", slug="north-ayrshire")


@pytest.fixture
def outsider(other_partnership):
    """A coordinator of another partnership: sees none of East Ayrshire's data."""
    agency = AgencyFactory(partnership=other_partnership)
    return MembershipFactory(agency=agency, user__username="outsider", role=Membership.Role.COORDINATOR).user


@pytest.fixture
def recommendation(db):
    return RecommendationFactory(
        report=SourceReportFactory(slug="laming-2009", short_title="Laming 2009"), reference="12", position=12
    )


@pytest.fixture
def client_as():
    """client_as(user) -> a test client logged in as that user."""

    def make(user, enforce_csrf_checks=False):
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: a page cached by an earlier test (whose rows were rolled back, and
    whose ids may come again) must not be served to the next."""
    from django.core.cache import caches

    from reports.paper_parts import parts

    for cache in caches.all():
        cache.clear()
    parts.clear()
    yield
