"""Export the data of each import format in that format: what comes out goes back in unchanged.

Rows are generated from the database a chunk at a time and written as they come (a CSV
response streams; an XLSX is built by openpyxl's write-only mode in a temporary file), so an
export of a province's members does not hold them all in memory. Text cells that a
spreadsheet would read as a formula are neutralised (config.exports.safe_cell); the importer
strips that apostrophe again.
"""

import csv
import tempfile
from collections import defaultdict
from collections.abc import Iterator

from config.dates import dmy
from config.exports import safe_cell
from members.models import Member
from organizations.models import OrganizationEvent, PartyOrganization
from reports.importing.registry import format_class
from reports.imports import FIGURE_COLUMNS, period_text
from reports.models import Target, YearlyFigure


def organization_rows(user) -> Iterator[list]:
    scope = (
        PartyOrganization.objects.for_user(user)
        .exclude(
            kind__in=(PartyOrganization.Kind.CENTRAL, PartyOrganization.Kind.PROVINCIAL_COMMITTEE)
        )
        .select_related("parent", "zone", "enterprise")
        .order_by("path")  # parents before their children, as an import needs them
    )
    starts = {}
    for event in OrganizationEvent.objects.filter(
        organization__in=scope, kind__in=OrganizationEvent.STARTING_KINDS
    ).order_by("-date", "-pk"):
        starts[event.organization_id] = event  # the earliest wins
    for organization in scope:
        start = starts.get(organization.pk)
        yield [
            organization.code,
            organization.name,
            organization.kind,
            organization.parent.code if organization.parent else "",
            organization.zone.code if organization.zone else "",
            organization.enterprise.name if organization.enterprise else "",
            dmy(start.date) if start else "",
            start.decision_number if start else "",
            dmy(organization.ledger_starts_on),
        ]


def figure_rows(user) -> Iterator[list]:
    metrics = [str(metric) for metric in FIGURE_COLUMNS]
    grouped: dict[tuple, dict] = defaultdict(dict)
    figures = (
        YearlyFigure.objects.for_user(user)
        .filter(metric__in=metrics)
        .values_list("committee__code", "as_of", "metric", "value")
        .order_by("committee__code", "as_of")
    )
    for code, as_of, metric, value in figures.iterator(chunk_size=2000):
        grouped[(code, as_of)][metric] = value
    for (code, as_of), values in grouped.items():
        yield [code, dmy(as_of), *(values.get(metric, "") for metric in metrics)]


def target_rows(user) -> Iterator[list]:
    targets = Target.objects.for_user(user).select_related("committee")
    for target in targets.order_by("committee__code", "start_year", "end_year", "metric"):
        period = period_text(target.start_year, target.end_year)
        yield [target.committee.code, period, target.metric, target.kind, target.value]


def member_rows(user) -> Iterator[list]:
    members = (
        Member.objects.for_user(user)
        .order_by("pk")
        .values_list(
            "full_name", "gender", "birth_date", "organization__code", "card_number",
            "national_id", "admitted_on", "official_on", "status", "ethnicity", "education",
            "position", "religion", "qualification", "political_theory", "from_pipeline",
        )
    )  # fmt: skip
    pipeline = {True: "yes", False: "no", None: ""}
    for row in members.iterator(chunk_size=2000):
        (name, gender, birth, organization, card, national_id, admitted, official, *rest) = row
        *rest, from_pipeline = rest
        yield [
            name, gender, dmy(birth), organization, card, national_id, dmy(admitted),
            dmy(official), *rest, pipeline[from_pipeline],
        ]  # fmt: skip


ROWS = {
    "organizations": organization_rows,
    "figures": figure_rows,
    "targets": target_rows,
    "members": member_rows,
}


def header(format_name: str, *, vietnamese: bool = False) -> list[str]:
    return [c.vi if vietnamese else c.key for c in format_class(format_name).columns]


def rows(format_name: str, user) -> Iterator[list]:
    yield from ROWS[format_name](user)


class _Echo:
    def write(self, value):
        return value


def csv_lines(head: list[str], body) -> Iterator[str]:
    """CSV text line by line, starting with a BOM so that Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(cell) for cell in head])
    for row in body:
        yield writer.writerow([safe_cell(cell) for cell in row])


def xlsx_file(head: list[str], body):
    """An XLSX workbook written row by row to a temporary file (returned open, at 0)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([safe_cell(cell) for cell in head])
    for row in body:
        # safe_cell also strips the control characters openpyxl refuses (older records).
        sheet.append([safe_cell(cell) for cell in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 (returned open, for a FileResponse)
    book.save(out)
    out.seek(0)
    return out
