from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # The organizations and enterprises the reports name: renaming one, or changing its
        # ledger start, changes what a remembered report page shows (SummaryVersion).
        from django.db.models.signals import post_delete, post_save

        from organizations.models import Enterprise, PartyOrganization
        from reports.summaries import bump_version_on_save

        for model in (PartyOrganization, Enterprise):
            post_save.connect(bump_version_on_save, sender=model, dispatch_uid=f"version-{model}")
            post_delete.connect(bump_version_on_save, sender=model, dispatch_uid=f"v-del-{model}")
