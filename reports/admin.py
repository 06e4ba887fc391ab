from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import Target, YearlyFigure


@admin.register(YearlyFigure)
class YearlyFigureAdmin(SimpleHistoryAdmin):
    list_display = ["committee", "as_of", "metric", "value", "source"]
    list_filter = ["metric", "source"]
    search_fields = ["committee__code", "committee__name"]
    list_select_related = ["committee"]
    raw_id_fields = ["committee"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["committee", "start_year", "end_year", "metric", "kind", "value"]
    list_filter = ["metric", "kind", "start_year"]
    list_select_related = ["committee"]
    raw_id_fields = ["committee"]
