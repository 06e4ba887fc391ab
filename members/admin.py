from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from config.admin import HistoryAdmin, LedgerReadOnlyAdmin, ReadOnlyAdmin
from config.forms import PortalForm
from members.models import AccessLog, Candidate, Member, MemberEvent
from members.services import member_erase
from reports import summaries


class ErasureForm(PortalForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the erasure"),
        max_length=255,
        help_text=gettext_lazy(
            "Kept in the access log: say who asked and on what basis, not the person's name."
        ),
    )


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
class MemberAdmin(HistoryAdmin):
    list_display = ["full_name", "gender", "organization", "status", "admitted_on", "card_number"]
    list_filter = ["status", "gender"]
    search_fields = ["full_name", "card_number", "national_id"]
    list_select_related = ["organization"]
    readonly_fields = ["organization", "status", "admitted_on", "official_on"]
    show_full_result_count = False
    inlines = [MemberEventInline]
    actions = ["erase_personal_data"]

    def save_model(self, request, obj, form, change):
        # Gender, birth date, ethnicity... are the composition's categories.
        with summaries.track(members=[obj.pk] if obj.pk else ()):
            super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Erase personal data (on the person's request)"))
    def erase_personal_data(self, request, queryset):
        """Asks for a reason on a confirmation page, then erases each selected member."""
        form = ErasureForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            for member in queryset:
                try:
                    member_erase(
                        member=member, user=request.user, reason=form.cleaned_data["reason"]
                    )
                except ValidationError as error:
                    self.message_user(request, "; ".join(error.messages), messages.ERROR)
                    return None
            self.message_user(
                request,
                ngettext(
                    "The personal data of %(count)d member were erased.",
                    "The personal data of %(count)d members were erased.",
                    len(queryset),
                )
                % {"count": len(queryset)},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/members/erase_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Erase personal data"),
                "members": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(MemberEvent)
class MemberEventAdmin(LedgerReadOnlyAdmin, HistoryAdmin):
    list_display = ["member", "kind", "date", "organization", "status_after"]
    list_filter = ["kind"]
    search_fields = ["member__full_name", "decision_number"]
    list_select_related = ["member", "organization"]
    raw_id_fields = ["member", "organization"]
    readonly_fields = ["ended_on"]
    date_hierarchy = "date"
    show_full_result_count = False


@admin.register(Candidate)
class CandidateAdmin(HistoryAdmin):
    list_display = ["full_name", "organization", "verification", "awareness_class_on", "member"]
    list_filter = ["verification"]
    search_fields = ["full_name", "national_id"]
    list_select_related = ["organization", "member"]
    raw_id_fields = ["organization", "enterprise", "introduced_by"]
    readonly_fields = ["member"]


# The log is evidence: nobody edits or deletes it from the admin.
@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["at", "user", "action", "object_type", "object_id", "member", "ip", "detail"]
    list_filter = ["action", "at", "object_type", ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "path", "object_id", "ip", "detail"]
    list_select_related = ["user", "member"]
    date_hierarchy = "at"
    show_full_result_count = False
