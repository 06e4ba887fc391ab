"""Assertions shared by the test modules."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def errors(exc: ValidationError) -> dict[str, str]:
    """Field -> messages of a dict error; code -> message of a plain one."""
    if hasattr(exc, "error_dict"):
        return {field: " ".join(messages) for field, messages in exc.message_dict.items()}
    return {exc.code: " ".join(exc.messages)}


def assert_refused(exc_info, reason):
    """`reason` is (field or code, part of the English message)."""
    key, text = reason
    found = errors(exc_info.value)
    assert key in found, found
    assert text in found[key], found


def violations(instance, **kwargs) -> list[str]:
    """The messages of the database constraints that `instance` breaks."""
    with pytest.raises(ValidationError) as exc:
        instance.validate_constraints(**kwargs)
    return exc.value.message_dict[NON_FIELD_ERRORS]


def ledger_counts() -> tuple[int, ...]:
    """Rows of the two ledgers and what they describe: equal before and after a refusal."""
    from members.models import Member, MemberEvent
    from organizations.models import OrganizationEvent, PartyOrganization

    return (
        Member.objects.count(),
        MemberEvent.objects.count(),
        OrganizationEvent.objects.count(),
        PartyOrganization.objects.count(),
    )


def pass_second_factor(client, user):
    """Mark the client's session as verified with a confirmed TOTP device of `user`, as the
    code page does (django_otp.login)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def unbounded_counts(statements) -> list[str]:
    """The COUNTs among `statements` (SQL texts) that count a whole list: the members list
    may count up to its limit (a subquery with LIMIT), never more."""
    return [sql for sql in statements if "COUNT(" in sql.upper() and " LIMIT " not in sql.upper()]
