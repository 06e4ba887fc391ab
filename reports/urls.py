from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("growth/", views.GrowthView.as_view(), name="growth"),
    path("targets/", views.TargetReportView.as_view(), name="targets"),
    path("years/", views.YearsView.as_view(), name="years"),
    path("years/close/", views.CloseYearView.as_view(), name="close_year"),
    path("reconcile/", views.ReconcileView.as_view(), name="reconcile"),
    path("target-entries/", views.TargetListView.as_view(), name="target_list"),
    path("target-entries/new/", views.TargetCreateView.as_view(), name="target_create"),
    path("target-entries/<int:pk>/", views.TargetUpdateView.as_view(), name="target_update"),
]
