"""Authentication backend: Django's, with the user's profile and committee in the same query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ProfileBackend(ModelBackend):
    """Every page needs the user's profile and committee (scope, role): load them with the
    user in one query instead of three."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("profile__committee")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
