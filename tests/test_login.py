"""Login protection: django-axes lockouts per username and per address, every attempt
logged with its outcome, the client address behind proxies, password rules."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from config.auth import client_ip

LOGIN = reverse("login")
RIGHT = settings.DEMO_PASSWORD


def attempt(client, username, password, address="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_fifty_wrong_passwords_lock_the_user_out_even_for_the_right_one(client, db):
    statuses = [attempt(client, "canbo", f"wrong-password-{i:02}").status_code for i in range(50)]
    # The form answers 200 (wrong password) until the limit, then the lockout page.
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    response = attempt(client, "canbo", RIGHT)
    assert response.status_code == 429
    assert not logged_in(client)
    # The username is locked whatever the address.
    assert attempt(client, "canbo", RIGHT, address="10.9.9.9").status_code == 429
    assert not logged_in(client)
    # Another user from another address is not.
    assert attempt(client, "lanhdao", RIGHT, address="10.9.9.9").status_code == 302
    assert logged_in(client)


def test_one_address_is_locked_out_across_usernames(client, db):
    for i in range(50):
        attempt(client, f"guess-{i}", "wrong-password-1234", address="10.2.2.2")
    # A real user, never tried, with the right password: refused from that address...
    response = attempt(client, "lanhdao", RIGHT, address="10.2.2.2")
    assert response.status_code == 429
    assert not logged_in(client)
    # ...but not from another one.
    assert attempt(client, "lanhdao", RIGHT, address="10.3.3.3").status_code == 302
    assert logged_in(client)


def test_lockout_page_speaks_vietnamese_and_english(client, db):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(client, "canbo", "wrong-password-1234")
    assert response.status_code == 429
    assert 'lang="vi"' in response.content.decode()
    assert "data-lockout" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = attempt(client, "canbo", RIGHT)
    assert "Too many failed logins" in response.content.decode()
    assert "30 minutes" in response.content.decode()


def test_a_success_resets_the_count_of_failures(client, db):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "canbo", "wrong-password-1234")
    assert attempt(client, "canbo", RIGHT).status_code == 302
    client.logout()
    assert attempt(client, "canbo", "wrong-password-1234").status_code == 200
    assert attempt(client, "canbo", RIGHT).status_code == 302


def test_every_attempt_leaves_a_row_with_its_outcome(client, db):
    attempt(client, "canbo", "wrong-password-1234", address="10.4.4.4")
    failure = AccessFailureLog.objects.get(username="canbo")
    assert (failure.ip_address, failure.locked_out) == ("10.4.4.4", False)
    assert AccessAttempt.objects.get(username="canbo").failures_since_start == 1
    assert not AccessLog.objects.filter(username="canbo").exists()

    attempt(client, "canbo", RIGHT, address="10.4.4.4")
    success = AccessLog.objects.get(username="canbo")
    assert success.ip_address == "10.4.4.4"
    assert success.logout_time is None
    client.post(reverse("logout"))
    success.refresh_from_db()
    assert success.logout_time is not None


def address(remote="192.0.2.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_client_address_ignores_x_forwarded_for_unless_proxies_are_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert address(forwarded="203.0.113.9") == "192.0.2.1"
    settings.TRUSTED_PROXY_COUNT = 1
    # What the client wrote itself (left) is ignored; the proxy's entry (right) counts.
    assert address(forwarded="6.6.6.6, 203.0.113.9") == "203.0.113.9"
    assert address(forwarded="") == "192.0.2.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert address(forwarded="6.6.6.6, 203.0.113.9, 10.0.0.2") == "203.0.113.9"


def test_lockout_by_address_behind_a_proxy(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": f"guess-{i}", "password": "wrong-password-1234"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.1.1.{i}, 203.0.113.7",
        )
    right = {"username": "lanhdao", "password": RIGHT}
    locked = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert client.post(LOGIN, right, **locked).status_code == 429
    other = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.8"}
    assert client.post(LOGIN, right, **other).status_code == 302


@pytest.mark.parametrize("password", ["short-pw-1", "123456789012345", "password1234"])
def test_weak_passwords_are_refused(user, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=user("canbo"))


def test_twelve_characters_of_no_pattern_are_enough(user):
    validate_password("ruong-lua-2024", user=user("canbo"))
