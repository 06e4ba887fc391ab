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
