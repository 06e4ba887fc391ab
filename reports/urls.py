from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("growth/", views.GrowthView.as_view(), name="growth"),
]
