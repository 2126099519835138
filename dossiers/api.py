"""REST API v1 for dossiers (API.md §4): validate → service/selector → serialize.

Here: the serializers every dossier endpoint answers with, the list and draft creation, a
dossier's detail and its e-form, and public tracking. Attachments and submitting are in
dossiers/filing/api.py, running an action in dossiers/workflow/api.py, papers and the register
in dossiers/papers/api.py.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt import ratelimit
from dvctt.api_schema import api_errors, boolean_spellings
from dvctt.errors import Forbidden, InvalidInput

from . import selectors, workflow
from .constants import DossierStatus
from .filing import services as filing_services
from .workflow import process
from .workspace import QUEUES, dossiers_for_official_queue


class DossierListItemSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    channel = serializers.CharField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)


class EventSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor_name = serializers.CharField()
    at = serializers.DateTimeField()
    note = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    component = serializers.IntegerField(source="component_id_snapshot")
    component_name = serializers.CharField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    # The 766 indicators' flags (docs/domain.md): a file, not paper; taken from the store.
    digitised = serializers.BooleanField()
    reused = serializers.BooleanField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return f"/ho-so-cua-toi/{obj.dossier_id}/tep/{obj.pk}/"


class DossierDetailSerializer(DossierListItemSerializer):
    case = serializers.IntegerField(source="case_id")
    case_name = serializers.CharField()
    procedure_version = serializers.IntegerField(source="procedure_version.number")
    form_data = serializers.JSONField()
    applicant = serializers.SerializerMethodField()
    fee_amount = serializers.IntegerField()
    payment_due = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    original_due_at = serializers.DateTimeField(allow_null=True)
    on_time = serializers.BooleanField(allow_null=True)
    paused_working_hours = serializers.FloatField()
    overdue = serializers.BooleanField(source="is_overdue")
    supplement_items = serializers.JSONField()
    events = EventSerializer(many=True, source="events.all")
    attachments = AttachmentSerializer(many=True, source="current_attachments")
    payments = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    current_step = serializers.SerializerMethodField()
    current_handler = serializers.SerializerMethodField()
    step_due_at = serializers.DateTimeField(allow_null=True)
    handling_agency = serializers.SerializerMethodField()

    def get_current_step(self, obj) -> dict | None:
        step = process.step_at(obj, obj.current_step)
        if step is None:
            return None
        return {
            "number": obj.current_step,
            "name": step["name"],
            "role": step["role"],
            "unit": step.get("unit_code", ""),
            "agency": step.get("agency"),
            "hours": step["duration_hours"],
        }

    def get_current_handler(self, obj) -> dict | None:
        user = obj.current_handler
        return {"id": user.pk, "name": user.get_full_name()} if user else None

    def get_handling_agency(self, obj) -> str | None:
        return obj.handling_agency.code if obj.handling_agency_id else None

    def get_applicant(self, obj) -> dict:
        return obj.applicant_card()

    def get_payments(self, obj) -> list[dict]:
        return [
            {"id": str(p.pk), "amount": p.amount, "status": p.status} for p in obj.payments.all()
        ]

    def get_available_actions(self, obj) -> list[str]:
        return workflow.available_actions(obj, self.context["request"].user)


def dossier_detail_response(request, dossier, *, code=status.HTTP_200_OK, extra=None) -> Response:
    dossier = selectors.dossier_detail(dossier=dossier)
    data = DossierDetailSerializer(dossier, context={"request": request}).data
    if extra:
        data.update(extra)
    return Response(data, status=code)


class DossierListCreateApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination  # {"count","next","previous","results"}

    class DossierCreateInput(serializers.Serializer):
        procedure = serializers.CharField(max_length=30)
        agency = serializers.CharField(max_length=20, required=False, allow_blank=True)
        case = serializers.IntegerField(required=False, allow_null=True)
        form_data = serializers.JSONField(required=False)

    class DossierFilterInput(serializers.Serializer):
        status = serializers.ChoiceField(choices=DossierStatus.choices, required=False)
        procedure = serializers.CharField(required=False, allow_blank=True)
        overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
        # Officials: one workspace queue (/can-bo/) and a search by code, name or id number.
        queue = serializers.ChoiceField(choices=list(QUEUES), required=False, allow_blank=True)
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=DossierStatus.values),
            OpenApiParameter("procedure", str),
            # A DRF BooleanField: true/false, 1/0, yes/no… and null (no filter).
            OpenApiParameter("overdue", str, enum=boolean_spellings(nullable=True)),
            OpenApiParameter("queue", str, enum=["", *QUEUES]),  # blank: no queue
            OpenApiParameter("q", str),
        ],
        responses=DossierListItemSerializer(many=True),
        operation_id="dossiers_list",
    )
    def get(self, request):
        filters = self.DossierFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        params = dict(filters.validated_data)
        queue, q = params.pop("queue", ""), params.pop("q", "")
        if request.user.is_official and (queue or q):
            qs = dossiers_for_official_queue(
                user=request.user,
                queue=queue or "all",
                q=q,
                procedure=params.get("procedure"),
                status=params.get("status"),
            )
        else:
            qs = selectors.dossiers_for_user(user=request.user, **params)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DossierListItemSerializer(page, many=True).data)

    @extend_schema(
        request=DossierCreateInput,
        responses={201: DossierDetailSerializer, **api_errors(403, 429)},
        operation_id="dossiers_create",
    )
    def post(self, request):
        data = self.DossierCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        form_data = data.validated_data.get("form_data")
        if form_data is not None and not isinstance(form_data, dict):
            raise InvalidInput(fields={"form_data": [_("Tờ khai phải là một đối tượng JSON.")]})
        if not request.user.is_citizen:
            raise Forbidden(_("Chỉ công dân mới nộp hồ sơ trực tuyến."))
        ratelimit.check(request, "draft", account=str(request.user.pk))
        dossier = filing_services.dossier_create_draft(
            actor=request.user,
            procedure_code=data.validated_data["procedure"],
            agency_code=data.validated_data.get("agency") or None,
            case_id=data.validated_data.get("case"),
            form_data=form_data,
        )
        return dossier_detail_response(request, dossier, code=status.HTTP_201_CREATED)


class DossierDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class DossierPatchInput(serializers.Serializer):
        form_data = serializers.JSONField()

    @extend_schema(responses=DossierDetailSerializer, operation_id="dossiers_retrieve")
    def get(self, request, dossier_id):
        dossier = selectors.dossier_get_for_user(user=request.user, dossier_id=dossier_id)
        return dossier_detail_response(request, dossier)

    @extend_schema(
        request=DossierPatchInput,
        responses={200: DossierDetailSerializer, **api_errors(409)},
        operation_id="dossiers_update",
    )
    def patch(self, request, dossier_id):
        dossier = selectors.dossier_get_for_citizen(user=request.user, dossier_id=dossier_id)
        data = self.DossierPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        errors = filing_services.dossier_update_form(
            actor=request.user, dossier_id=dossier.pk, form_data=data.validated_data["form_data"]
        )
        return dossier_detail_response(request, dossier, extra={"form_errors": errors})


class TrackingApi(APIView):
    permission_classes = [AllowAny]

    class TrackingInput(serializers.Serializer):
        code = serializers.CharField(max_length=40)
        id_last4 = serializers.RegexField(r"^\d{4}$", max_length=4)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "code", {"type": "string", "minLength": 1, "maxLength": 40}, required=True
            ),
            OpenApiParameter(
                "id_last4",
                {"type": "string", "pattern": r"^\d{4}$", "minLength": 4, "maxLength": 4},
                required=True,
            ),
        ],
        responses={
            200: inline_serializer(
                "Tracking",
                {
                    "code": serializers.CharField(),
                    "status": serializers.CharField(),
                    "status_label": serializers.CharField(),
                    "procedure": serializers.CharField(),
                    "procedure_name": serializers.CharField(),
                    "agency_name": serializers.CharField(),
                    "submitted_at": serializers.DateTimeField(allow_null=True),
                    "received_at": serializers.DateTimeField(allow_null=True),
                    "due_at": serializers.DateTimeField(allow_null=True),
                    "completed_at": serializers.DateTimeField(allow_null=True),
                    "events": serializers.ListField(child=serializers.DictField()),
                },
            ),
            **api_errors(404, 429),
        },
        operation_id="tracking",
    )
    def get(self, request):
        ratelimit.check(request, "tracking")
        data = self.TrackingInput(data=request.query_params)
        if not data.is_valid():
            raise InvalidInput(
                _("Vui lòng nhập mã hồ sơ và 4 số cuối số định danh cá nhân."),
                fields={k: [str(m) for m in v] for k, v in data.errors.items()},
            )
        dossier = selectors.dossier_track(**data.validated_data)
        return Response(tracking_payload(dossier))


def tracking_payload(dossier) -> dict:
    """Return what the public may know of a dossier: status, dates, history; no personal data."""
    return {
        "code": dossier.code,
        "status": dossier.status,
        "status_label": dossier.get_status_display(),
        "procedure": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "agency_name": dossier.agency.name,
        "submitted_at": _iso(dossier.submitted_at),
        "received_at": _iso(dossier.received_at),
        "due_at": _iso(dossier.due_at),
        "completed_at": _iso(dossier.completed_at),
        # Names and notes may carry personal data, so the public history shows only transitions.
        "events": [
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "at": _iso(e.at),
            }
            for e in selectors.dossier_public_events(dossier=dossier)
        ],
    }


def _iso(value):
    return value.isoformat() if value else None
