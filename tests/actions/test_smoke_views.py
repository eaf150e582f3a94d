import pytest

from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_a_member_sees_their_agencys_action_on_my_actions(client_as, member, agency):
    action = ActionFactory(owner=agency, description="Review the supervision policy")
    response = client_as(member).get("/actions/mine/")
    assert response.status_code == 200
    assert "Review the supervision policy" in response.content.decode()
    assert action.reference in response.content.decode()
