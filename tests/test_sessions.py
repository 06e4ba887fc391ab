"""Session lifetimes: logged out after 30 minutes idle and 8 hours after the login, with a
message; activity recorded at most every few minutes (no session write on each page)."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from config import middleware

HOME = reverse("home")
MINUTE = 60


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for the session middleware, starting at an arbitrary moment."""
    now = {"t": 1_700_000_000.0}
    monkeypatch.setattr(middleware, "clock", lambda: now["t"])

    def advance(minutes):
        now["t"] += minutes * MINUTE

    return advance


def test_the_lifetimes_are_thirty_minutes_and_eight_hours():
    assert settings.SESSION_IDLE_SECONDS == 30 * MINUTE
    assert settings.SESSION_MAX_SECONDS == 8 * 60 * MINUTE
    assert not settings.SESSION_SAVE_EVERY_REQUEST


def test_idle_session_is_logged_out_with_a_message(clock, login):
    client = login("canbo")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the message is written in English
    clock(20)
    assert client.get(HOME).status_code == 200  # recorded: more than 5 minutes since login
    clock(29)
    assert client.get(HOME).status_code == 200  # 29 minutes after the recorded activity
    clock(31)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    assert SESSION_KEY not in client.session
    page = client.get(response.url)
    assert "logged out after 30 minutes without activity" in page.content.decode()


def test_session_ends_eight_hours_after_login_however_active(clock, login):
    client = login("canbo")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(23):  # a request every 20 minutes for 7 h 40 min
        clock(20)
        assert client.get(HOME).status_code == 200
    clock(20)  # 8 hours
    response = client.get(HOME)
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert "8 hours after you logged in" in client.get(response.url).content.decode()


def test_activity_is_recorded_at_most_every_five_minutes(clock, login):
    client = login("canbo")
    key = client.session.session_key
    stored = Session.objects.get(session_key=key).expire_date
    clock(2)
    client.get(HOME)
    clock(2)
    client.get(HOME)
    assert Session.objects.get(session_key=key).expire_date == stored  # no write
    clock(2)  # 6 minutes since the last record
    client.get(HOME)
    assert Session.objects.get(session_key=key).expire_date > stored


def test_htmx_request_of_an_expired_session_reloads_the_whole_page(clock, login):
    client = login("canbo")
    clock(31)
    response = client.get(HOME, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_login_page_is_not_touched_without_a_session(clock, client, db):
    clock(60 * 24)
    assert client.get(reverse("login")).status_code == 200
