"""The leaders' dashboard: current figures, charts' data and the committee's children.

Every chart is built from the same rows as the table shown beside it, so the two agree.
"""

from collections import Counter

from django.db.models import Count, F
from django.utils.translation import gettext as _

from config.dates import today
from members.models import ACTIVE_STATUSES, MemberEvent, Status
from organizations.models import Enterprise, PartyOrganization
from organizations.views import with_coverage
from reports import statistics, years
from reports.models import Metric, Target


def yearly_series(committee, rows, targets) -> dict:
    """Members, organizations and admissions against the yearly plan, year by year."""
    plans = {
        t.start_year: t.value
        for t in targets.filter(
            committee=committee, metric=Metric.MEMBERS_ADMITTED, kind=Target.Kind.PLAN
        ).filter(start_year=F("end_year"))
    }
    return {
        "labels": [str(row.year) for row in rows],
        "members": [row.figures[Metric.PARTY_MEMBERS].value for row in rows],
        "organizations": [row.figures[Metric.PARTY_ORGANIZATIONS].value for row in rows],
        "admitted": [row.figures[Metric.MEMBERS_ADMITTED].value for row in rows],
        "admission_target": [plans.get(row.year) for row in rows],
    }


def ownership_split(committee) -> dict:
    """Active grassroots organizations of the subtree by their enterprise's ownership."""
    counts = (
        PartyOrganization.objects.subtree_of(committee)
        .filter(is_active=True, kind__in=PartyOrganization.GRASSROOTS_KINDS)
        .values("enterprise__ownership")
        .annotate(n=Count("pk"))
    )
    labels = dict(Enterprise.Ownership.choices)
    return {
        str(labels.get(row["enterprise__ownership"], _("Not in an enterprise"))): row["n"]
        for row in counts.order_by("enterprise__ownership")
    }


def coverage(committee) -> dict:
    """How many of the committee's enterprises have a Party organization, a trade union and a
    youth union."""
    enterprises = with_coverage(
        Enterprise.objects.filter(committee__path__startswith=committee.path)
    )
    total = enterprises.count()
    with_party = enterprises.filter(has_party_organization=True).count()
    with_union = enterprises.filter(has_trade_union=True).count()
    with_youth = enterprises.filter(has_youth_union=True).count()
    return {
        "total": total,
        "party": with_party,
        "trade_union": with_union,
        "youth_union": with_youth,
    }


def children_figures(committee) -> list[dict]:
    """The committee's direct children with their members, probationary members and cells
    today, from one grouped query rolled up the current tree."""
    day = today()
    per_org = Counter()
    probationary = Counter()
    rows = (
        MemberEvent.objects.current_on(day)
        .filter(organization__path__startswith=committee.path, status_after__in=ACTIVE_STATUSES)
        .values("organization__path", "status_after")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        per_org[row["organization__path"]] += row["n"]
        if row["status_after"] == Status.PROBATIONARY:
            probationary[row["organization__path"]] += row["n"]
    cells = [
        path
        for path, kind in PartyOrganization.objects.subtree_of(committee)
        .filter(is_active=True, kind=PartyOrganization.Kind.SUBORDINATE_CELL)
        .values_list("path", "kind")
    ]

    def under(child, paths):
        return [path for path in paths if path.startswith(child.path)]

    return [
        {
            "organization": child,
            "members": sum(per_org[path] for path in under(child, per_org)),
            "probationary": sum(probationary[path] for path in under(child, probationary)),
            "cells": len(under(child, cells)),
        }
        for child in committee.children.filter(is_active=True).order_by("code")
    ]


def dashboard(committee, user) -> dict:
    """Everything the dashboard shows for `committee`."""
    rows = years.year_rows(committee, years.first_year(committee), today().year)
    ledger = statistics.OrganizationLedger()
    return {
        "now": statistics.stock(committee, today(), ledger=ledger),
        "series": yearly_series(committee, rows, Target.objects.for_user(user)),
        "ownership": ownership_split(committee),
        "coverage": coverage(committee),
        "children": children_figures(committee),
    }
