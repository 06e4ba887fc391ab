from django.urls import path

from unions import views

app_name = "unions"
urlpatterns = [
    path("", views.MassOrganizationListView.as_view(), name="union_list"),
    path("new/", views.MassOrganizationFoundView.as_view(), name="union_create"),
    path("<int:pk>/", views.MassOrganizationDetailView.as_view(), name="union_detail"),
    path("<int:pk>/headcount/", views.HeadcountRecordView.as_view(), name="headcount_record"),
    path("<int:pk>/dissolve/", views.MassOrganizationDissolveView.as_view(), name="union_dissolve"),
    path("autocomplete/", views.MassOrganizationAutocomplete.as_view(), name="union_autocomplete"),
]
