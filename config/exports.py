"""Spreadsheet exports that cannot carry formulas (CSV/formula injection, OWASP).

Every cell of every export (list and report tables, the import formats' data and templates,
the report commands' CSV) goes through `safe_cell`. A text that Excel or LibreOffice would
read as a formula (= + - @, also full width, also after spaces, tabs or line breaks) gets an
apostrophe in front and is plain text; numbers and dates are left alone. The control
characters are stripped first, so that none can hide the formula from the check (and XLSX
cannot hold them anyway); tab and line breaks stay, as a note's lines.
"""

from django_tables2.export import ExportMixin, TableExport

from config.text import CONTROL_BUT_LINES

# = + - @ and their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20).
FORMULA_CHARACTERS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# What a spreadsheet skips before it looks for the formula character.
SKIPPED = " \t\r\n\u00a0\u3000"


def looks_like_formula(text: str) -> bool:
    return text.lstrip(SKIPPED)[:1] in FORMULA_CHARACTERS


def needs_apostrophe(text: str) -> bool:
    # A text that already starts with apostrophes before a formula gets one more, so that an
    # import that strips one (reports.importing.values.unescape) gives the text back.
    return looks_like_formula(text.lstrip("'"))


def safe_cell(value):
    """A cell as it may be written to CSV or XLSX: never a formula, no control characters."""
    if not isinstance(value, str):
        return value
    text = CONTROL_BUT_LINES.sub("", value)
    return "'" + text if needs_apostrophe(text) else text


class SafeTableExport(TableExport):
    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        rows = [tuple(safe_cell(cell) for cell in row) for row in dataset]
        dataset.headers = [safe_cell(header) for header in dataset.headers]
        del dataset[:]
        for row in rows:
            dataset.append(row)
        return dataset


class SafeExportMixin(ExportMixin):
    """CSV and XLSX exports of a django-tables2 view, neutralized against formulas, each
    logged in the access log (who, when, which list with which filters)."""

    export_class = SafeTableExport
    export_formats = (TableExport.CSV, TableExport.XLSX)

    def create_export(self, export_format):
        log_export(self.request, self.export_name, self.request.GET.urlencode())
        return super().create_export(export_format)


def log_export(request, what: str, detail: str = "") -> None:
    """One access-log row for an export of `what` (a list or an import format's data)."""
    from config.audit import log_access
    from members.models import AccessLog

    log_access(request, AccessLog.Action.EXPORT, object_type=what, detail=detail)
