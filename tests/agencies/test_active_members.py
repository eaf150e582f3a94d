"""Which agencies own open work that nobody of theirs can update: readers and inactive accounts do not count."""

import pytest

from actions.models import Action
from actions.status import Status
from agencies.models import Membership
from tests.factories import ActionFactory, AgencyFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_an_agency_with_open_actions_and_only_a_reader_or_an_inactive_member_is_listed(partnership, agency):
    reader_only = AgencyFactory(partnership=partnership, name="Council", slug="council")
    inactive = AgencyFactory(partnership=partnership, name="Education", slug="education")
    closed_only = AgencyFactory(partnership=partnership, name="Police", slug="police")
    MembershipFactory(agency=agency, role=Membership.Role.MEMBER)
    MembershipFactory(agency=reader_only, role=Membership.Role.READER)
    MembershipFactory(agency=inactive, role=Membership.Role.MEMBER, user__is_active=False)
    for owner in (agency, reader_only, inactive):
        ActionFactory(owner=owner)
    ActionFactory(owner=closed_only, status=Status.COMPLETE, percent_complete=100)
    committee = AgencyFactory(partnership=partnership, name="Committee", slug="cpc", kind="group")
    ActionFactory(owner=committee)  # a committee's actions are the coordinator's to update: not listed
    coordinated = AgencyFactory(partnership=partnership, name="Co-ordinator", slug="cp-coordinator")
    MembershipFactory(agency=coordinated, role=Membership.Role.COORDINATOR)
    ActionFactory(owner=coordinated)

    assert set(Action.objects.owners_without_active_member()) == {reader_only, inactive}
    assert agency.has_active_member and not reader_only.has_active_member and not inactive.has_active_member


def test_the_action_page_says_when_nobody_can_update_the_owners_actions(client_as, partnership, coordinator):
    council = AgencyFactory(partnership=partnership, name="East Ayrshire Council", short_name="Council")
    action = ActionFactory(owner=council)
    text = client_as(coordinator).get(action.get_absolute_url()).content.decode()
    assert "East Ayrshire Council has no active member in the tracker" in text
    MembershipFactory(agency=council, role=Membership.Role.MEMBER)
    text = client_as(coordinator).get(action.get_absolute_url()).content.decode()
    assert "has no active member" not in text
