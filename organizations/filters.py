import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.filters import YesNoFilter
from organizations.models import Enterprise, PartyOrganization


class PartyOrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=PartyOrganization.Kind.choices, label=_("Kind"))
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = PartyOrganization
        fields = ["q", "kind", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    ownership = django_filters.ChoiceFilter(
        choices=Enterprise.Ownership.choices, label=_("Ownership")
    )
    has_party_organization = YesNoFilter(label=_("Has a Party organization"))

    class Meta:
        model = Enterprise
        fields = ["q", "ownership", "has_party_organization"]
