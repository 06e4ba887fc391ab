"""Two-factor login (TOTP): optional for staff and leaders, required for administrators, the
admin site included."""

import re
import time

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

HOME = reverse("home")
LOGIN = reverse("login")
ENROL = reverse("two_factor")
VERIFY = reverse("two_factor_verify")


def code(device: TOTPDevice, offset: int = 0) -> str:
    """The code an app shows now, or `offset` steps of 30 s later."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def forget_failures(device: TOTPDevice) -> None:
    """django-otp makes a device wait 1 s, 2 s, 4 s... after each wrong code; tests don't."""
    device.refresh_from_db()
    device.throttle_reset()


def password_login(client, username):
    response = client.post(LOGIN, {"username": username, "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302
    return response


def test_administrator_must_enrol_before_any_page(client, db, english):
    password_login(client, "admin")
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(ENROL)
    page = client.get(response.url)
    html = page.content.decode()
    assert "<svg" in html and "data-totp-secret" in html
    assert client.get("/admin/").status_code == 302  # the admin too
    # A reload shows the same secret (the app may have scanned it already).
    secret = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", html).group(1)
    assert secret in client.get(ENROL).content.decode()

    device = TOTPDevice.objects.get(user__username="admin")
    assert not device.confirmed
    assert client.post(ENROL, {"token": "000000"}).status_code == 200  # wrong: form again
    forget_failures(device)
    response = client.post(ENROL, {"token": code(device), "next": "/admin/"})
    assert response.status_code == 302 and response.url == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_administrator_with_a_device_enters_a_code_after_the_password(client, user):
    device = TOTPDevice.objects.create(user=user("admin"), name="phone", confirmed=True)
    password_login(client, "admin")
    response = client.get(reverse("members:member_list"))
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Fmembers%2F"
    assert client.post(VERIFY, {"token": "123456", "next": "/members/"}).status_code == 200
    assert client.get(HOME).status_code == 302
    forget_failures(device)
    response = client.post(VERIFY, {"token": code(device), "next": "/members/"})
    assert response.status_code == 302 and response.url == "/members/"
    assert client.get(HOME).status_code == 200
    # Administrators cannot turn it off.
    assert client.post(ENROL, {"token": code(device)}).status_code == 403
    assert TOTPDevice.objects.filter(user=device.user).exists()


def test_verify_does_not_follow_a_next_to_another_site(client, user):
    device = TOTPDevice.objects.create(user=user("admin"), name="phone", confirmed=True)
    password_login(client, "admin")
    response = client.post(VERIFY, {"token": code(device), "next": "https://evil.example/"})
    assert response.url == HOME


def test_staff_without_a_device_go_straight_in(client, db):
    password_login(client, "canbo")
    assert client.get(HOME).status_code == 200


def test_staff_may_turn_two_factor_login_on_and_off(client, user):
    canbo = user("canbo")
    password_login(client, "canbo")
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=canbo)
    assert client.post(ENROL, {"token": code(device)}).status_code == 302
    client.post(reverse("logout"))

    # From now on the password is not enough.
    password_login(client, "canbo")
    assert client.get(HOME).url.startswith(VERIFY)
    device.refresh_from_db()
    # The code just used is not accepted twice; the next step's is.
    response = client.post(VERIFY, {"token": code(device, offset=1)})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200

    # Turning it off needs a current code.
    assert client.post(ENROL, {"token": "000000"}).status_code == 200
    assert TOTPDevice.objects.filter(user=canbo).exists()
    forget_failures(device)
    assert client.post(ENROL, {"token": code(device, offset=2)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=canbo).exists()


def test_leaders_may_enrol_too(client, user):
    password_login(client, "lanhdao")
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=user("lanhdao"))
    assert client.post(ENROL, {"token": code(device)}).status_code == 302
    assert TOTPDevice.objects.get(user=user("lanhdao")).confirmed


def test_admin_site_refuses_an_unverified_administrator(client, user):
    client.force_login(user("admin"))
    assert client.get("/admin/").status_code == 302
    assert client.get(HOME).status_code == 302


def test_a_wrong_code_makes_the_next_one_wait(client, user):
    device = TOTPDevice.objects.create(user=user("admin"), name="phone", confirmed=True)
    password_login(client, "admin")
    client.post(VERIFY, {"token": "000000"})
    response = client.post(VERIFY, {"token": code(device)})
    assert response.status_code == 200  # refused, right as it is, within the wait
    assert client.get(HOME).status_code == 302


def test_a_code_is_accepted_once(client, user, english):
    """Issue 17.6: the same code in a second session (or again in the same one) is refused;
    the threaded case, on PostgreSQL, is in tests/concurrency/test_totp.py. (`english`
    gives back the language of the tests after, which a request in English leaves active.)"""
    device = TOTPDevice.objects.create(user=user("canbo"), name="phone", confirmed=True)
    token = code(device)
    first, second = client, Client()
    for session in (first, second):
        password_login(session, "canbo")
    response = first.post(VERIFY, {"token": token, "next": "/members/"})
    assert response.status_code == 302 and response.url == "/members/"
    forget_failures(device)
    page = second.post(VERIFY, {"token": token, "next": "/members/"})
    assert page.status_code == 200
    assert "Mã không đúng" in page.content.decode()
    second.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = second.post(VERIFY, {"token": token, "next": "/members/"})
    assert "This code is not right" in page.content.decode()
    assert second.get(HOME).status_code == 302
    device.refresh_from_db()
    assert device.last_t >= 0
