"""The leaders' dashboard: current figures, charts' data and the committee's children.

Every chart is built from the same rows as the table shown beside it, so the two agree.
"""

from collections import Counter

from django.db.models import Count, F, Q, Value
from django.utils.translation import gettext as _

from config.dates import today
from members.models import ACTIVE_STATUSES, MemberEvent, Status
from organizations.models import Enterprise, PartyOrganization
from organizations.views import with_coverage
from reports import statistics, summaries, years
from reports.models import Metric, Target

# Marks the subordinate cells' rows among the member counts (not a member status).
CELL = "_cell"


def yearly_series(committee, rows, targets) -> dict:
    """Members, organizations and admissions against the yearly plan, year by year."""
    # One plan per committee and year (a unique constraint), so no order is needed; without
    # one, the default order would join the committees.
    plans = dict(
        targets.filter(committee=committee, metric=Metric.MEMBERS_ADMITTED, kind=Target.Kind.PLAN)
        .filter(start_year=F("end_year"))
        .order_by()
        .values_list("start_year", "value")
    )
    return {
        "labels": [str(row.year) for row in rows],
        "members": [row.figures[Metric.PARTY_MEMBERS].value for row in rows],
        "organizations": [row.figures[Metric.PARTY_ORGANIZATIONS].value for row in rows],
        "admitted": [row.figures[Metric.MEMBERS_ADMITTED].value for row in rows],
        "admission_target": [plans.get(row.year) for row in rows],
    }


def ownership_split(committee, totals: dict | None = None) -> dict:
    """Active grassroots organizations of the subtree by their enterprise's ownership: from
    the summary row (`totals`), or counted from the organizations."""
    labels = dict(Enterprise.Ownership.choices)
    if totals is not None:
        split = {
            str(labels[value]): totals[f"grassroots_{value}"]
            for value in sorted(Enterprise.Ownership.values)
        }
        split[_("Not in an enterprise")] = totals["grassroots_no_enterprise"]
        return {label: n for label, n in split.items() if n}
    counts = (
        PartyOrganization.objects.subtree_of(committee)
        .filter(is_active=True, kind__in=PartyOrganization.GRASSROOTS_KINDS)
        .values("enterprise__ownership")
        .annotate(n=Count("pk"))
    )
    return {
        str(labels.get(row["enterprise__ownership"], _("Not in an enterprise"))): row["n"]
        for row in counts.order_by("enterprise__ownership")
    }


def coverage(committee, totals: dict | None = None) -> dict:
    """How many of the committee's enterprises have a Party organization, a trade union and a
    youth union: from the summary row (`totals`), or counted from the enterprises."""
    if totals is not None:
        return {
            "total": totals["enterprises"],
            "party": totals["enterprises_with_party"],
            "trade_union": totals["enterprises_with_trade_union"],
            "youth_union": totals["enterprises_with_youth_union"],
        }
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


def children_figures(committee, *, naive: bool = False) -> list[dict]:
    """The committee's direct children with their members, probationary members and cells
    today: committees from their summary rows, cells (and everything, when `naive`) from one
    grouped query of the ledger rolled up the current tree."""
    day = today()
    children = list(committee.children.filter(is_active=True).order_by("code"))
    if naive:
        return _counted_children(children, day, Q(path__startswith=committee.path))
    totals = summaries.totals_of([c.pk for c in children if c.is_committee], day)
    leaves = [c for c in children if not c.is_committee]
    cells = {
        row["organization"].pk: row
        for row in _counted_children(leaves, day, Q(pk__in=[c.pk for c in leaves]))
    }
    return [
        {
            "organization": child,
            "members": totals[child.pk]["party_members"],
            "probationary": totals[child.pk]["probationary_members"],
            "cells": totals[child.pk]["subordinate_cells"],
        }
        if child.pk in totals
        else cells[child.pk]
        for child in children
    ]


def _counted_children(children, day, organizations: Q) -> list[dict]:
    """Members, probationary members and subordinate cells of `children`, counted from the
    ledger in the `organizations` they stand for (the committee's subtree, or the cells
    themselves), rolled up the current tree by path."""
    if not children:
        return []
    per_org, probationary = Counter(), Counter()
    members = (
        MemberEvent.objects.current_on(day)
        .filter(status_after__in=ACTIVE_STATUSES)
        .filter(organization__in=PartyOrganization.objects.filter(organizations))
        .values("organization__path", "status_after")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # The subordinate cells come in the same statement, as rows marked CELL (a page has a
    # budget of queries).
    cells = (
        PartyOrganization.objects.filter(
            organizations, is_active=True, kind=PartyOrganization.Kind.SUBORDINATE_CELL
        )
        .annotate(mark=Value(CELL), n=Value(0))
        .values("path", "mark", "n")
        .order_by()  # SQLite refuses an ORDER BY inside a UNION
    )
    paths_of_cells = []
    for row in members.union(cells, all=True):
        path, status, n = row["organization__path"], row["status_after"], row["n"]
        if status == CELL:
            paths_of_cells.append(path)
            continue
        per_org[path] += n
        if status == Status.PROBATIONARY:
            probationary[path] += n
    cells = paths_of_cells
    # Every child's path is its parent's plus one segment, so a descendant's child is the
    # prefix of its path one segment longer than the parent's: one dictionary look-up per
    # path instead of comparing every path with every child.
    depth = len(children[0].path) - len(children[0].path.rstrip("/").rsplit("/", 1)[1]) - 1
    totals = {child.path: {"members": 0, "probationary": 0, "cells": 0} for child in children}

    def child_of(path):
        return totals.get(path[: path.find("/", depth) + 1])

    for key, counter in (("members", per_org), ("probationary", probationary)):
        for path, count in counter.items():
            if (total := child_of(path)) is not None:
                total[key] += count
    for path in cells:
        # A child's subordinate cells are those under it: a child that is a cell is not one
        # of its own (as the summary rows count them, reach ANCESTORS).
        if path not in totals and (total := child_of(path)) is not None:
            total["cells"] += 1
    return [{"organization": child, **totals[child.path]} for child in children]


def dashboard(committee, user, *, naive: bool = False) -> dict:
    """Everything the dashboard shows for `committee`; with `naive`, every figure counted from
    the ledger instead of the summary rows (the benchmark's baseline)."""
    reader = statistics.Reader(committee, naive=naive)
    first = years.first_year(committee, reader)
    day = today()
    rows = years.year_rows(committee, first, day.year, reader=reader, also=[day])
    totals = None if reader.naive else reader.totals(day)
    return {
        "now": statistics.stock(committee, day, reader=reader),
        "series": yearly_series(committee, rows, Target.objects.for_user(user)),
        "ownership": ownership_split(committee, totals),
        "coverage": coverage(committee, totals),
        "children": children_figures(committee, naive=naive),
    }
