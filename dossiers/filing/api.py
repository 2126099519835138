"""REST API v1 of filing (docs/api.md §4, §8): adding an attachment to a draft — uploaded, or
reused from the personal data store — submitting it, and the store itself (`my/documents/`)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt import ratelimit
from dvctt.api_schema import api_errors
from dvctt.input_cleaning import CleanJSONParser

from .. import selectors
from ..api import AttachmentSerializer, DossierDetailSerializer, dossier_detail_response
from . import services as filing_services
from . import store


class DossierAttachmentApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, CleanJSONParser]

    class AttachmentInput(serializers.Serializer):
        component = serializers.IntegerField()
        file = serializers.FileField(allow_empty_file=True)

    class ReuseInput(serializers.Serializer):
        component = serializers.IntegerField()
        # An id of GET my/documents/ ("result-<uuid>" or "attachment-<uuid>").
        stored_document = serializers.CharField(max_length=80)

    @extend_schema(
        request={"multipart/form-data": AttachmentInput, "application/json": ReuseInput},
        responses={201: AttachmentSerializer, **api_errors(409, 429)},
        operation_id="dossiers_attachments_create",
    )
    def post(self, request, dossier_id):
        dossier = selectors.dossier_get_for_citizen(user=request.user, dossier_id=dossier_id)
        ratelimit.check(request, "upload", account=str(request.user.pk))
        if request.content_type.startswith("application/json"):
            # Once-only (docs/api.md §10): the attachment refers to the stored file, no upload. (The
            # media type decides, so a multipart body is not read before its size is checked.)
            reuse = self.ReuseInput(data=request.data)
            reuse.is_valid(raise_exception=True)
            attachment = filing_services.attachment_reuse(
                actor=request.user,
                dossier_id=dossier.pk,
                component_id=reuse.validated_data["component"],
                stored_document_id=reuse.validated_data["stored_document"],
            )
            return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
        filing_services.refuse_oversized_request(
            dossier=dossier, content_length=request.META.get("CONTENT_LENGTH")
        )
        data = self.AttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = filing_services.attachment_add(
            actor=request.user,
            dossier=dossier,
            component_id=data.validated_data["component"],
            upload=data.validated_data["file"],
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class StoredDocumentSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="result-<uuid> hoặc attachment-<uuid>")
    kind = serializers.ChoiceField(choices=[store.RESULT, store.ATTACHMENT])
    name = serializers.CharField()
    procedure = serializers.CharField()
    dossier_code = serializers.CharField()
    component = serializers.CharField(allow_null=True)
    issued_at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    signed = serializers.BooleanField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("dossiers:store_download", args=[obj.id])


class MyDocumentsApi(APIView):
    """The citizen's personal data store (docs/api.md §10), newest first."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    class FilterInput(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": 100},
                description="tên giấy tờ, thủ tục hoặc mã hồ sơ",
            )
        ],
        responses=StoredDocumentSerializer(many=True),
        operation_id="my_documents",
    )
    def get(self, request):
        filters = self.FilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = store.stored_documents_for_citizen(
            user=request.user, q=filters.validated_data.get("q", "")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(StoredDocumentSerializer(page, many=True).data)


class DossierSubmitApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        request=None,
        responses={200: DossierDetailSerializer, **api_errors(409)},
        operation_id="dossiers_submit",
    )
    def post(self, request, dossier_id):
        dossier = selectors.dossier_get_for_citizen(user=request.user, dossier_id=dossier_id)
        dossier = filing_services.dossier_submit(actor=request.user, dossier=dossier)
        return dossier_detail_response(request, dossier, fresh=True)
