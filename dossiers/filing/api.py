"""REST API v1 of filing (API.md §4): adding an attachment to a draft, submitting it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt import ratelimit
from dvctt.api_schema import api_errors

from .. import selectors
from ..api import AttachmentSerializer, DossierDetailSerializer, dossier_detail_response
from . import services as filing_services


class DossierAttachmentApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    class AttachmentInput(serializers.Serializer):
        component = serializers.IntegerField()
        file = serializers.FileField(allow_empty_file=True)

    @extend_schema(
        request={"multipart/form-data": AttachmentInput},
        responses={201: AttachmentSerializer, **api_errors(409, 429)},
        operation_id="dossiers_attachments_create",
    )
    def post(self, request, dossier_id):
        dossier = selectors.dossier_get_for_citizen(user=request.user, dossier_id=dossier_id)
        ratelimit.check(request, "upload", account=str(request.user.pk))
        filing_services.refuse_oversized_request(
            dossier=dossier, content_length=request.META.get("CONTENT_LENGTH")
        )
        data = self.AttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = filing_services.attachment_add(
            actor=request.user,
            dossier_id=dossier.pk,
            component_id=data.validated_data["component"],
            upload=data.validated_data["file"],
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


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
        dossier = filing_services.dossier_submit(actor=request.user, dossier_id=dossier.pk)
        return dossier_detail_response(request, dossier)
