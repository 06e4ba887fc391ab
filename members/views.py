import datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView

from config.audit import log_access
from config.dates import add_months, dmy, today
from config.exports import SafeExportMixin
from config.history import history_rows
from config.names import fold
from config.pagination import (
    BoundedLazyPaginator,
    BoundedTableMixin,
    BoundedTableView,
    KeysetPaginator,
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
    MemberCorrectionForm,
    RemoveForm,
    TransferInForm,
    TransferOutForm,
)
from members.models import AccessLog, Candidate, Member, MemberEvent, Status
from members.tables import CandidateTable, DueTable, MemberTable
from organizations.scope import own_committee
from reports import summaries


class MemberListView(
    RememberedListMixin, ScopedQuerysetMixin, SafeExportMixin, BoundedTableMixin, FilterView
):
    queryset = Member.objects.select_related("organization")
    filterset_class = MemberFilterSet
    table_class = MemberTable
    # No COUNT(*), and pages that go on from the last row shown: row 5,000,000 comes as fast
    # as row 1 (see config.pagination).
    paginator_class = KeysetPaginator
    table_pagination = {"per_page": 50}
    template_name = "members/member_list.html"
    export_name = "dang-vien"
    # Beyond this many rows a filtered list says "more than": counting millions is no answer.
    COUNT_LIMIT = 10_000

    def remembered_context(self):
        return {"total": SimpleLazyObject(self.total), "count_limit": self.COUNT_LIMIT}

    def total(self) -> tuple[int, bool]:
        # Asked inside the fragment, after the filter set is built (`filtered`).
        """How many members the list holds: the committee's figure from the summary rows when
        nothing narrows the default list, else a count that stops past COUNT_LIMIT."""
        committee = own_committee(self.request.user)
        filterset = self.filtered
        if committee is not None and filterset.is_unfiltered():
            return summaries.totals_of([committee.pk], today())[committee.pk]["party_members"], True
        found = filterset.qs.order_by().values("pk")[: self.COUNT_LIMIT + 1].count()
        return min(found, self.COUNT_LIMIT), found <= self.COUNT_LIMIT


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
        # Only the committee's own events get a correction link (the rest answer 404).
        own = MemberEvent.objects.correctable_by(self.request.user).filter(pk=OuterRef("pk"))
        context["events"] = (
            self.object.events.select_related("organization")
            .annotate(correctable=Exists(own))
            .order_by("-date", "-pk")
        )
        context["history"] = history_rows(self.object)
        return context


class MemberFormView(ServiceFormView):
    """Member forms share one template, with the way back to the list or the member."""

    template_name = "members/event_form.html"


def check_new_person(user, data) -> None:
    """A new person with the name and birth date of a member in the user's scope is most
    often that member entered twice: saved only once the clerk confirms (`different_person`).
    Checked in the write, after the repeated-form check, so a double click is not asked."""
    confirmed = data.pop("different_person", False)
    name, born = " ".join(data.get("full_name", "").split()), data.get("birth_date")
    if confirmed or not (name and born):
        return
    same = Member.objects.for_user(user).filter(search_key=fold(name), birth_date=born)
    for identifier in ("national_id", "card_number"):
        # The same identifiers: the person coming back, whom the service continues.
        if data.get(identifier):
            same = same.exclude(**{identifier: data[identifier]})
    same = same.select_related("organization").first()
    if same is not None:
        message = _(
            "%(name)s, born %(born)s, is already a member (%(organization)s). If this is "
            "another person, tick this box and save again."
        ) % {"name": same.full_name, "born": dmy(born), "organization": same.organization}
        raise ValidationError({"different_person": message}, code="same_person")


class MemberAdmitView(MemberFormView):
    form_class = AdmitForm

    title = gettext_lazy("Admit a new member")

    success_message = gettext_lazy("%(name)s has been admitted.")

    def perform(self, data):
        check_new_person(self.request.user, data)
        return services.member_admit(**data)


class MemberTransferInView(MemberAdmitView):
    form_class = TransferInForm

    title = gettext_lazy("Transfer a member in")

    success_message = gettext_lazy("%(name)s has been transferred in.")

    def perform(self, data):
        check_new_person(self.request.user, data)
        return services.member_transfer_in(**data)


class MemberActionView(ObjectServiceFormView):
    """An event on one existing member of the user's scope."""

    template_name = "members/event_form.html"
    model = Member
    service_argument = context_name = "member"


class MemberCorrectView(MemberActionView):
    """Correct a member's personal details (name, identifiers, attributes), with a reason."""

    form_class = MemberCorrectionForm
    service = staticmethod(services.member_correct)
    success_message = gettext_lazy("The details of %(name)s have been corrected.")
    title = gettext_lazy("Correct the personal details")
    edits_target = True

    def get_initial(self):
        return {name: getattr(self.target, name) for name in services.PERSONAL_DETAILS}


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
    queryset = Candidate.objects.select_related("organization", "introduced_by", "member")
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
            MemberEvent.objects.correctable_by(request.user).select_related("member"),
            pk=kwargs["pk"],
        )
        self.member = self.event.member
        return super().dispatch(request, *args, **kwargs)

    def edited_record(self):
        return self.event

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
