from django.contrib import admin

from config.admin import HistoryAdmin, LedgerReadOnlyAdmin
from reports.models import (
    AgeSummary,
    CompositionSummary,
    ImportBatch,
    Summary,
    SummaryVersion,
    Target,
    YearlyFigure,
)


@admin.register(YearlyFigure)
class YearlyFigureAdmin(HistoryAdmin):
    list_display = ["committee", "as_of", "metric", "value", "source"]
    list_filter = ["metric", "source"]
    search_fields = ["committee__code", "committee__name"]
    list_select_related = ["committee"]
    raw_id_fields = ["committee"]


@admin.register(Target)
class TargetAdmin(HistoryAdmin):
    list_display = ["committee", "start_year", "end_year", "metric", "kind", "value"]
    list_filter = ["metric", "kind", "start_year"]
    list_select_related = ["committee"]
    raw_id_fields = ["committee"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Read-only: an import's record is what happened; it is changed only by the flow."""

    list_display = ["pk", "file_name", "format", "state", "created_by", "created_at"]
    list_filter = ["format", "state"]
    search_fields = ["file_name", "created_by__username"]
    list_select_related = ["created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SummaryRowAdmin(LedgerReadOnlyAdmin, admin.ModelAdmin):
    """Derived from the ledger (reports.summaries): shown to check, never edited."""

    list_select_related = ["organization"]
    date_hierarchy = "date"
    show_full_result_count = False


@admin.register(Summary)
class SummaryAdmin(SummaryRowAdmin):
    list_display = ["organization", "date", "party_members", "party_organizations"]


@admin.register(CompositionSummary)
class CompositionSummaryAdmin(SummaryRowAdmin):
    list_display = ["organization", "date", "m_gender_male", "m_gender_female"]


@admin.register(AgeSummary)
class AgeSummaryAdmin(SummaryRowAdmin):
    list_display = ["organization", "date", "m_age_band_up_to_30", "m_age_band_31_40"]


@admin.register(SummaryVersion)
class SummaryVersionAdmin(LedgerReadOnlyAdmin, admin.ModelAdmin):
    """Set by every change to the summary rows (reports.summaries.bump_version): shown, never
    edited."""

    list_display = ["value"]
