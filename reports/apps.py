from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # What the report pages show beside the summary rows: the organizations and
        # enterprises they name (a new name, a ledger start), the targets and the imported or
        # closed yearly figures; and what the members list shows, the members (a name or a
        # card number corrected without any event). Saving or deleting one changes the
        # version the pages are remembered under (SummaryVersion); bulk writes call
        # bump_version themselves (the members import through summaries.apply).
        from django.db.models.signals import post_delete, post_save

        from members.models import Member
        from organizations.models import Enterprise, PartyOrganization
        from reports.models import Target, YearlyFigure
        from reports.summaries import bump_version_on_save

        for model in (PartyOrganization, Enterprise, Target, YearlyFigure, Member):
            post_save.connect(bump_version_on_save, sender=model, dispatch_uid=f"version-{model}")
            post_delete.connect(bump_version_on_save, sender=model, dispatch_uid=f"v-del-{model}")
