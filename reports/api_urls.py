"""API of service quality (docs/api.md: ratings, feedback, indicators)."""

from django.urls import URLPattern, URLResolver, path

from . import api
from .indicators_api import IndicatorsApi

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "dossiers/<uuid:dossier_id>/rating/",
        api.DossierRatingApi.as_view(),
        name="api-dossier-rating",
    ),
    path("feedback/", api.FeedbackListCreateApi.as_view(), name="api-feedback"),
    path("feedback/<str:code>/", api.FeedbackDetailApi.as_view(), name="api-feedback-detail"),
    path(
        "feedback/<str:code>/actions/<str:action>/",
        api.FeedbackActionApi.as_view(),
        name="api-feedback-action",
    ),
    path("indicators/", IndicatorsApi.as_view(), name="api-indicators"),
]
