from django.urls import path

from . import api
from .filing import api as filing_api
from .papers import api as papers_api
from .workflow import api as workflow_api

urlpatterns = [
    path("dossiers/", api.DossierListCreateApi.as_view(), name="api-dossiers"),
    path("dossiers/<uuid:dossier_id>/", api.DossierDetailApi.as_view(), name="api-dossier"),
    path(
        "dossiers/<uuid:dossier_id>/attachments/",
        filing_api.DossierAttachmentApi.as_view(),
        name="api-dossier-attachments",
    ),
    path(
        "dossiers/<uuid:dossier_id>/submit/",
        filing_api.DossierSubmitApi.as_view(),
        name="api-dossier-submit",
    ),
    path(
        "dossiers/<uuid:dossier_id>/actions/<str:action>/",
        workflow_api.DossierActionApi.as_view(),
        name="api-dossier-action",
    ),
    path("tracking/", api.TrackingApi.as_view(), name="api-tracking"),
    path("my/documents/", filing_api.MyDocumentsApi.as_view(), name="api-my-documents"),
]

urlpatterns += [
    path(
        "dossiers/<uuid:dossier_id>/documents/<str:kind>/",
        papers_api.DossierDocumentApi.as_view(),
        name="api-dossier-document",
    ),
    path("register/", papers_api.RegisterApi.as_view(), name="api-register"),
]
