"""List pages run a fixed number of queries whatever the number of rows, and never an
unbounded COUNT(*) (django-tables2's LazyPaginator looks one page ahead instead)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# url name, query, queries: session, user (with its profile and committee), then the page's own.
LISTS = [
    ("members:member_list", {}, 3),
    ("members:member_list", {"q": "Nguyễn", "page": 2}, 3),
    ("members:due_list", {}, 3),
    ("members:candidate_list", {}, 3),
    ("unions:union_list", {}, 3),
    ("unions:union_list", {"kind": "youth_union"}, 3),
    ("reports:target_list", {}, 4),
]


@pytest.mark.parametrize(("name", "query", "expected"), LISTS)
def test_list_query_count_is_fixed(login, django_assert_num_queries, name, query, expected):
    client = login("canbo")
    client.get(reverse(name))  # the session exists before counting
    with django_assert_num_queries(expected) as captured:
        response = client.get(reverse(name), query)
    assert response.status_code == 200
    unbounded = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not unbounded or name in COUNTED, unbounded


# Short lists whose paginator counts its rows: bounded by a committee's own entries.
COUNTED = {"reports:target_list"}


# Report pages of the user's own committee (by code, as the committee picker sends it, and
# without one): session, user (with its profile and committee), then the page's own reads.
REPORTS = [
    ("reports:dashboard", {"committee": "HN-KCNCX"}, 8),
    ("reports:dashboard", {}, 8),
    ("reports:years", {"committee": "HN-KCNCX"}, 4),
    ("reports:growth", {}, 5),
    ("reports:targets", {"committee": "HN-KCNCX"}, 5),
]


@pytest.mark.parametrize(("name", "query", "expected"), REPORTS)
def test_report_query_count_is_fixed(login, django_assert_num_queries, name, query, expected):
    client = login("lanhdao")
    client.get(reverse(name), query)  # the session exists, the fragments are remembered
    with django_assert_num_queries(expected):
        response = client.get(reverse(name), query)
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:years", "reports:targets"])
def test_the_own_committee_by_code_is_not_looked_up_but_others_stay_scoped(login, name):
    client = login("lanhdao")  # HN-KCNCX, a zone committee of Hà Nội
    own = client.get(reverse(name), {"committee": "HN-KCNCX"})
    assert own.status_code == 200 and "HN-KCNCX" in own.content.decode()
    other = client.get(reverse(name), {"committee": "HP-KKT"})  # Hải Phòng's, out of scope
    # The pages that take the committee by code answer 404; the target report's form refuses it.
    assert other.status_code == 404 or "committee" in other.context["form"].errors
