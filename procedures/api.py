"""REST API v1 of the catalogue (docs/api.md §4): search and detail."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .constants import OnlineMode
from .deadlines import days_value
from .pagination import CataloguePagination
from .selectors import (
    MAX_QUERY_LENGTH,
    CatalogueFilters,
    procedure_public_snapshot,
    procedures_search,
)


class CatalogueFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("từ khóa; không phân biệt dấu, hoa thường, chấp nhận lỗi gõ nhỏ"),
    )
    field = serializers.SlugField(required=False, allow_blank=True, help_text=_("mã lĩnh vực"))
    agency = serializers.CharField(required=False, allow_blank=True, max_length=30)
    level = serializers.CharField(required=False, allow_blank=True, max_length=50)
    online = serializers.ChoiceField(
        choices=OnlineMode.choices,
        required=False,
        allow_blank=True,
        error_messages={
            "invalid_choice": _(
                "“{input}” không phải mức độ trực tuyến hợp lệ (full, partial, none)."
            )
        },
    )


@extend_schema_field(OpenApiTypes.NUMBER)
class DaysSerializerField(serializers.Field):
    """A number of days: an integer, or a decimal for part of a day (0.5 = 4 working hours)."""

    def to_representation(self, value):
        return days_value(value)


class ProcedureListItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    field = serializers.CharField(source="field.name")
    field_code = serializers.CharField(source="field.code")
    levels = serializers.ListField(child=serializers.CharField())
    online_mode = serializers.CharField()
    processing_days = DaysSerializerField()
    version = serializers.IntegerField()


class CatalogueFeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.IntegerField(
        allow_null=True, help_text=_("đồng; null: địa phương quy định")
    )
    online_amount = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()
    case = serializers.IntegerField(allow_null=True)


class CatalogueComponentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    # the API field "required" shadows Field.required only on the class (DRF pops it)
    required = serializers.BooleanField()  # type: ignore[assignment]
    case = serializers.IntegerField()
    max_size_mb = serializers.IntegerField()
    kind = serializers.CharField()
    note = serializers.CharField()
    template_file = serializers.CharField()


class CatalogueCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    processing_days = DaysSerializerField(allow_null=True)
    components = CatalogueComponentSerializer(many=True)


class CatalogueAgencySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CatalogueStepSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    unit_code = serializers.CharField()
    duration_hours = serializers.IntegerField()
    # docs/api.md §4 names: unit, agency (a code, or null for the filing agency), hours.
    unit = serializers.CharField(source="unit_code")
    agency = serializers.CharField(allow_null=True, default=None)
    hours = serializers.IntegerField(source="duration_hours")


class ProcedureDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    field = serializers.CharField()
    field_code = serializers.CharField()
    levels = serializers.ListField(child=serializers.CharField())
    agency_type = serializers.CharField()
    online_mode = serializers.ChoiceField(choices=OnlineMode.choices)
    processing_days = DaysSerializerField()
    processing_calendar_days = serializers.BooleanField(default=False)
    online_processing_days = DaysSerializerField(allow_null=True, default=None)
    processing_note = serializers.CharField()
    result = serializers.CharField()
    conditions = serializers.CharField()
    legal_basis = serializers.ListField(child=serializers.CharField())
    paperless_only = serializers.BooleanField()
    fees = CatalogueFeeSerializer(many=True)
    cases = CatalogueCaseSerializer(many=True)
    components = CatalogueComponentSerializer(many=True)
    form_schema = serializers.JSONField(help_text=_("JSON Schema của tờ khai điện tử"))
    agencies = CatalogueAgencySerializer(many=True)
    steps = CatalogueStepSerializer(many=True)
    version = serializers.IntegerField()


class ProcedureListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = ProcedureListItemSerializer
    pagination_class = CataloguePagination

    def get_queryset(self):
        filters = CatalogueFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return procedures_search(filters=CatalogueFilters(**filters.validated_data))

    @extend_schema(
        operation_id="procedures_list",
        parameters=[CatalogueFilterSerializer],
        summary="Tìm kiếm thủ tục hành chính",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProcedureDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="procedures_retrieve",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="mã thủ tục")],
        responses=ProcedureDetailSerializer,
        summary="Chi tiết thủ tục hành chính",
    )
    def get(self, request, code: str):
        return Response(procedure_public_snapshot(code=code))
