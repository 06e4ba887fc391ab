import django_filters
from django.utils.translation import gettext_lazy as _

from config.filters import YesNoFilter
from config.names import search_names
from organizations.models import Enterprise, PartyOrganization


class PartyOrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=PartyOrganization.Kind.choices, label=_("Kind"))
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = PartyOrganization
        fields = ["q", "kind", "is_active"]

    def search(self, queryset, name, value):
        return search_names(queryset, value, codes=True)


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    ownership = django_filters.ChoiceFilter(
        choices=Enterprise.Ownership.choices, label=_("Ownership")
    )
    has_party_organization = YesNoFilter(label=_("Has a Party organization"))

    class Meta:
        model = Enterprise
        fields = ["q", "ownership", "has_party_organization"]

    def search(self, queryset, name, value):
        return search_names(queryset, value)
