from reports.importing.command import ImportCommand


class Command(ImportCommand):
    help = "Import members from a CSV or XLSX file (all rows or none)."
    format_name = "members"
