from django.urls import path

from reports import import_views, views

app_name = "reports"
urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("growth/", views.GrowthView.as_view(), name="growth"),
    path("targets/", views.TargetReportView.as_view(), name="targets"),
    path("years/", views.YearsView.as_view(), name="years"),
    path("composition/", views.CompositionView.as_view(), name="composition"),
    path("years/close/", views.CloseYearView.as_view(), name="close_year"),
    path("reconcile/", views.ReconcileView.as_view(), name="reconcile"),
    path("target-entries/", views.TargetListView.as_view(), name="target_list"),
    path("target-entries/new/", views.TargetCreateView.as_view(), name="target_create"),
    path("target-entries/<int:pk>/", views.TargetUpdateView.as_view(), name="target_update"),
    path("imports/", import_views.ImportListView.as_view(), name="import_list"),
    path("imports/new/", import_views.ImportCreateView.as_view(), name="import_create"),
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="import_detail"),
    path(
        "imports/<int:pk>/progress/",
        import_views.ImportProgressView.as_view(),
        name="import_progress",
    ),
    path(
        "imports/<int:pk>/confirm/", import_views.ImportConfirmView.as_view(), name="import_confirm"
    ),
    path("imports/<int:pk>/cancel/", import_views.ImportCancelView.as_view(), name="import_cancel"),
    path(
        "imports/template/<slug:name>/",
        import_views.ImportTemplateView.as_view(),
        name="import_template",
    ),
    path(
        "imports/export/<slug:name>/", import_views.ImportExportView.as_view(), name="import_export"
    ),
]
