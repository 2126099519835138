"""REST API v1 for dossiers (docs/api.md §4): validate → service/selector → serialize.

Here: the serializers every dossier endpoint answers with, the list and draft creation, a
dossier's detail and its e-form, and public tracking. Attachments and submitting are in
dossiers/filing/api.py, running an action in dossiers/workflow/api.py, papers and the register
in dossiers/papers/api.py.
"""

from __future__ import annotations

from django.conf import settings
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
from dvctt.page_cache import catalogue_version

from . import selectors, workflow
from .constants import (
    ApplicantKind,
    DossierStatus,
    RepresentativeRelation,
    ResultDelivery,
)
from .filing import services as filing_services
from .models import Dossier
from .postal import postal_delivery
from .tracking_cache import tracking_cached
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
    applicant_kind = serializers.CharField()
    representative = serializers.SerializerMethodField()
    result_delivery = serializers.SerializerMethodField()
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
    rating = serializers.SerializerMethodField()

    def get_rating(self, obj) -> dict | None:
        # The owner's rating (docs/api.md §9), reached by the reverse one-to-one `Dossier.rating`
        # that `reports` declares: dossiers never imports reports.
        rating = getattr(obj, "rating", None)
        if rating is None:
            return None
        return {
            "score": rating.score,
            "criteria": rating.criteria,
            "comment": rating.comment,
            "created_at": rating.created_at,
        }

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

    def get_representative(self, obj) -> dict | None:
        return obj.representative_card()

    def get_result_delivery(self, obj) -> dict:
        delivery = postal_delivery(obj)
        if delivery is None:
            return {"method": obj.result_delivery}
        return {
            "method": obj.result_delivery,
            "address": delivery.address,
            "charge": delivery.charge,
            "status": delivery.status or None,
            "item_number": delivery.item_number or None,
        }

    def get_payments(self, obj) -> list[dict]:
        return [
            {"id": str(p.pk), "amount": p.amount, "status": p.status} for p in obj.payments.all()
        ]

    def get_available_actions(self, obj) -> list[str]:
        return workflow.available_actions(obj, self.context["request"].user)


def dossier_detail_response(
    request, dossier, *, code=status.HTTP_200_OK, extra=None, fresh=False
) -> Response:
    """Answer with the dossier's detail (fresh: `dossier` is what a service just returned)."""
    dossier = selectors.dossier_detail(dossier=dossier, fresh=fresh)
    data = DossierDetailSerializer(dossier, context={"request": request}).data
    if extra:
        data.update(extra)
    return Response(data, status=code)


class ApplicantInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=12, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=15, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    tax_code = serializers.CharField(max_length=14, required=False, allow_blank=True)
    legal_representative = serializers.CharField(max_length=200, required=False, allow_blank=True)


class RepresentativeInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=12, required=False, allow_blank=True)
    relation = serializers.ChoiceField(choices=RepresentativeRelation.choices, required=False)


class ResultDeliveryInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=ResultDelivery.choices)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)


class PartyInput(serializers.Serializer):
    """For whom the dossier is filed and how its result is received (docs/api.md)."""

    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices, required=False)
    applicant = ApplicantInput(required=False)
    representative = RepresentativeInput(required=False)
    result_delivery = ResultDeliveryInput(required=False)


# The API's nested names → the dossier's columns (FILING_PARTY_FIELDS, APPLICANT_FIELDS).
_APPLICANT_KEYS = {
    "name": "applicant_name",
    "id_number": "applicant_id_number",
    "phone": "applicant_phone",
    "email": "applicant_email",
    "address": "applicant_address",
    "tax_code": "applicant_tax_code",
    "legal_representative": "organisation_legal_rep",
}
_REPRESENTATIVE_KEYS = {
    "name": "representative_name",
    "id_number": "representative_id_number",
    "relation": "representative_relation",
}


def party_from_input(data: dict) -> dict[str, str]:
    """Flatten the validated party objects into the service's keys (absent = unchanged)."""
    party: dict[str, str] = {}
    if "applicant_kind" in data:
        party["applicant_kind"] = data["applicant_kind"]
    for key, value in (data.get("applicant") or {}).items():
        party[_APPLICANT_KEYS[key]] = value
    for key, value in (data.get("representative") or {}).items():
        party[_REPRESENTATIVE_KEYS[key]] = value
    if "result_delivery" in data:
        party["result_delivery"] = data["result_delivery"]["method"]
        party["postal_address"] = data["result_delivery"].get("address", "")
    return party


class DossierListCreateApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination  # {"count","next","previous","results"}

    class DossierCreateInput(PartyInput):
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
            party=party_from_input(data.validated_data),
        )
        return dossier_detail_response(request, dossier, code=status.HTTP_201_CREATED, fresh=True)


class DossierDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class DossierPatchInput(PartyInput):
        form_data = serializers.JSONField(required=False)

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
        party = party_from_input(data.validated_data)
        if "form_data" not in data.validated_data and not party:
            message = _("Hãy gửi tờ khai (form_data) hoặc thông tin người nộp để cập nhật.")
            raise InvalidInput(message, fields={"form_data": [message]})
        errors = filing_services.dossier_update_draft(
            actor=request.user,
            dossier_id=dossier.pk,
            party=party,
            form_data=data.validated_data.get("form_data"),
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
        data = self.TrackingInput(data=request.query_params)
        if not data.is_valid():
            raise InvalidInput(
                _("Vui lòng nhập mã hồ sơ và 4 số cuối số định danh cá nhân."),
                fields={k: [str(m) for m in v] for k, v in data.errors.items()},
            )

        def found() -> tuple[Dossier, dict]:
            dossier = selectors.dossier_track(**data.validated_data)
            return dossier, tracking_payload(dossier)

        # The procedure's name comes from the catalogue, the status label in the language.
        parts = [catalogue_version(), getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)]
        return Response(
            tracking_cached(
                kind="api",
                parts=parts,
                # The page's limit (dossiers/views.py), counted where the database is asked.
                guard=lambda: ratelimit.check(request, "tracking"),
                build=found,
                **data.validated_data,
            )
        )


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
