"""Output shared by the report commands: CSV, or aligned columns for a terminal."""

import csv
import datetime

from django.core.management.base import CommandError

from config.exports import safe_cell


def iso_date(text: str) -> datetime.date:
    """A command's YYYY-MM-DD argument."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}") from exc


def committee_by_code(code: str):
    """The organization a command's --committee names (commands run with every scope)."""
    from organizations.models import PartyOrganization

    found = PartyOrganization.objects.filter(code=code).first()
    if found is None:
        raise CommandError(f"Unknown committee: {code!r}")
    return found


def cell(value):
    """None is an unknown figure: an empty cell, never 0. Numbers stay numbers, so that
    `safe_cell` tells a negative change from a text that starts with "-"."""
    return "" if value is None else value


def write_rows(stdout, columns: list[str], rows: list[list], output_format: str) -> None:
    # A report's CSV goes into spreadsheets too: through the one neutralising function.
    rows = [[safe_cell(value) for value in row] for row in rows]
    if output_format == "csv":
        writer = csv.writer(stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return
    widths = [max(len(str(row[i])) for row in [columns, *rows]) for i in range(len(columns))]
    for line in [columns, *rows]:
        stdout.write("  ".join(str(c).rjust(w) for c, w in zip(line, widths, strict=True)))
