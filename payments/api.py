"""REST API of payments (API.md §4): start paying a dossier's fee."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.api_schema import api_errors

from . import services
from .views import client_ip


class DossierPaymentStartApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            201: inline_serializer(
                "PaymentStarted",
                {
                    "payment_id": serializers.UUIDField(),
                    "amount": serializers.IntegerField(),
                    "redirect_url": serializers.URLField(),
                },
            ),
            **api_errors(409),
        },
        operation_id="dossiers_payments_create",
    )
    def post(self, request, dossier_id):
        payment, url = services.payment_start(
            actor=request.user,
            dossier_id=dossier_id,
            ip=client_ip(request),
            return_url=request.build_absolute_uri(reverse("payments:return")),
        )
        return Response(
            {"payment_id": str(payment.pk), "amount": payment.amount, "redirect_url": url},
            status=status.HTTP_201_CREATED,
        )
