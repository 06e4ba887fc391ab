"""Two-factor login with a time-based code (TOTP, django-otp).

Any user may add an authenticator app on the *Two-factor login* page; everyone who sees beyond
one committee (superusers and the administrator role, `factor_required`) must: after the
password, a user with a confirmed device enters a code, and an administrator without one
enrols first, before any other page (TwoFactorRequiredMiddleware).
The admin site asks for the same (config.admin.PortalAdminSite.has_permission).
"""

import base64
import io

import segno
from django.db import transaction
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.scope import is_administrator

# Set at login for a user who has a confirmed device: the session needs a code before any page.
PENDING = "portal_two_factor_pending"

# The pages an unverified user may still reach.
OPEN_VIEWS = {"two_factor", "two_factor_verify", "logout", "login", "set_language"}


def mark_pending(sender, request, user, **kwargs):
    """On `user_logged_in`: a user with a confirmed device owes a code (one query, at login
    only; administrators owe one whatever they have, see `code_required`)."""
    if request is not None and hasattr(request, "session") and user_has_device(user):
        request.session[PENDING] = True


def factor_required(user) -> bool:
    """Whether the user must log in with a second factor: everyone whose scope is the whole
    tree (a password alone must never open the whole country's personal data)."""
    return is_administrator(user)


def code_required(request) -> bool:
    """Whether this logged-in session must pass the second factor before going on."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return bool(request.session.get(PENDING)) or factor_required(user)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """The unconfirmed device the user is enrolling, created on the first visit and kept, so
    that reloading the page shows the same secret as the app already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, request, device: TOTPDevice) -> None:
    """Confirm a device whose code the form has verified, drop the user's other devices and
    mark this session verified."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session.pop(PENDING, None)


@transaction.atomic
def totp_device_remove(*, user) -> None:
    """Turn two-factor login off for a user who is not an administrator."""
    if factor_required(user):
        raise ValueError("Administrators keep their second factor.")
    TOTPDevice.objects.filter(user=user).delete()


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it when typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an SVG QR code, made here (no script, no CDN)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", xmldecl=False, svgns=True, nl=False, scale=5, light="#fff",
        svgclass="totp-qr", lineclass=None,
    )  # fmt: skip
    return buffer.getvalue().decode()


def next_url(request, default: str = "home") -> str:
    """The `next` parameter when it stays on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


class TwoFactorRequiredMiddleware:
    """Sends a session that owes its second factor to the code page (or, for an administrator
    without a device, to enrolment) from every page but that one, logout and the language
    switch. A verified session costs no query; an unverified one reads the user's profile,
    which the scope reads next anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if code_required(request):
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in OPEN_VIEWS:
                verify = resolve_url("two_factor_verify")
                if request.method == "GET":
                    verify += "?" + urlencode({"next": request.get_full_path()})
                return redirect(verify)
        return self.get_response(request)
