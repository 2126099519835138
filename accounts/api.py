"""Token login for API clients (docs/api.md §4).

POST /api/v1/auth/token/ {"email","password","otp"?} → {"token","expires_at"};
DELETE /api/v1/auth/token/ revokes the token used; GET /api/v1/auth/tokens/ lists the owner's
tokens and DELETE /api/v1/auth/tokens/{key}/ revokes one. An account with two-factor login
(or an official where MFA_REQUIRED_FOR_OFFICIALS) gets no token for a password alone.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt import ratelimit
from dvctt.api_schema import api_errors
from dvctt.errors import ApplicationError, InvalidInput

from . import tokens


class InvalidCredentials(ApplicationError):
    code = "invalid_credentials"
    status_code = 400
    default_message = _("Thư điện tử hoặc mật khẩu không đúng.")


LOCKED_MESSAGE = _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.")


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TokenListItemSerializer(serializers.Serializer):
    key = serializers.CharField(source="token_key")
    created_at = serializers.DateTimeField(source="created")
    expires_at = serializers.DateTimeField(source="expiry")
    current = serializers.SerializerMethodField()

    def get_current(self, obj) -> bool:
        used = self.context["request"].auth
        return isinstance(used, AuthToken) and used.digest == obj.digest


class TokenObtainApi(APIView):
    permission_classes = [AllowAny]

    def get_authenticators(self):
        # Logging in needs no credentials; revoking needs the token being revoked.
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self):
        if getattr(self.request, "method", None) == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(trim_whitespace=False, max_length=512)
        otp = serializers.CharField(required=False, allow_blank=True, max_length=32)

    @extend_schema(
        request=InputSerializer,
        responses={200: TokenOutputSerializer, **api_errors(403, 429)},
        operation_id="auth_token",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        # Every try counts against the address, valid or not: a flood of junk is still a flood.
        ratelimit.check(request, "token", message=LOCKED_MESSAGE)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"].lower()
        ratelimit.check(request, "token_fail", account=email, record=False, message=LOCKED_MESSAGE)
        user = authenticate(request, email=email, password=data.validated_data["password"])
        if user is None or not user.is_active:
            ratelimit.record_failure(request, "token_fail", account=email)
            raise InvalidCredentials()
        try:
            tokens.user_check_otp(user=user, otp=data.validated_data.get("otp", ""))
        except ApplicationError:
            ratelimit.record_failure(request, "token_fail", account=email)
            raise
        instance, token = tokens.token_issue(user=user)
        return Response({"token": token, "expires_at": instance.expiry})

    @extend_schema(request=None, responses={204: None}, operation_id="auth_token_revoke")
    def delete(self, request):
        if not isinstance(request.auth, AuthToken):
            raise InvalidInput(_("Yêu cầu này phải gửi kèm mã truy cập (Authorization: Token)."))
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination  # {"count","next","previous","results"}

    @extend_schema(responses=TokenListItemSerializer(many=True), operation_id="auth_tokens_list")
    def get(self, request):
        qs = AuthToken.objects.filter(user=request.user).order_by("-created")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = TokenListItemSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class TokenRevokeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, operation_id="auth_tokens_revoke")
    def delete(self, request, key: str):
        tokens.token_revoke(user=request.user, token_key=key)
        return Response(status=status.HTTP_204_NO_CONTENT)
