"""Issue 17.7: every URL pattern of the portal, as each demo role, with odd path values and
odd query parameters (huge and negative numbers, unknown codes, long strings, bad dates):
no response is a server error. Run on SQLite and on PostgreSQL.

One test per role, so that a failure says whose; each collects every failing request (URL,
parameters, what happened) and reports them together. GETs first, then a POST with empty and
with odd data to every page of the portal (not the admin's). Each request runs in a savepoint
rolled back afterwards, so that a request that writes leaves the next ones the same demo, and
a database error (PostgreSQL aborts the transaction) does not spill over.
"""

import time

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from members.models import Candidate, Member, MemberEvent
from organizations.models import Enterprise, PartyOrganization
from reports.models import ImportBatch, Target
from tests.helpers import pass_second_factor
from unions.models import MassOrganization

HUGE = "99999999999999999999999"
LONG = "đ" * 300
UNICODE = "Đảng viên ½ 🙂"

# Odd query strings: every list and report page gets each of them. Each list is exported in
# full once per format; the other exports ask for an unknown status, an empty list.
QUERIES = [
    {},
    {
        "page": HUGE,
        "per_page": "-1",
        "organization": HUGE,
        "committee": HUGE,
        "start": "31/02/2026",
        "end": "2026-13-01",
        "date": "31/02/2026",
        "q": "x" * 5000,
        "sort": "unknown",
    },
    {
        "page": "-1",
        "per_page": "0",
        "organization": "-1",
        "committee": LONG,
        "q": "\x00",
        "after": HUGE,
        "before": "x",
        "_export": "unknown",
    },
    {"_export": "csv", "page": "x", "per_page": "x", "sort": "-unknown"},
    {"_export": "xlsx", "page": "0", "per_page": HUGE, "organization": "0", "kind": "x"},
    {
        "committee": "HN-KCNCX",
        "base": "31/02/2026",
        "as_of": "2026-13-01",
        "admitted_from": "0/0/0",
        "admitted_to": HUGE,
        "year": HUGE,
        "q": UNICODE,
    },
    {
        "committee": "HP-KKT",
        "base": "01/01/0001",
        "as_of": "31/12/9999",
        "year": "-1",
        "compare": "unknown",
        "table": "comparison",
        "_export": "csv",
        "status": "unknown",
    },
    {
        "committee": "HN-KCNCX",
        "as_of": "31/12/2025",
        "admitted_from": "31/12/9999",
        "admitted_to": "01/01/0001",
        "compare": "gender",
        "table": "comparison",
        "_export": "xlsx",
        "status": "unknown",
        "format": "unknown",
        "headers": "vi",
        "type": "xlsx",
        "admitted_year": HUGE,
    },
]
# A page about one object gets the first two only.
OBJECT_QUERIES = QUERIES[:2]
# The admin's own parameters on its lists.
ADMIN_QUERIES = [{}, {"q": "x" * 5000, "o": "99.-x", "p": HUGE, "e": "1", "unknown": HUGE}]
# Odd form data for the POSTs.
POST_DATA = [
    {},
    {
        "full_name": LONG * 3,
        "national_id": HUGE,
        "card_number": "-1",
        "organization": HUGE,
        "committee": HUGE,
        "enterprise": "-1",
        "parent": HUGE,
        "date": "31/02/2026",
        "birth_date": "2026-13-01",
        "admitted_on": "0/0/0",
        "value": HUGE,
        "start_year": HUGE,
        "end_year": "-1",
        "token": HUGE,
        "submission_token": "x" * 500,
        "format": "unknown",
        "kind": "unknown",
        "gender": UNICODE,
        "reason": "\x00",
    },
]
# Never POSTed: they end the session the next requests need.
NO_POST = {"logout", "set_language"}

