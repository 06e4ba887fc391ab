from django.contrib import admin

from config.admin import HistoryAdmin, LedgerReadOnlyAdmin
from unions.models import Headcount, MassOrganization


class HeadcountInline(LedgerReadOnlyAdmin, admin.TabularInline):
    model = Headcount
    extra = 0


@admin.register(MassOrganization)
class MassOrganizationAdmin(LedgerReadOnlyAdmin, HistoryAdmin):
    list_display = ["name", "kind", "level", "party_committee", "founded_on", "dissolved_on"]
    list_filter = ["kind", "level"]
    search_fields = ["name"]
    list_select_related = ["party_committee"]
    raw_id_fields = ["enterprise", "party_committee"]
    inlines = [HeadcountInline]


@admin.register(Headcount)
class HeadcountAdmin(LedgerReadOnlyAdmin, HistoryAdmin):
    list_display = ["organization", "date", "members", "recruited"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]
    date_hierarchy = "date"
