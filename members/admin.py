from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.admin import LedgerReadOnlyAdmin
from members.models import AccessLog, Candidate, Member, MemberEvent


class MemberEventInline(admin.TabularInline):
    model = MemberEvent
    extra = 0
    can_delete = False
    fields = ["kind", "date", "decision_number", "organization", "status_after", "ended_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        # Events go through the services (admit, make official, ...), which keep them consistent.
        return False


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "gender", "organization", "status", "admitted_on", "card_number"]
    list_filter = ["status", "gender"]
    search_fields = ["full_name", "card_number", "national_id"]
    list_select_related = ["organization"]
    readonly_fields = ["organization", "status", "admitted_on", "official_on"]
    show_full_result_count = False
    inlines = [MemberEventInline]


@admin.register(MemberEvent)
class MemberEventAdmin(LedgerReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["member", "kind", "date", "organization", "status_after"]
    list_filter = ["kind"]
    search_fields = ["member__full_name", "decision_number"]
    list_select_related = ["member", "organization"]
    raw_id_fields = ["member", "organization"]
    readonly_fields = ["ended_on"]
    date_hierarchy = "date"
    show_full_result_count = False


@admin.register(Candidate)
class CandidateAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "organization", "verification", "awareness_class_on", "member"]
    list_filter = ["verification"]
    search_fields = ["full_name", "national_id"]
    list_select_related = ["organization", "member"]
    raw_id_fields = ["organization", "enterprise", "introduced_by"]
    readonly_fields = ["member"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "member", "detail"]
    list_filter = ["action"]
    search_fields = ["user__username", "member__full_name"]
    list_select_related = ["user", "member"]
    date_hierarchy = "at"
    show_full_result_count = False

    # The log is evidence: nobody edits or deletes it from the admin.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
