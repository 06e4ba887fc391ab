from django.urls import path

from unions import views

app_name = "unions"
urlpatterns = [
    path("autocomplete/", views.MassOrganizationAutocomplete.as_view(), name="union_autocomplete"),
]
