"""The admin site's pages that the fuzz test (tests/test_fuzz.py) found answering a server
error: a history page for an id that is not one, django-otp's device key pages."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.mark.parametrize("object_id", ["Đảng viên", "x" * 300, "1.5"])
def test_a_history_page_for_an_id_that_is_not_one_is_404(login, object_id):
    client = login("admin")
    response = client.get(f"/admin/members/member/{object_id}/history/")
    assert response.status_code == 404


def test_a_history_page_for_a_real_member_still_opens(login, hanoi):
    from members.models import Member

    member = Member.objects.filter(organization__path__startswith=hanoi.path).first()
    response = login("admin").get(reverse("admin:members_member_history", args=[member.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["config", "qrcode"])
def test_the_admin_never_shows_a_device_key(login, user, page):
    client = login("admin")
    device = TOTPDevice.objects.get(user=user("admin"))
    for pk in (device.pk, 0, 99999999999999999999999):
        assert client.get(f"/admin/otp_totp/totpdevice/{pk}/{page}/").status_code == 403
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200
    assert device.key not in change.content.decode()
