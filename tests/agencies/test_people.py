"""Partnerships and people without the admin: invitations, roles, moves, deactivation, and who may grant what."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agencies import services
from agencies.models import Invitation, Membership, MembershipEvent, Partnership
from tests.factories import MembershipFactory, ProgressUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
LINK = re.compile(r"http://testserver(/partnerships/invitations/[^/\s]+/)")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", is_staff=True)


def invite(client, partnership, **data):
    fields = {"email": "new.person@example.org", "role": "member", "job_title": "Team leader", **data}
    return client.post(f"/partnerships/{partnership.slug}/people/invite/", fields)


def link_in_last_email():
    return LINK.search(mail.outbox[-1].body).group(1)


def accept(client, path, **data):
    fields = {
        "first_name": "Nia",
        "last_name": "New",
        "password1": "a-long-pass-phrase-2009",
        "password2": "a-long-pass-phrase-2009",
        **data,
    }
    return client.post(path, fields)


# --- An administrator creates a partnership and its coordinator -------------------------------------------------


def test_an_administrator_creates_a_partnership_and_invites_its_coordinator(
    client_as, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(admin_user).post(
            "/partnerships/new/",
            {
                "name": "North Ayrshire",
                "slug": "north-ayrshire",
                "committee_name": "North Ayrshire CPC",
                "coordinator_agency": "Child Protection Co-ordinator",
                "coordinator_email": "Cora@Example.org",
            },
        )
    assert response.status_code == 302 and response["Location"] == "/partnerships/north-ayrshire/people/"
    partnership = Partnership.objects.get(slug="north-ayrshire")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.agency.partnership) == (
        "cora@example.org",
        "coordinator",
        partnership,
    )
    assert mail.outbox[0].to == ["cora@example.org"]
    kinds = set(MembershipEvent.objects.filter(partnership=partnership).values_list("kind", flat=True))
    assert kinds == {"partnership_created", "agency_added", "invited"}


def test_only_an_administrator_creates_partnerships(client_as, coordinator, member):
    for user in (coordinator, member):
        assert client_as(user).get("/partnerships/new/").status_code == 403
        assert client_as(user).get("/partnerships/").status_code == 403


# --- The coordinator invites; the invited person chooses a password ---------------------------------------------


def test_a_coordinator_invites_by_email_and_the_link_makes_an_account_once(
    client_as, client, coordinator, agency, partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_as(coordinator), partnership, agency=agency.pk)
    assert response.status_code == 302
    assert mail.outbox[0].to == ["new.person@example.org"]
    path = link_in_last_email()
    assert "Social Work Services" in client.get(path).content.decode()
    response = accept(client, path)
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(username="new.person@example.org")
    assert user.check_password("a-long-pass-phrase-2009")
    assert (user.membership.agency, user.membership.role, user.membership.job_title) == (
        agency,
        "member",
        "Team leader",
    )
    assert client.get(path).status_code == 410
    assert accept(client, path).status_code == 410
    assert User.objects.filter(email="new.person@example.org").count() == 1
    joined = MembershipEvent.objects.get(kind="joined")
    assert (joined.subject, joined.actor) == (user, None)


def test_only_the_hash_of_the_link_is_stored(
    client_as, coordinator, agency, partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_as(coordinator), partnership, agency=agency.pk)
    token = link_in_last_email().rstrip("/").split("/")[-1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and invitation.token_hash == services.token_hash(token)


def test_an_expired_link_is_refused(
    client_as, client, coordinator, agency, partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_as(coordinator), partnership, agency=agency.pk)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = accept(client, link_in_last_email())
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not User.objects.filter(username="new.person@example.org").exists()


def test_inviting_again_withdraws_the_earlier_link(
    client_as, client, coordinator, agency, partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_as(coordinator), partnership, agency=agency.pk)
    first = link_in_last_email()
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_as(coordinator), partnership, agency=agency.pk)
    assert accept(client, first).status_code == 410
    assert accept(client, link_in_last_email()).status_code == 302


def test_a_weak_or_mistyped_password_is_refused_and_nothing_is_made(
    client_as, client, coordinator, agency, partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_as(coordinator), partnership, agency=agency.pk)
    path = link_in_last_email()
    assert accept(client, path, password2="something-else-2009").status_code == 400
    assert accept(client, path, password1="123", password2="123").status_code == 400
    assert not User.objects.filter(username="new.person@example.org").exists()


def test_someone_with_an_account_already_is_not_invited_twice(client_as, coordinator, member, agency, partnership):
    response = invite(client_as(coordinator), partnership, agency=agency.pk, email=member.email.upper())
    assert response.status_code == 400 and "already has an account" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_coordinator_cannot_invite_into_another_partnerships_agency(client_as, coordinator, partnership, outsider):
    other_agency = outsider.membership.agency
    response = invite(client_as(coordinator), partnership, agency=other_agency.pk)
    assert response.status_code == 400 and not Invitation.objects.exists()


# --- Who may grant what ------------------------------------------------------------------------------------------


def test_members_and_readers_manage_no_one(client_as, member, reader, partnership):
    for user in (member, reader):
        client = client_as(user)
        assert client.get(f"/partnerships/{partnership.slug}/people/").status_code == 403
        assert invite(client, partnership, agency=user.membership.agency.pk).status_code == 403
    assert not Invitation.objects.exists()


def test_a_coordinator_of_another_partnership_gets_404(client_as, outsider, partnership):
    assert client_as(outsider).get(f"/partnerships/{partnership.slug}/people/").status_code == 404


def test_a_coordinator_cannot_change_their_own_role_or_agency(client_as, coordinator, agency, partnership):
    membership = coordinator.membership
    response = client_as(coordinator).post(
        f"/partnerships/{partnership.slug}/people/{membership.pk}/", {"agency": agency.pk, "role": "member"}
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert (membership.role, membership.agency.slug) == ("coordinator", "cp-coordinator")


def test_a_coordinator_cannot_deactivate_themselves(client_as, coordinator, partnership):
    response = client_as(coordinator).post(
        f"/partnerships/{partnership.slug}/people/{coordinator.membership.pk}/active/", {"active": "0"}
    )
    assert response.status_code == 403
    coordinator.refresh_from_db()
    assert coordinator.is_active


def test_a_coordinator_cannot_change_an_administrators_account(client_as, coordinator, agency, partnership):
    staff = MembershipFactory(agency=agency, user__username="staffer", user__is_staff=True, role="reader")
    client = client_as(coordinator)
    assert (
        client.post(
            f"/partnerships/{partnership.slug}/people/{staff.pk}/", {"agency": agency.pk, "role": "member"}
        ).status_code
        == 403
    )
    assert (
        client.post(f"/partnerships/{partnership.slug}/people/{staff.pk}/active/", {"active": "0"}).status_code == 403
    )
    staff.user.refresh_from_db()
    assert staff.user.is_active


@pytest.mark.parametrize("role", ["member", "reader", "coordinator"])
def test_a_coordinator_grants_roles_up_to_their_own(client_as, coordinator, member, agency, partnership, role):
    response = client_as(coordinator).post(
        f"/partnerships/{partnership.slug}/people/{member.membership.pk}/", {"agency": agency.pk, "role": role}
    )
    assert response.status_code == 302
    member.membership.refresh_from_db()
    assert member.membership.role == role


def test_no_one_grants_a_role_above_their_own_even_through_the_service(member, reader, other_agency_member, agency):
    """Members and readers rank below coordinators: the service refuses them whatever the form offered."""
    target = other_agency_member.membership
    for actor in (member, reader):
        with pytest.raises(PermissionDenied):
            services.membership_change(actor=actor, membership=target, agency=agency, role="coordinator", job_title="")
        with pytest.raises(PermissionDenied):
            services.invitation_send(
                actor=actor, agency=agency, email="x@example.org", role="coordinator", base_url="http://testserver/"
            )
    target.refresh_from_db()
    assert target.role == "member"


def test_a_member_promoting_themselves_is_refused(client_as, member, partnership, agency):
    response = client_as(member).post(
        f"/partnerships/{partnership.slug}/people/{member.membership.pk}/", {"agency": agency.pk, "role": "coordinator"}
    )
    assert response.status_code == 403
    member.membership.refresh_from_db()
    assert member.membership.role == "member"


def test_the_invite_form_offers_only_roles_up_to_the_inviters(client_as, coordinator, partnership):
    page = client_as(coordinator).get(f"/partnerships/{partnership.slug}/people/invite/").content.decode()
    assert 'value="coordinator"' in page and 'value="member"' in page and 'value="reader"' in page


# --- Moving and deactivating people --------------------------------------------------------------------------------


def test_moving_a_member_to_another_agency_is_written_to_the_history(
    client_as, coordinator, member, other_agency, partnership
):
    response = client_as(coordinator).post(
        f"/partnerships/{partnership.slug}/people/{member.membership.pk}/",
        {"agency": other_agency.pk, "role": "reader"},
    )
    assert response.status_code == 302
    member.membership.refresh_from_db()
    assert (member.membership.agency, member.membership.role) == (other_agency, "reader")
    events = {e.kind: e for e in MembershipEvent.objects.filter(subject=member)}
    assert "Social Work Services → NHS Ayrshire & Arran" in events["agency_changed"].detail
    assert "member → reader" in events["role_changed"].detail
    assert events["role_changed"].actor == coordinator
    page = client_as(coordinator).get(f"/partnerships/{partnership.slug}/people/history/").content.decode()
    assert "Moved to another agency" in page and "Role changed" in page


def test_a_deactivated_member_cannot_sign_in_and_their_history_stays_theirs(
    client_as, client, coordinator, member, partnership
):
    update = ProgressUpdateFactory(author=member)
    response = client_as(coordinator).post(
        f"/partnerships/{partnership.slug}/people/{member.membership.pk}/active/", {"active": "0"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    client.post("/accounts/login/", {"username": "member", "password": "test-password-123"})
    assert "_auth_user_id" not in client.session
    update.refresh_from_db()
    assert update.author == member
    assert MembershipEvent.objects.get(kind="deactivated").subject == member
    client_as(coordinator).post(
        f"/partnerships/{partnership.slug}/people/{member.membership.pk}/active/", {"active": "1"}
    )
    member.refresh_from_db()
    assert member.is_active


def test_the_history_is_append_only(coordinator, partnership):
    event = MembershipEvent.objects.create(partnership=partnership, kind="invited", actor=coordinator, detail="x")
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()


def test_the_people_page_lists_agencies_members_and_waiting_invitations(
    client_as, coordinator, member, agency, partnership, django_assert_max_num_queries
):
    invite(client_as(coordinator), partnership, agency=agency.pk)
    client = client_as(coordinator)
    with django_assert_max_num_queries(12):
        page = client.get(f"/partnerships/{partnership.slug}/people/").content.decode()
    assert "Social Work Services" in page and member.get_full_name() in page
    assert "new.person@example.org" in page


def test_people_pages_take_only_their_methods(client_as, coordinator, member, partnership):
    client = client_as(coordinator)
    assert client.get(f"/partnerships/{partnership.slug}/people/{member.membership.pk}/active/").status_code == 405
    assert client.post(f"/partnerships/{partnership.slug}/people/history/").status_code == 405


def test_adding_an_agency(client_as, coordinator, partnership):
    response = client_as(coordinator).post(
        f"/partnerships/{partnership.slug}/agencies/new/",
        {"name": "Police Scotland", "short_name": "Police", "kind": "agency"},
    )
    assert response.status_code == 302
    assert partnership.agencies.filter(slug="police", name="Police Scotland").exists()
    assert MembershipEvent.objects.filter(kind="agency_added", detail="Police Scotland").exists()


def test_membership_role_values_match_the_ranks():
    from agencies.access import ROLE_RANK

    assert set(ROLE_RANK) == set(Membership.Role)
