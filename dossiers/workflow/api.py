"""REST API v1 of the workflow (docs/api.md §4): running one action on a dossier."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from dvctt.api_schema import api_errors

from .. import selectors, workflow
from ..api import DossierDetailSerializer, dossier_detail_response
from ..constants import Proposal
from . import action_rules
from . import services as workflow_services


class DossierActionApi(APIView):
    permission_classes = [IsAuthenticated]

    class ActionInput(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
        reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)
        new_due_at = serializers.CharField(
            required=False, help_text=_("apologize: ngày giờ hẹn trả mới, ISO 8601")
        )
        items = serializers.ListField(
            child=serializers.JSONField(),
            required=False,
            help_text=_("request_supplement: mã thành phần hồ sơ và/hoặc nội dung cần bổ sung"),
        )
        to_step = serializers.IntegerField(required=False, allow_null=True, min_value=1)
        to_agency = serializers.CharField(required=False, allow_blank=True, max_length=20)
        to_user = serializers.IntegerField(required=False, allow_null=True, min_value=1)
        proposal = serializers.ChoiceField(
            choices=Proposal.choices, required=False, allow_blank=True
        )

    class ActionFormInput(ActionInput):
        """The same body as a multipart form (schema only): issue_result sends its PDF so."""

        items = serializers.ListField(child=serializers.CharField(), required=False)
        to_step = serializers.IntegerField(required=False, min_value=1)
        to_user = serializers.IntegerField(required=False, min_value=1)
        file = serializers.FileField(required=False, help_text="issue_result: tệp kết quả (PDF)")

    @extend_schema(
        request={"application/json": ActionInput, "multipart/form-data": ActionFormInput},
        responses={200: DossierDetailSerializer, **api_errors(409)},
        parameters=[
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(workflow.ACTIONS))
        ],
        operation_id="dossiers_action",
    )
    def post(self, request, dossier_id, action):
        dossier = selectors.dossier_get_for_user(user=request.user, dossier_id=dossier_id)
        data = self.ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        dossier = workflow_services.dossier_run_action(
            actor=request.user,
            dossier_id=dossier.pk,
            action=action,
            note=data.validated_data.get("note", ""),
            data={
                k: v
                for k, v in action_rules.body_from_request(request.data).items()
                if k != "file"  # the result PDF of issue_result, passed as result_file
            },
            result_file=request.FILES.get("file"),
        )
        return dossier_detail_response(request, dossier)
