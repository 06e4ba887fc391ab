from dal import autocomplete
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView

from config.history import history_rows
from config.names import search_names
from config.pagination import BoundedTableMixin, KeysetPaginator
from config.views import (
    ObjectServiceFormView,
    ScopedModelFormMixin,
    ScopedQuerysetMixin,
    ServiceFormView,
)
from members.models import ACTIVE_STATUSES, Member
from organizations import services
from organizations.filters import EnterpriseFilterSet, PartyOrganizationFilterSet
from organizations.forms import (
    DissolveForm,
    EnterpriseForm,
    EstablishForm,
    MoveForm,
    OrganizationTransferOutForm,
    ReceiveForm,
    RenameForm,
)
from organizations.models import Enterprise, PartyOrganization, Zone
from organizations.scope import committee_path
from organizations.tables import EnterpriseTable, PartyOrganizationTable
from unions.models import MassOrganization


class OrganizationAutocomplete(autocomplete.Select2QuerySetView):
    """Organizations in the user's scope matching what was typed (code or name)."""

    def get_queryset(self):
        organizations = PartyOrganization.objects.for_user(self.request.user).filter(is_active=True)
        if kinds := self.forwarded.get("kinds"):
            organizations = organizations.filter(kind__in=kinds)
        if self.q:
            organizations = search_names(organizations, self.q, codes=True)
        return organizations.order_by("name")


class CommitteeCodeAutocomplete(OrganizationAutocomplete):
    """Committees of the user's scope, identified by code (the reports' URLs use codes)."""

    def get_queryset(self):
        return super().get_queryset().committees()

    def get_result_value(self, result):
        return result.code


class EnterpriseAutocomplete(autocomplete.Select2QuerySetView):
    """Enterprises in the zones of the user's committee matching what was typed."""

    def get_queryset(self):
        enterprises = Enterprise.objects.for_user(self.request.user)
        if self.q:
            enterprises = search_names(enterprises, self.q)
        return enterprises.order_by("name")


class ZoneAutocomplete(autocomplete.Select2QuerySetView):
    def get_queryset(self):
        zones = Zone.objects.for_user(self.request.user)
        if self.q:
            zones = search_names(zones, self.q, codes=True)
        return zones.order_by("name")


def active_member_count():
    """Active members of each organization, counted row by row: only for the page's rows, where
    a COUNT over a join with GROUP BY would count the members of all 55,000 organizations
    before the first page could be shown."""
    members = (
        Member.objects.filter(organization=OuterRef("pk"), status__in=ACTIVE_STATUSES)
        .order_by()
        .values("organization")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(members), 0)


class PartyOrganizationListView(ScopedQuerysetMixin, BoundedTableMixin, FilterView):
    queryset = (
        PartyOrganization.objects.select_related("parent", "enterprise")
        .annotate(member_count=active_member_count())
        .order_by("path")
    )
    filterset_class = PartyOrganizationFilterSet
    table_class = PartyOrganizationTable
    # Tree order (path) by default; pages go on from the last row shown (config.pagination).
    paginator_class = KeysetPaginator
    table_pagination = {"per_page": 50}
    template_name = "organizations/partyorganization_list.html"


class PartyOrganizationDetailView(ScopedQuerysetMixin, DetailView):
    queryset = PartyOrganization.objects.select_related("parent", "enterprise", "zone")
    template_name = "organizations/partyorganization_detail.html"

    def get_context_data(self, **kwargs):
        organization = self.object
        return super().get_context_data(
            events=organization.events.select_related("parent", "previous_parent").order_by(
                "-date", "-pk"
            ),
            children=organization.children.order_by("code"),
            member_count=organization.members.filter(status__in=ACTIVE_STATUSES).count(),
            history=history_rows(organization),
            **kwargs,
        )


class OrganizationFormView(ServiceFormView):
    template_name = "organizations/action_form.html"


