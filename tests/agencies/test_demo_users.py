"""The demo accounts: created only in development, each with its role, all with the printed password."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from agencies.models import Membership
from tests.factories import AgencyFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def east_ayrshire():
    partnership = PartnershipFactory(slug="east-ayrshire")
    for slug in ("cpc", "cp-coordinator", "social-work", "health", "council"):
        AgencyFactory(partnership=partnership, slug=slug)
    return partnership


def test_it_refuses_to_run_when_debug_is_off(settings, east_ayrshire):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("create_demo_users")
    assert not get_user_model().objects.exists()


def test_it_creates_each_account_with_its_role_and_prints_the_password(settings, east_ayrshire, capsys):
    settings.DEBUG = True
    call_command("create_demo_users")
    out = capsys.readouterr().out
    roles = {m.user.username: (m.agency.slug, m.role) for m in Membership.objects.select_related("user", "agency")}
    assert roles == {
        "admin": ("cpc", "reader"),
        "coordinator": ("cp-coordinator", "coordinator"),
        "social.work": ("social-work", "member"),
        "health": ("health", "member"),
        "chief.officer": ("council", "reader"),
    }
    assert get_user_model().objects.get(username="admin").is_superuser
    assert get_user_model().objects.get(username="health").check_password("cpc-demo-2009")
    assert "cpc-demo-2009" in out


def test_running_it_twice_keeps_one_account_each(settings, east_ayrshire):
    settings.DEBUG = True
    call_command("create_demo_users")
    call_command("create_demo_users")
    assert get_user_model().objects.count() == 5


def test_it_says_what_to_do_when_the_partnership_is_not_loaded(settings, db):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="run load_recommendations first"):
        call_command("create_demo_users")


def test_it_prints_the_address_it_is_given_or_the_site_url(settings, east_ayrshire, capsys):
    settings.DEBUG = True
    call_command("create_demo_users", address="http://127.0.0.1:8001")
    assert "Demo accounts ready at http://127.0.0.1:8001/" in capsys.readouterr().out
    settings.SITE_URL = "http://tracker.example.org"
    call_command("create_demo_users")
    assert "Demo accounts ready at http://tracker.example.org/" in capsys.readouterr().out
