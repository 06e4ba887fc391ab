"""Issue 17.6: whatever a logged-in user is sent carries `Cache-Control: no-store, private`
(config.middleware.PrivatePagesMiddleware): pages, exports and redirects may hold personal
data that no browser cache or proxy may keep."""

import pytest
from django.conf import settings
from django.urls import reverse

from members.models import Member


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.fixture
def member(hanoi):
    return Member.objects.filter(organization__path__startswith=hanoi.path).first()


@pytest.mark.parametrize(
    "where",
    [
        lambda member: reverse("members:member_list"),
        lambda member: member.get_absolute_url(),
        lambda member: reverse("members:member_list") + "?_export=csv",
        lambda member: reverse("members:member_list") + "?_export=xlsx",
        lambda member: reverse("reports:dashboard"),
        lambda member: reverse("home"),
    ],
    ids=["members", "member", "export-csv", "export-xlsx", "dashboard", "home"],
)
def test_pages_and_exports_of_a_logged_in_user_are_not_stored(login, member, where):
    response = login("canbo").get(where(member))
    assert response.status_code == 200
    assert {"no-store", "private"} <= cache_control(response)


def test_an_export_is_a_file_and_not_stored(login):
    response = login("canbo").get(reverse("members:member_list"), {"_export": "csv"})
    assert "attachment" in response["Content-Disposition"]
    assert {"no-store", "private"} <= cache_control(response)


def test_the_second_factor_redirect_is_not_stored_either(login, user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    account = user("canbo")
    TOTPDevice.objects.create(user=account, name="phone", confirmed=True)
    client = login("canbo")
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "canbo", "password": settings.DEMO_PASSWORD})
    response = client.get(reverse("members:member_list"))
    assert response.status_code == 302
    assert {"no-store", "private"} <= cache_control(response)


def test_the_login_page_keeps_its_form_and_csrf_cookie(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert settings.CSRF_COOKIE_NAME in response.cookies
    assert "csrfmiddlewaretoken" in response.content.decode()
    # And a login through it still passes the CSRF check.
    client.handler.enforce_csrf_checks = True
    token = response.cookies[settings.CSRF_COOKIE_NAME].value
    done = client.post(
        reverse("login"),
        {"username": "canbo", "password": settings.DEMO_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert done.status_code == 302