class OrganizationEstablishView(OrganizationFormView):
    form_class = EstablishForm
    title = gettext_lazy("Establish a Party organization")
    success_message = gettext_lazy("%(name)s has been established.")

    def perform(self, data):
        return services.organization_establish(**data)


class OrganizationReceiveView(OrganizationFormView):
    form_class = ReceiveForm
    title = gettext_lazy("Receive an organization from a district")
    success_message = gettext_lazy("%(name)s has been received.")

    def perform(self, data):
        return services.organization_receive(**data)


class OrganizationActionView(ObjectServiceFormView):
    """A change of one existing organization of the user's scope."""

    template_name = "organizations/action_form.html"
    model = PartyOrganization
    service_argument = context_name = "organization"

    def check_target(self):
        # Staff change what is under their committee, never the committee itself: moving or
        # transferring it out would take it out of their own scope.
        if committee_path(self.request.user) != "" and self.target.pk == getattr(
            self.request.user.profile, "committee_id", None
        ):
            raise PermissionDenied


class OrganizationRenameView(OrganizationActionView):
    form_class = RenameForm
    service = staticmethod(services.organization_rename)
    title = gettext_lazy("Rename")
    success_message = gettext_lazy("The organization is now named %(name)s.")
    edits_target = True

    def get_initial(self):
        return {"name": self.target.name}


class OrganizationDissolveView(OrganizationActionView):
    form_class = DissolveForm
    service = staticmethod(services.organization_dissolve)
    title = gettext_lazy("Dissolve")
    success_message = gettext_lazy("The dissolution of %(name)s has been recorded.")


class OrganizationMoveView(OrganizationActionView):
    form_class = MoveForm
    service = staticmethod(services.organization_move)
    title = gettext_lazy("Move under another organization")
    success_message = gettext_lazy("%(name)s has been moved.")


class OrganizationTransferOutView(OrganizationActionView):
    form_class = OrganizationTransferOutForm
    service = staticmethod(services.organization_transfer_out)
    title = gettext_lazy("Transfer out")
    success_message = gettext_lazy("%(name)s has been transferred out.")

    def perform(self, data):
        # A transferred organization leaves the user's scope by design: show it from here.
        services.organization_transfer_out(organization=self.target, **data)
        return self.target.parent


def with_coverage(enterprises):
    """Whether each enterprise has a Party organization, a trade union and a youth union."""
    unions = MassOrganization.objects.filter(enterprise=OuterRef("pk"), dissolved_on__isnull=True)
    return enterprises.annotate(
        has_party_organization=Exists(
            PartyOrganization.objects.filter(enterprise=OuterRef("pk"), is_active=True)
        ),
        has_trade_union=Exists(unions.filter(kind=MassOrganization.Kind.TRADE_UNION)),
        has_youth_union=Exists(unions.filter(kind=MassOrganization.Kind.YOUTH_UNION)),
    )


class EnterpriseListView(ScopedQuerysetMixin, BoundedTableMixin, FilterView):
    filterset_class = EnterpriseFilterSet
    table_class = EnterpriseTable
    # The coverage is computed for the page's rows only (config.pagination).
    paginator_class = KeysetPaginator
    table_pagination = {"per_page": 50}
    template_name = "organizations/enterprise_list.html"

    def get_queryset(self):
        return with_coverage(super().get_queryset().select_related("zone")).order_by("name")

    queryset = Enterprise.objects.all()


class EnterpriseFormMixin(ScopedModelFormMixin):
    # A new enterprise is in scope once the committee has an organization in its zone, so
    # staff register enterprises only in such zones.
    model = Enterprise
    form_class = EnterpriseForm
    template_name = "organizations/enterprise_form.html"
    list_url = "organizations:enterprise_list"

    def save_form(self, form):
        # Through the service, which keeps the summary rows in step (the form has no m2m).
        return services.enterprise_save(form.save(commit=False))


class EnterpriseCreateView(EnterpriseFormMixin, CreateView):
    pass


class EnterpriseUpdateView(EnterpriseFormMixin, ScopedQuerysetMixin, UpdateView):
    pass
