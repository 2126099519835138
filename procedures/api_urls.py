from django.urls import path

from .api import ProcedureDetailApi, ProcedureListApi

urlpatterns = [
    path("procedures/", ProcedureListApi.as_view(), name="api-procedures"),
    path("procedures/<str:code>/", ProcedureDetailApi.as_view(), name="api-procedure-detail"),
]
