from dal import autocomplete
from django.db.models import Q

from organizations.models import Enterprise, PartyOrganization


class OrganizationAutocomplete(autocomplete.Select2QuerySetView):
    """Organizations in the user's scope matching what was typed (code or name)."""

    def get_queryset(self):
        organizations = PartyOrganization.objects.for_user(self.request.user).filter(is_active=True)
        if kinds := self.forwarded.get("kinds"):
            organizations = organizations.filter(kind__in=kinds)
        if self.q:
            organizations = organizations.filter(
                Q(code__icontains=self.q) | Q(name__icontains=self.q)
            )
        return organizations.order_by("name")


class EnterpriseAutocomplete(autocomplete.Select2QuerySetView):
    """Enterprises in the zones of the user's committee matching what was typed."""

    def get_queryset(self):
        enterprises = Enterprise.objects.for_user(self.request.user)
        if self.q:
            enterprises = enterprises.filter(name__icontains=self.q)
        return enterprises.order_by("name")
