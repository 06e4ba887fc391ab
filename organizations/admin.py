from django.contrib import admin

from config.admin import HistoryAdmin, LedgerReadOnlyAdmin
from organizations import services
from organizations.models import (
    Enterprise,
    OrganizationEvent,
    PartyOrganization,
    Profile,
    SubmissionReceipt,
    Zone,
)
from reports import summaries


@admin.register(Zone)
class ZoneAdmin(HistoryAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name"]


@admin.register(Enterprise)
class EnterpriseAdmin(HistoryAdmin):
    list_display = ["name", "zone", "ownership", "investor_country", "workforce"]
    list_filter = ["ownership", "zone"]
    search_fields = ["name"]
    list_select_related = ["zone"]

    def save_model(self, request, obj, form, change):
        services.enterprise_save(obj)


class OrganizationEventInline(admin.TabularInline):
    model = OrganizationEvent
    fk_name = "organization"
    extra = 0
    can_delete = False
    fields = ["kind", "date", "decision_number", "parent", "previous_parent", "other_unit"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        # Tree changes go through the services (establish, move, dissolve...), never raw rows.
        return False


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(HistoryAdmin):
    list_display = ["code", "name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["enterprise"]
    # Its place in the tree and its kind follow from the ledger (services), not from edits.
    readonly_fields = ["kind", "parent", "path", "is_active"]
    inlines = [OrganizationEventInline]

    def has_add_permission(self, request):
        return False  # organizations are established through the portal's forms or imports

    def save_model(self, request, obj, form, change):
        before = PartyOrganization.objects.get(pk=obj.pk).enterprise_id
        enterprises = {before, obj.enterprise_id} - {None}
        with summaries.track(organizations=[obj.pk], enterprises=enterprises):
            super().save_model(request, obj, form, change)


@admin.register(OrganizationEvent)
class OrganizationEventAdmin(LedgerReadOnlyAdmin, HistoryAdmin):
    list_display = ["organization", "kind", "date", "decision_number", "parent"]
    list_filter = ["kind"]
    search_fields = ["organization__code", "organization__name", "decision_number"]
    list_select_related = ["organization", "parent"]
    date_hierarchy = "date"
    raw_id_fields = ["organization", "parent", "previous_parent"]


@admin.register(Profile)
class ProfileAdmin(HistoryAdmin):
    list_display = ["user", "committee", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "committee__code"]
    autocomplete_fields = ["committee"]


@admin.register(SubmissionReceipt)
class SubmissionReceiptAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "url"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
