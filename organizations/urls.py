from django.urls import path

from organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.PartyOrganizationListView.as_view(), name="organization_list"),
    path("establish/", views.OrganizationEstablishView.as_view(), name="organization_establish"),
    path("receive/", views.OrganizationReceiveView.as_view(), name="organization_receive"),
    path("<int:pk>/", views.PartyOrganizationDetailView.as_view(), name="organization_detail"),
    path(
        "<int:pk>/dissolve/", views.OrganizationDissolveView.as_view(), name="organization_dissolve"
    ),
    path("<int:pk>/rename/", views.OrganizationRenameView.as_view(), name="organization_rename"),
    path("<int:pk>/move/", views.OrganizationMoveView.as_view(), name="organization_move"),
    path(
        "<int:pk>/transfer-out/",
        views.OrganizationTransferOutView.as_view(),
        name="organization_transfer_out",
    ),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/new/", views.EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("enterprises/<int:pk>/", views.EnterpriseUpdateView.as_view(), name="enterprise_update"),
    path(
        "autocomplete/", views.OrganizationAutocomplete.as_view(), name="organization_autocomplete"
    ),
    path(
        "enterprises/autocomplete/",
        views.EnterpriseAutocomplete.as_view(),
        name="enterprise_autocomplete",
    ),
    path("zones/autocomplete/", views.ZoneAutocomplete.as_view(), name="zone_autocomplete"),
    path(
        "committees/autocomplete/",
        views.CommitteeCodeAutocomplete.as_view(),
        name="committee_code_autocomplete",
    ),
]
