"""API of service quality (docs/api.md: ratings, feedback, indicators)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
