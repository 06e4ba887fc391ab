from dal import autocomplete

from unions.models import MassOrganization


class MassOrganizationAutocomplete(autocomplete.Select2QuerySetView):
    """Trade and youth unions in the user's scope that are still active."""

    def get_queryset(self):
        unions = MassOrganization.objects.for_user(self.request.user).filter(
            dissolved_on__isnull=True
        )
        if self.q:
            unions = unions.filter(name__icontains=self.q)
        return unions.order_by("name")
