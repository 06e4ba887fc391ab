from organizations.scope import can_write


def portal(request):
    """The user's committee, role and write right, for the header and the action buttons."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    profile = getattr(user, "profile", None)
    return {"can_write": can_write(user), "user_profile": profile}
