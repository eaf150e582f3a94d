"""The header names the signed-in person's role as it is: an administrator is an administrator, whatever role
their membership holds in the partnership it places them in."""

import pytest
from django.urls import reverse

from agencies.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def header(client):
    page = client.get(reverse("accessibility")).content.decode()
    return page.split('<ul class="account-nav', 1)[1].split("</li>", 1)[0]


def test_a_superuser_whose_membership_is_reader_is_named_administrator(client_as, agency):
    admin = MembershipFactory(agency=agency, user__username="admin", role=Membership.Role.READER).user
    admin.is_superuser = admin.is_staff = True
    admin.save()
    shown = header(client_as(admin))
    assert "Social Work (Administrator)" in shown and "Reader" not in shown


@pytest.mark.parametrize(
    ("user", "role"), [("member", "Member"), ("coordinator", "Coordinator"), ("reader", "Reader")]
)
def test_everyone_else_is_named_by_their_membership_role(client_as, request, user, role):
    shown = header(client_as(request.getfixturevalue(user)))
    assert f"({role})" in shown and "read-only" not in shown and "updates" not in shown
