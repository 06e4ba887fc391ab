import django_filters
from django.utils.translation import gettext_lazy as _

from config.names import search_names
from unions.models import MassOrganization


class MassOrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=MassOrganization.Kind.choices, label=_("Kind"))
    level = django_filters.ChoiceFilter(choices=MassOrganization.Level.choices, label=_("Level"))

    class Meta:
        model = MassOrganization
        fields = ["q", "kind", "level"]

    def search(self, queryset, name, value):
        return search_names(queryset, value)
