"""Spreadsheet exports that cannot carry formulas (CSV/formula injection, OWASP).

A cell that starts with = + - @, a tab or a carriage return is read by Excel and LibreOffice
as a formula; prefixing it with an apostrophe makes it plain text. Numbers are left alone.
"""

from django_tables2.export import ExportMixin, TableExport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    # A text that already starts with an apostrophe and a formula character gets a second
    # apostrophe, so that an import that strips one gives the text back unchanged.
    if isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or (value[:1] == "'" and value[1:2] in FORMULA_STARTS)
    ):
        return "'" + value
    return value


def printable(value):
    """Without the control characters that XLSX cannot hold (and no spreadsheet shows)."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


class SafeTableExport(TableExport):
    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        rows = [tuple(neutralize(printable(cell)) for cell in row) for row in dataset]
        dataset.headers = [neutralize(header) for header in dataset.headers]
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