ROLES = ["anonymous", "canbo", "lanhdao", "canbo.hp", "admin"]
# The model behind each `<int:pk>` route, by the route's name.
MODELS = {
    "members:candidate": Candidate,
    "members:member": Member,
    "members:event": MemberEvent,
    "organizations:organization": PartyOrganization,
    "organizations:enterprise": Enterprise,
    "unions:union": MassOrganization,
    "unions:headcount": MassOrganization,
    "reports:target": Target,
    "reports:import": ImportBatch,
}


def patterns(resolver=None, prefix="", namespace=""):
    """(route, name, converters) of every URL pattern, includes walked."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from patterns(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            converters = getattr(pattern.pattern, "converters", {})
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}", converters


def ids_of(model) -> list[str]:
    """An id in Hanoi's scope and one in Hai Phong's (another committee's, for canbo)."""
    found = []
    for username in ("canbo", "canbo.hp"):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username=username)
        pk = model.objects.for_user(user).order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            found.append(str(pk))
    return found


def path_values(name: str, converter) -> list[str]:
    kind = type(converter).__name__
    if kind == "IntConverter":
        model = next((m for prefix, m in MODELS.items() if name.startswith(prefix)), None)
        return ["0", HUGE, *(ids_of(model) if model else ["1"])]
    if kind == "SlugConverter":
        return ["members", "targets", "unknown", "x" * 300]
    # <path:...> and <str:...>: the admin's object ids and content types. Not an existing
    # object for a delete page: the confirmation of the root organization lists the country.
    odd = [HUGE, LONG, UNICODE]
    return odd if name.endswith("_delete") else ["1", *odd]


def urls():
    """(url, name, queries) of every pattern, its parameters filled with each odd value."""
    for route, name, converters in patterns():
        admin = route.startswith("admin/")
        queries = ADMIN_QUERIES if admin else QUERIES
        if not converters:
            yield "/" + route, name, queries
            continue
        fillings = [{}]
        for key, converter in converters.items():
            fillings = [
                {**filled, key: value}
                for filled in fillings
                for value in path_values(name, converter)
            ]
        for filled in fillings:
            url = route
            for key, value in filled.items():
                url = url.replace(f"<{key}>", value)
                for prefix in ("int", "slug", "path", "str"):
                    url = url.replace(f"<{prefix}:{key}>", value)
            yield "/" + url, name, ADMIN_QUERIES[:1] if admin else OBJECT_QUERIES


def client_for(role: str, user) -> Client:
    client = Client()
    if role != "anonymous":
        account = user(role)
        client.force_login(account)
        if account.is_superuser or getattr(getattr(account, "profile", None), "role", "") == (
            "administrator"
        ):
            pass_second_factor(client, account)
    return client


def short(params: dict) -> str:
    return "&".join(f"{key}={str(value)[:30]}" for key, value in params.items())


def request(client, method: str, url: str, params: dict) -> str | None:
    """What went wrong with this request, or None."""
    savepoint = transaction.savepoint()
    try:
        response = getattr(client, method)(url, params)
    except Exception as exc:  # noqa: BLE001 - every server error is collected
        return f"{type(exc).__name__}: {str(exc)[:120]}"
    finally:
        transaction.savepoint_rollback(savepoint)
    if response.status_code >= 500:
        return f"status {response.status_code}"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_no_url_answers_a_server_error(role, user, db):
    client = client_for(role, user)
    failures, requests, started = [], 0, time.monotonic()
    for url, name, queries in urls():
        for params in queries:
            requests += 1
            if problem := request(client, "get", url, params):
                failures.append(f"{role} GET {url}?{short(params)} ({name}): {problem}")
        if url.startswith("/admin/") or name.rsplit(":", 1)[-1] in NO_POST:
            continue
        for data in POST_DATA:
            requests += 1
            if problem := request(client, "post", url, data):
                failures.append(f"{role} POST {url} {short(data)} ({name}): {problem}")
    elapsed = time.monotonic() - started
    print(f"{role}: {requests} requests in {elapsed:.0f} s")  # noqa: T201 - the run's cost
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
