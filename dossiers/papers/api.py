"""REST API of papers (docs/api.md §4): `dossiers/{id}/documents/{kind}/` and `register/`."""

from __future__ import annotations

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from dvctt.errors import InvalidInput

from .. import selectors
from . import documents, register
from .registry import PAPERS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def document_response(document, *, filename: str) -> FileResponse:
    """Send a stored paper inline as PDF, never cached by shared caches."""
    response = FileResponse(
        document.file.open("rb"), content_type="application/pdf", filename=filename
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-SHA256"] = document.sha256
    return response


def document_filename(dossier, kind: str) -> str:
    """Return the download name of a paper: the dossier code and the kind."""
    return f"{dossier.code or dossier.pk}-{kind}.pdf"


class DossierDocumentApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(PAPERS)),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        operation_id="dossiers_document",
    )
    def get(self, request, dossier_id, kind):
        dossier = selectors.dossier_get_for_user(user=request.user, dossier_id=dossier_id)
        document = documents.document_get(
            dossier=dossier, kind=kind, for_citizen=dossier.applicant_id == request.user.pk
        )
        return document_response(document, filename=document_filename(dossier, kind))


class RegisterApi(APIView):
    permission_classes = [IsAuthenticated]

    class RegisterInput(serializers.Serializer):
        # `from` is a Python keyword, hence the source mapping below.
        date_from = serializers.DateField(input_formats=["%Y-%m-%d"])
        date_to = serializers.DateField(input_formats=["%Y-%m-%d"])
        format = serializers.ChoiceField(choices=["csv", "xlsx"], default="csv")

        def validate(self, attrs):
            if attrs["date_from"] > attrs["date_to"]:
                raise serializers.ValidationError(
                    {"to": [_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")]}
                )
            return attrs

    def perform_content_negotiation(self, request, force=False):
        # `format` names the file format here, not a DRF renderer: errors still answer JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("format", str, enum=["csv", "xlsx"]),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX): OpenApiTypes.BINARY,
        },
        operation_id="register",
    )
    def get(self, request):
        agency_ids = register.register_agency_ids(user=request.user)
        params = request.query_params
        data = self.RegisterInput(
            data={
                "date_from": params.get("from", ""),
                "date_to": params.get("to", ""),
                "format": params.get("format") or "csv",
            }
        )
        if not data.is_valid():
            names = {"date_from": "from", "date_to": "to"}
            raise InvalidInput(
                _("Khoảng thời gian không hợp lệ: nhập ngày theo dạng YYYY-MM-DD."),
                fields={names.get(k, k): [str(m) for m in v] for k, v in data.errors.items()},
            )
        period = {
            "agency_ids": agency_ids,
            "date_from": data.validated_data["date_from"],
            "date_to": data.validated_data["date_to"],
        }
        report = register.register_report(**period)
        if data.validated_data["format"] == "xlsx":
            return report.xlsx_response()
        # Streamed a line at a time: a year of a big agency never sits in memory.
        response = StreamingHttpResponse(report.csv_lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{report.filename}.csv"'
        return response
