import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView

from config.audit import log_access
from config.dates import add_months, today
from config.exports import SafeExportMixin
from config.history import history_rows
from config.pagination import (
    BoundedLazyPaginator,
    BoundedTableMixin,
    BoundedTableView,
    KeysetPaginator,
    NameKey,
)
from config.views import (
    ObjectServiceFormView,
    RememberedListMixin,
    ScopedModelFormMixin,
    ScopedQuerysetMixin,
    ServiceFormView,
)
from members import services
from members.filters import CandidateFilterSet, MemberFilterSet
from members.forms import (
    AdmitForm,
    CandidateAdmitForm,
    CandidateForm,
    EventCorrectionForm,
    MakeOfficialForm,
    RemoveForm,
    TransferInForm,
    TransferOutForm,
)
from members.models import AccessLog, Candidate, Member, MemberEvent, Status
from members.tables import CandidateTable, DueTable, MemberTable


class MemberListView(
    RememberedListMixin, ScopedQuerysetMixin, SafeExportMixin, BoundedTableMixin, FilterView
):
    queryset = Member.objects.select_related("organization").annotate(name_key=NameKey("full_name"))
    filterset_class = MemberFilterSet
    table_class = MemberTable
    # No COUNT(*), and pages that go on from the last row shown: row 5,000,000 comes as fast
    # as row 1 (see config.pagination).
    paginator_class = KeysetPaginator
    table_pagination = {"per_page": 50}
    template_name = "members/member_list.html"
    export_name = "dang-vien"


class MemberDetailView(ScopedQuerysetMixin, DetailView):
    queryset = Member.objects.select_related("organization")
    template_name = "members/member_detail.html"

    def get_object(self, queryset=None):
        member = super().get_object(queryset)
        log_access(
            self.request,
            AccessLog.Action.VIEW,
            member=member,
            object_type=Member._meta.label_lower,
            object_id=member.pk,
        )
        return member

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = self.object.events.select_related("organization").order_by(
            "-date", "-pk"
        )
        context["history"] = history_rows(self.object)
        return context


class MemberFormView(ServiceFormView):
    """Member forms share one template, with the way back to the list or the member."""

    template_name = "members/event_form.html"


class MemberAdmitView(MemberFormView):
    form_class = AdmitForm

    title = gettext_lazy("Admit a new member")

    success_message = gettext_lazy("%(name)s has been admitted.")

    def perform(self, data):
        return services.member_admit(**data)


class MemberTransferInView(MemberAdmitView):
    form_class = TransferInForm

    title = gettext_lazy("Transfer a member in")

    success_message = gettext_lazy("%(name)s has been transferred in.")

    def perform(self, data):
        return services.member_transfer_in(**data)


class MemberActionView(ObjectServiceFormView):
    """An event on one existing member of the user's scope."""

    template_name = "members/event_form.html"
    model = Member
    service_argument = context_name = "member"


class MemberMakeOfficialView(MemberActionView):
    form_class = MakeOfficialForm
    service = staticmethod(services.member_make_official)
    success_message = gettext_lazy("%(name)s is now an official member.")

    title = gettext_lazy("Make official")

    def get_initial(self):
        return {"date": max(self.target.official_due_on or today(), today())}


class MemberTransferOutView(MemberActionView):
    form_class = TransferOutForm
    service = staticmethod(services.member_transfer_out)
    success_message = gettext_lazy("%(name)s has been transferred out.")

    title = gettext_lazy("Transfer out")


class MemberRemoveView(MemberActionView):
    form_class = RemoveForm
    service = staticmethod(services.member_remove)
    success_message = gettext_lazy("The removal of %(name)s has been recorded.")

    title = gettext_lazy("Died, struck off, expelled or left")


class DueListView(ScopedQuerysetMixin, BoundedTableView):
    """Probationary members whose 12 months end within 30 days or have passed."""

    queryset = Member.objects.select_related("organization")
    table_class = DueTable
    template_name = "members/due_list.html"
    # One page read at a time, never counted (the whole list used to be loaded for each page).
    paginator_class = BoundedLazyPaginator
    table_pagination = {"per_page": 100}

    def get_queryset(self):
        # Admitted on or before this day a year ago plus 30 days: due within 30 days or overdue.
        limit = add_months(today() + datetime.timedelta(days=30), -12)
        return (
            super()
            .get_queryset()
            .filter(status=Status.PROBATIONARY, admitted_on__lte=limit)
            .order_by("organization__name", "admitted_on")
        )


class CandidateListView(ScopedQuerysetMixin, BoundedTableMixin, FilterView):
    queryset = Candidate.objects.select_related("organization", "introduced_by", "member").annotate(
        name_key=NameKey("full_name")
    )
    filterset_class = CandidateFilterSet
    table_class = CandidateTable
    paginator_class = KeysetPaginator
    table_pagination = {"per_page": 50}
    template_name = "members/candidate_list.html"


class CandidateFormMixin(ScopedModelFormMixin):
    model = Candidate
    form_class = CandidateForm
    template_name = "members/candidate_form.html"
    list_url = "members:candidate_list"


class CandidateCreateView(CandidateFormMixin, CreateView):
    pass


class CandidateUpdateView(CandidateFormMixin, ScopedQuerysetMixin, UpdateView):
    pass


class CandidateAdmitView(MemberFormView):
    """Admit a verified candidate: the new member is linked to the candidate."""

    form_class = CandidateAdmitForm
    success_message = gettext_lazy("%(name)s has been admitted.")

    title = gettext_lazy("Admit an outstanding candidate")

    def dispatch(self, request, *args, **kwargs):
        self.candidate = get_object_or_404(
            Candidate.objects.for_user(request.user).filter(member__isnull=True), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        candidate = self.candidate
        return {
            "full_name": candidate.full_name,
            "gender": candidate.gender,
            "birth_date": candidate.birth_date,
            "national_id": candidate.national_id,
            "date": today(),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(candidate=self.candidate, **kwargs)

    def perform(self, data):
        return services.member_admit(
            organization=self.candidate.organization, candidate=self.candidate, **data
        )


class MemberEventCorrectView(MemberFormView):
    """Correct a wrongly entered event of a member in the user's scope."""

    form_class = EventCorrectionForm
    title = gettext_lazy("Correct an event")
    success_message = gettext_lazy("The event of %(name)s has been corrected.")

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(
            MemberEvent.objects.select_related("member").filter(
                member__in=Member.objects.for_user(request.user)
            ),
            pk=kwargs["pk"],
        )
        self.member = self.event.member
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        event = self.event
        return {
            "date": event.date,
            "decision_number": event.decision_number,
            "other_unit": event.other_unit,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, event=self.event, **kwargs)

    def perform(self, data):
        services.member_event_correct(event=self.event, **data)
        return self.member
