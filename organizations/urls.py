from django.urls import path

from organizations import views

app_name = "organizations"
urlpatterns = [
    path(
        "autocomplete/",
        views.OrganizationAutocomplete.as_view(),
        name="organization_autocomplete",
    ),
    path(
        "enterprises/autocomplete/",
        views.EnterpriseAutocomplete.as_view(),
        name="enterprise_autocomplete",
    ),
]
