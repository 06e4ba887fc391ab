"""The benchmark's two reference views, mounted by bench/urls.py only.

- `floor`: an empty page behind the same middleware and login as every page of the portal,
  so its time is what Django itself costs per request (session, user, middleware).
- `naive_dashboard`: the dashboard's headline figures (every stock today and this year's
  flows) computed the naive way, by ORM aggregation over the members' and organizations'
  ledgers on every request: the computation the report pages used before summary rows. It is
  `reports.ledger` once the summary rows replace `reports.statistics`, which keeps the ledger
  computation there; until then `reports.statistics` is that computation.
"""

import dataclasses
import datetime
import importlib
import importlib.util

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404

from config.dates import today
from organizations.models import PartyOrganization

NAIVE_MODULE = (
    "reports.ledger" if importlib.util.find_spec("reports.ledger") else "reports.statistics"
)


def floor(request):
    """Nothing but the login check that every page passes through."""
    return HttpResponse(b"", content_type="text/plain")


def naive_dashboard(request):
    """Current stocks and this year's flows of a committee of the user's scope, as JSON."""
    naive = importlib.import_module(NAIVE_MODULE)
    committee = get_object_or_404(
        PartyOrganization.objects.for_user(request.user).committees(),
        code=request.GET.get("committee", ""),
    )
    day = today()
    stock = naive.stock(committee, day)
    flows = naive.flows(committee, datetime.date(day.year - 1, 12, 31), day)
    return JsonResponse(
        {
            "committee": committee.code,
            "computed_by": NAIVE_MODULE,
            "day": day.isoformat(),
            "stock": plain(stock),
            "flows": plain(flows),
        }
    )


def plain(value):
    """Figures, flows and their dictionaries as JSON-ready values."""
    if dataclasses.is_dataclass(value):
        return {
            field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value
