"""Issue 18, item 5: refusals in the portal's own pages, in the user's language, with a way
back; a leader sees a read-only notice where a clerk sees a form."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from config import refusals
from members.models import Member
from tests.helpers import ledger_counts

pytestmark = pytest.mark.django_db

ADMIT = reverse("members:member_admit")


def in_layout(page: str) -> bool:
    return 'class="navbar' in page and reverse("home") in page


def test_a_leaders_forged_post_gets_the_portals_403_with_a_way_back(login):
    client = login("lanhdao")
    before = ledger_counts()
    referer = "http://testserver" + reverse("members:member_list")
    response = client.post(ADMIT, {"full_name": "Giả mạo"}, HTTP_REFERER=referer)
    assert response.status_code == 403
    page = response.content.decode()
    assert in_layout(page)
    assert "Không được phép" in page and "chỉ được xem số liệu" in page
    assert f'href="{referer}"' in page and "Quay lại trang trước" in page
    assert ledger_counts() == before


def test_a_leader_sees_a_read_only_notice_instead_of_the_form(login):
    page = login("lanhdao").get(ADMIT).content.decode()
    assert "data-read-only" in page and "chỉ được xem số liệu" in page
    assert 'id="id_full_name"' not in page and "Lưu</button>" not in page


def test_a_clerk_sees_the_form(login):
    page = login("canbo").get(ADMIT).content.decode()
    assert "id_full_name" in page and "data-read-only" not in page


def test_a_missing_page_is_the_portals_404_in_english_when_chosen(login):
    client = login("canbo")
    missing = reverse("members:member_detail", args=[Member.objects.order_by("-pk")[0].pk + 10])
    page = client.get(missing).content.decode()
    assert in_layout(page) and "Không tìm thấy trang" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(missing)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_another_committees_member_is_the_same_404(login, hanoi):
    member = Member.objects.filter(organization__path__startswith=hanoi.path).first()
    response = login("canbo.hp").get(member.get_absolute_url())
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page and member.full_name not in page


def test_a_stale_csrf_token_says_what_to_do(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user("canbo"))
    response = client.post(ADMIT, {"full_name": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert in_layout(page) and "không còn hiệu lực" in page


def test_the_500_page_is_in_the_layout(user):
    request = RequestFactory().get("/")
    request.user = user("canbo")
    request.session = {}
    response = refusals.server_error(request)
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode()


def test_the_500_page_survives_a_broken_layout(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database is down")

    monkeypatch.setattr(refusals, "render", broken)
    response = refusals.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Server error" in response.content.decode()
