"""Authentication backend: Django's, with the user's profile and committee in the same query."""

from django.conf import settings
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


def client_ip(request) -> str:
    """The client's address for django-axes' per-address lockout.

    REMOTE_ADDR, unless settings.TRUSTED_PROXY_COUNT says that many reverse proxies stand in
    front: then the address the outermost of them appended to X-Forwarded-For, counted from
    the right, since everything left of it came from the client and may be forged.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [address for address in forwarded if address]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
