"""Signing in with a username and password, and finding the signed-in person at each request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

#: This backend's dotted path, for code that signs a person in without their password (accepting an invitation).
PATH = "agencies.backends.MembershipBackend"


class MembershipBackend(ModelBackend):
    """Django's username-and-password backend (inactive users refused, at sign-in and at every request), which
    reads the person's membership, agency and partnership in the same query as the person: every page asks for
    them, and three separate queries a page become none."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("membership__agency__partnership")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
