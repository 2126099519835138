"""REST API v1 of service quality (docs/api.md §9): a dossier's rating and feedback (PAKN).

Thin edges: validate the body, call one service or selector, serialize.
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
from dvctt.errors import Forbidden

from . import selectors, services
from .constants import RATING_CRITERIA, FeedbackAction, FeedbackStatus


class RatingSerializer(serializers.Serializer):
    dossier = serializers.UUIDField(source="dossier_id")
    score = serializers.IntegerField()
    score_label = serializers.CharField(source="get_score_display")
    criteria = serializers.DictField(child=serializers.IntegerField())
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class DossierRatingApi(APIView):
    permission_classes = [IsAuthenticated]

    class DossierRatingInput(serializers.Serializer):
        score = serializers.IntegerField(min_value=1, max_value=5)
        criteria = serializers.DictField(
            child=serializers.IntegerField(min_value=0, max_value=2, allow_null=True),
            required=False,
            help_text=_("{mã tiêu chí: 0, 1 hoặc 2}; mã tiêu chí: ") + ", ".join(RATING_CRITERIA),
        )
        comment = serializers.CharField(
            required=False, allow_blank=True, max_length=services.COMMENT_MAX_LENGTH
        )

    @extend_schema(
        request=DossierRatingInput,
        responses={201: RatingSerializer, **api_errors(409)},
        operation_id="dossiers_rating_create",
    )
    def post(self, request, dossier_id):
        # The access gate first: a dossier the caller may not see is 404 whatever the body.
        dossier = selectors.rating_dossier_for_owner(user=request.user, dossier_id=dossier_id)
        data = self.DossierRatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        rating = services.rating_create(
            actor=request.user,
            dossier_id=dossier.pk,
            score=data.validated_data["score"],
            criteria=data.validated_data.get("criteria"),
            comment=data.validated_data.get("comment", ""),
        )
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class FeedbackPublicSerializer(serializers.Serializer):
    """What anyone holding the code may read: no name, e-mail or phone of the sender."""

    code = serializers.CharField()
    title = serializers.CharField()
    content = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    procedure = serializers.CharField(source="procedure.code", allow_null=True, default=None)
    procedure_name = serializers.CharField(source="procedure.name", allow_null=True, default=None)
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    reason = serializers.CharField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


class FeedbackEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor_name = serializers.SerializerMethodField()
    note = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    at = serializers.DateTimeField()

    def get_actor_name(self, obj) -> str:
        return obj.actor.get_full_name() if obj.actor_id else ""


class FeedbackOfficialSerializer(FeedbackPublicSerializer):
    """The addressed agency's officials also see the sender and the log."""

    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    dossier_code = serializers.CharField()
    answer_due_at = serializers.DateTimeField(allow_null=True)
    available_actions = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    def get_available_actions(self, obj) -> list[str]:
        return services.feedback_available_actions(obj)

    def get_events(self, obj) -> list[dict]:
        return list(
            FeedbackEventSerializer(selectors.feedback_events(feedback=obj), many=True).data
        )


class FeedbackListCreateApi(APIView):
    permission_classes = [AllowAny]
    pagination_class = PageNumberPagination

    class FeedbackCreateInput(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        content = serializers.CharField(max_length=5000)
        name = serializers.CharField(max_length=200)
        email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
        phone = serializers.RegexField(
            r"^\+?[0-9 .]{8,15}$", required=False, allow_blank=True, max_length=15
        )
        procedure = serializers.CharField(required=False, allow_blank=True, max_length=30)
        agency = serializers.CharField(required=False, allow_blank=True, max_length=20)
        dossier_code = serializers.CharField(required=False, allow_blank=True, max_length=40)

    class FeedbackFilter(serializers.Serializer):
        # Empty (`?published=`) reads as not given: the published answers.
        published = serializers.BooleanField(required=False, allow_null=True, default=True)
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)

    @extend_schema(
        parameters=[
            OpenApiParameter("published", str, enum=boolean_spellings(nullable=True)),
            OpenApiParameter("q", {"type": "string", "maxLength": 100}),
        ],
        responses={200: FeedbackPublicSerializer(many=True), **api_errors(403)},
        operation_id="feedback_list",
    )
    def get(self, request):
        filters = self.FeedbackFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        if filters.validated_data["published"] is not False:
            qs = selectors.feedback_published(q=filters.validated_data.get("q", ""))
        else:
            # Unpublished feedback is the addressed agency's work: its officials' queue.
            if not (request.user.is_authenticated and request.user.is_official):
                raise Forbidden(_("Chỉ cán bộ của cơ quan tiếp nhận mới xem được danh sách này."))
            qs = selectors.feedback_for_official(user=request.user, queue="all")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(FeedbackPublicSerializer(page, many=True).data)

    @extend_schema(
        request=FeedbackCreateInput,
        responses={
            201: inline_serializer(
                "FeedbackReceived",
                {
                    "code": serializers.CharField(),
                    "status": serializers.ChoiceField(choices=[FeedbackStatus.RECEIVED.value]),
                    "due_at": serializers.DateTimeField(),
                },
            ),
            **api_errors(429),
        },
        operation_id="feedback_create",
    )
    def post(self, request):
        account = str(request.user.pk) if request.user.is_authenticated else None
        ratelimit.check(request, "feedback", account=account)
        data = self.FeedbackCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        feedback = services.feedback_submit(
            actor=request.user,
            title=values["title"],
            content=values["content"],
            name=values["name"],
            email=values.get("email", ""),
            phone=values.get("phone", ""),
            procedure_code=values.get("procedure", ""),
            agency_code=values.get("agency", ""),
            dossier_code=values.get("dossier_code", ""),
        )
        return Response(
            {"code": feedback.code, "status": feedback.status, "due_at": feedback.due_at},
            status=status.HTTP_201_CREATED,
        )


class FeedbackDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: FeedbackPublicSerializer, **api_errors(404, 429)},
        operation_id="feedback_retrieve",
    )
    def get(self, request, code):
        ratelimit.check(request, "feedback_lookup")
        feedback = selectors.feedback_get_public(code=code)
        return Response(FeedbackPublicSerializer(feedback).data)


class FeedbackActionApi(APIView):
    permission_classes = [IsAuthenticated]

    class FeedbackActionInput(serializers.Serializer):
        reason = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=services.TEXT_MAX_LENGTH,
            help_text=_("refuse, request_info: lý do"),
        )
        answer = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=services.TEXT_MAX_LENGTH,
            help_text=_("answer: nội dung trả lời"),
        )
        note = serializers.CharField(
            required=False, allow_blank=True, max_length=services.TEXT_MAX_LENGTH
        )

    @extend_schema(
        request=FeedbackActionInput,
        responses={200: FeedbackOfficialSerializer, **api_errors(404, 409)},
        parameters=[
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(FeedbackAction.values))
        ],
        operation_id="feedback_action",
    )
    def post(self, request, code, action):
        data = self.FeedbackActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = services.feedback_run_action(
            actor=request.user, code=code.strip().upper(), action=action, data=data.validated_data
        )
        return Response(FeedbackOfficialSerializer(feedback).data)
