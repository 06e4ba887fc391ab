"""The benchmark's URLs: the portal's, plus the floor and the naive dashboard figures.

Mounted only by bench/settings.py (ROOT_URLCONF), never by the portal's own URLconf.
"""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/floor/", views.floor, name="bench_floor"),
    path("bench/naive-dashboard/", views.naive_dashboard, name="bench_naive_dashboard"),
    path("", include("config.urls")),
]
