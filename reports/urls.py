"""Pages of service quality (docs/api.md §3)."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("thong-ke/", views.public_statistics, name="statistics"),
    path("can-bo/chi-so/", views.dashboard, name="dashboard"),
]
