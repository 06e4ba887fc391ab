from reports.importing.command import ImportCommand


class Command(ImportCommand):
    help = "Import organizations from a CSV or XLSX file (all rows or none)."
    format_name = "organizations"
