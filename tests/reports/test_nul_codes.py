"""A committee code holding NUL (which PostgreSQL cannot even look up) is an unknown
committee, never a server error: found by the property-based form tests on PostgreSQL."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_closing_a_year_of_a_code_with_nul_is_not_found(login):
    client = login("admin")
    response = client.post(reverse("reports:close_year"), {"committee": "HN\x00", "year": "2021"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:years", "home"])
def test_reports_of_a_code_with_nul_are_not_found(login, name):
    response = login("lanhdao").get(reverse(name), {"committee": "HN-KCNCX\x00"})
    assert response.status_code == 404
