"""API of service quality: the indicators (docs/api.md §9)."""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.errors import InvalidInput
from dvctt.exports import XLSX_CONTENT_TYPE

from .indicator_services import indicator_query_parse, indicators_compute, indicators_report

EXPORT_FORMATS = ("csv", "xlsx")


class _IgnoreFormat(BaseContentNegotiation):
    # `format=csv|xlsx` is the export of docs/api.md §9, not DRF's renderer override.
    def select_parser(self, request: Any, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


class IndicatorsApi(APIView):
    """Aggregates only: counts and ratios, never a person (public)."""

    permission_classes = [AllowAny]
    content_negotiation_class = _IgnoreFormat

    @extend_schema(
        operation_id="indicators_retrieve",
        summary="Chỉ số chất lượng phục vụ (Quyết định 766/QĐ-TTg)",
        parameters=[
            OpenApiParameter("scope", str, enum=["province", "agency", "procedure"]),
            OpenApiParameter("agency", str, description="mã cơ quan"),
            OpenApiParameter("procedure", str, description="mã thủ tục"),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("format", str, enum=list(EXPORT_FORMATS)),
        ],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        export = str(request.query_params.get("format") or "").strip()
        if "format" in request.query_params and export not in EXPORT_FORMATS:
            message = _("Định dạng xuất phải là csv hoặc xlsx.")
            raise InvalidInput(message, fields={"format": [message]})
        body = indicators_compute(indicator_query_parse(request.query_params))
        if export == "csv":
            return indicators_report(body).csv_response()
        if export == "xlsx":
            return indicators_report(body).xlsx_response()
        return Response(body)
