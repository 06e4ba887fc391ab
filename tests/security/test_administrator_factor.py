"""Issue 17, finding 2: the administrator role sees the whole tree, so it needs the second
factor on every page exactly as superusers do."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.models import Member
from organizations.models import Profile
from tests.test_twofactor import code, forget_failures

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-for-the-administrator-2026"
VERIFY = reverse("two_factor_verify")
ENROL = reverse("two_factor")


@pytest.fixture
def administrator(hanoi):
    user = get_user_model().objects.create_user("quantri", password=PASSWORD)
    Profile.objects.create(user=user, committee=hanoi, role=Profile.Role.ADMINISTRATOR)
    return user


def password_login(client):
    response = client.post(reverse("login"), {"username": "quantri", "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("members:member_list"),
        reverse("members:member_list") + "?_export=csv",
        reverse("members:member_list") + "?_export=xlsx",
        reverse("organizations:organization_list"),
    ],
)
def test_the_administrator_role_gets_nothing_with_a_password_only(client, administrator, url):
    response = password_login(client).get(url)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    # Without a device, the code page sends the administrator to enrol: no way around it.
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(ENROL)
    identifiers = Member.objects.exclude(national_id="").values_list("national_id", flat=True)
    body = client.get(url).content.decode()
    assert not any(number in body for number in identifiers[:50])


def test_after_enrolling_the_administrator_sees_the_country_and_cannot_turn_it_off(
    client, administrator
):
    password_login(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=administrator)
    forget_failures(device)
    assert client.post(ENROL, {"token": code(device)}).status_code == 302
    assert client.get(reverse("members:member_list")).status_code == 200
    page = client.get(ENROL).content.decode()
    assert "Quản trị viên không thể tắt chức năng này" in page
    assert "Tắt đăng nhập hai lớp" not in page
    # Turning it off is refused even with a valid code, and the device stays.
    device.refresh_from_db()
    forget_failures(device)
    assert client.post(ENROL, {"token": code(device, offset=1)}).status_code == 403
    assert TOTPDevice.objects.filter(user=administrator, confirmed=True).exists()


def test_a_new_login_of_the_administrator_owes_a_code_again(client, administrator):
    TOTPDevice.objects.create(user=administrator, name="app", confirmed=True)
    response = password_login(client).get(reverse("members:member_list"))
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert client.get(response.url).status_code == 200  # the code form, not enrolment


def test_staff_and_leaders_are_not_asked(login):
    for username in ("canbo", "lanhdao", "canbo.hp"):
        assert login(username).get(reverse("home")).status_code == 200
