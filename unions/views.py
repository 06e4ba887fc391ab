from dal import autocomplete
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView
from django_filters.views import FilterView

from config.history import history_rows
from config.names import search_names
from config.pagination import BoundedLazyPaginator, BoundedTableMixin
from config.views import ObjectServiceFormView, ScopedQuerysetMixin, ServiceFormView
from unions import services
from unions.filters import MassOrganizationFilterSet
from unions.forms import DissolveUnionForm, FoundForm, HeadcountForm
from unions.models import Headcount, MassOrganization
from unions.tables import HeadcountTable, MassOrganizationTable


class MassOrganizationAutocomplete(autocomplete.Select2QuerySetView):
    """Trade and youth unions in the user's scope that are still active."""

    def get_queryset(self):
        unions = MassOrganization.objects.for_user(self.request.user).filter(
            dissolved_on__isnull=True
        )
        if self.q:
            unions = search_names(unions, self.q)
        return unions.order_by("name")


def with_latest_count(unions):
    latest = Headcount.objects.filter(organization=OuterRef("pk")).order_by("-date")
    return unions.annotate(
        latest_members=Subquery(latest.values("members")[:1]),
        latest_date=Subquery(latest.values("date")[:1]),
    )


class MassOrganizationListView(ScopedQuerysetMixin, BoundedTableMixin, FilterView):
    queryset = MassOrganization.objects.select_related("party_committee")
    filterset_class = MassOrganizationFilterSet
    table_class = MassOrganizationTable
    paginator_class = BoundedLazyPaginator
    table_pagination = {"per_page": 50}
    template_name = "unions/massorganization_list.html"

    def get_queryset(self):
        return with_latest_count(super().get_queryset()).order_by("kind", "name")


class MassOrganizationDetailView(ScopedQuerysetMixin, DetailView):
    queryset = MassOrganization.objects.select_related("party_committee", "enterprise", "zone")
    template_name = "unions/massorganization_detail.html"

    def get_context_data(self, **kwargs):
        table = HeadcountTable(self.object.headcounts.order_by("-date"))
        history = history_rows(self.object)
        return super().get_context_data(headcounts=table, history=history, **kwargs)


class UnionFormView(ServiceFormView):
    template_name = "unions/action_form.html"


class MassOrganizationFoundView(UnionFormView):
    form_class = FoundForm
    title = gettext_lazy("Register a union organization")
    success_message = gettext_lazy("%(name)s has been registered.")

    def perform(self, data):
        return services.mass_organization_found(**data)


class UnionActionView(ObjectServiceFormView):
    """A change of one union organization of the user's scope."""

    template_name = "unions/action_form.html"
    model = MassOrganization
    service_argument = "organization"
    context_name = "union"


class HeadcountRecordView(UnionActionView):
    form_class = HeadcountForm
    service = staticmethod(services.headcount_record)
    title = gettext_lazy("Record a head count")
    success_message = gettext_lazy("The head count of %(name)s has been recorded.")


class MassOrganizationDissolveView(UnionActionView):
    form_class = DissolveUnionForm
    service = staticmethod(services.mass_organization_dissolve)
    title = gettext_lazy("Dissolve")
    success_message = gettext_lazy("The dissolution of %(name)s has been recorded.")
