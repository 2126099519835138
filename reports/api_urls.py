"""API of service quality (docs/api.md: ratings, feedback, indicators)."""

from django.urls import URLPattern, URLResolver, path

from .api import IndicatorsApi

urlpatterns: list[URLPattern | URLResolver] = [
    path("indicators/", IndicatorsApi.as_view(), name="api-indicators"),
]
