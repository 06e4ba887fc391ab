"""Issue 18, item 4: organizations can be renamed (the history keeps the old name); users
change their own password."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from config.versioning import version_of
from organizations.models import PartyOrganization

pytestmark = pytest.mark.django_db


@pytest.fixture
def cell(hanoi):
    return (
        PartyOrganization.objects.filter(path__startswith=hanoi.path, is_active=True)
        .exclude(pk=hanoi.pk)
        .order_by("pk")
        .first()
    )


def test_a_clerk_renames_an_organization_and_the_history_keeps_the_old_name(login, cell):
    url = reverse("organizations:organization_rename", args=[cell.pk])
    client = login("canbo")
    assert url in client.get(cell.get_absolute_url()).content.decode()
    old = cell.name
    data = {"name": "  Chi bộ  Công ty Đổi Tên ", "reason": "Công ty đổi tên", "version": ""}
    data["version"] = version_of(cell)
    response = client.post(url, data)
    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.name == "Chi bộ Công ty Đổi Tên"
    page = client.get(cell.get_absolute_url()).content.decode()
    assert f"{old} → Chi bộ Công ty Đổi Tên" in page and "Công ty đổi tên" in page
    assert "Chi bộ Công ty Đổi Tên" in client.get(response.url).content.decode()


def test_a_rename_needs_a_reason_and_a_new_name_and_stays_in_scope(login, cell, hai_phong):
    url = reverse("organizations:organization_rename", args=[cell.pk])
    client = login("canbo")
    for data in ({"name": cell.name, "reason": "x"}, {"name": "Tên mới", "reason": " "}):
        response = client.post(url, {**data, "version": version_of(cell)})
        assert response.status_code == 200
    assert PartyOrganization.objects.get(pk=cell.pk).name == cell.name
    assert login("canbo.hp").post(url, {"name": "X", "reason": "x"}).status_code == 404
    assert login("lanhdao").post(url, {"name": "X", "reason": "x"}).status_code == 403
    assert PartyOrganization.objects.get(pk=cell.pk).name == cell.name


def test_a_user_changes_their_own_password(login, user):
    client = login("canbo")
    assert reverse("password_change") in client.get(reverse("home")).content.decode()
    new = "mat-khau-moi-rat-dai-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": settings.DEMO_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="canbo").check_password(new)
    assert "Mật khẩu đã được đổi" in client.get(response.url).content.decode()


def test_a_wrong_old_password_changes_nothing(login):
    client = login("canbo")
    response = client.post(
        reverse("password_change"),
        {"old_password": "sai", "new_password1": "x-y-z-1234567", "new_password2": "x-y-z-1234567"},
    )
    assert response.status_code == 200
    assert "Mật khẩu cũ không chính xác" in response.content.decode()
    assert get_user_model().objects.get(username="canbo").check_password(settings.DEMO_PASSWORD)
