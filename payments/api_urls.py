from django.urls import path

from . import api

urlpatterns = [
    path(
        "dossiers/<uuid:dossier_id>/payments/",
        api.DossierPaymentStartApi.as_view(),
        name="api-dossier-payments",
    ),
]
