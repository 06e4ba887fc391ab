"""Who may see what: the one place that turns a user into a subtree of the Party tree.

Every `for_user(user)` QuerySet method calls `committee_path`, so that scoping rules live here.
"""

from django.contrib.auth.models import AnonymousUser


def committee_path(user) -> str | None:
    """The tree path prefix the user may see: "" for everything, None for nothing."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    if user.is_superuser:
        return ""
    profile = getattr(user, "profile", None)
    if profile is None:
        return None
    if profile.role == profile.Role.ADMINISTRATOR:
        return ""
    return profile.committee.path


def own_committee(user):
    """The committee of the user's profile when it is a committee: the root of the user's
    scope, loaded with the user (config.auth.ProfileBackend), so asking for it needs no
    query."""
    profile = getattr(user, "profile", None)
    committee = profile.committee if profile is not None else None
    return committee if committee is not None and committee.is_committee else None


def can_write(user) -> bool:
    """Leaders read only; staff and administrators may enter data in their scope."""
    if user.is_superuser:
        return True
    profile = getattr(user, "profile", None)
    return profile is not None and profile.role != profile.Role.LEADER


def is_administrator(user) -> bool:
    """Superusers and users with the administrator role: they see and close everything."""
    return committee_path(user) == ""
