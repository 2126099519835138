"""REST API of payments (docs/api.md §4): start paying a fee online, or record one paid at the
desk."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.api_schema import api_errors

from . import services
from .constants import DESK_METHODS
from .views import client_ip, return_url


class DossierPaymentStartApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=inline_serializer(
            "DeskPayment",
            {
                "method": serializers.ChoiceField(choices=DESK_METHODS),
                "amount": serializers.IntegerField(min_value=1),
                "reference": serializers.CharField(required=False),
            },
            required=False,
        ),
        description=(
            "Without a body (the owner): start paying online. With `method` (reception): "
            "record a fee paid at the desk, paid at once with its e-receipt."
        ),
        responses={
            201: inline_serializer(
                "PaymentStarted",
                {
                    "payment_id": serializers.UUIDField(),
                    "amount": serializers.IntegerField(),
                    "redirect_url": serializers.URLField(required=False),
                    "status": serializers.CharField(required=False),
                    "method": serializers.CharField(required=False),
                    "reference": serializers.CharField(required=False),
                    "receipt_no": serializers.CharField(required=False),
                    "receipt_url": serializers.URLField(required=False),
                },
            ),
            **api_errors(403, 409),
        },
        operation_id="dossiers_payments_create",
    )
    def post(self, request, dossier_id):
        data = request.data if hasattr(request.data, "get") else {}
        if "method" in data:  # the desk variant (docs/api.md §4)
            payment = services.payment_record_at_desk(
                actor=request.user,
                dossier_id=dossier_id,
                method=data.get("method"),
                amount=data.get("amount"),
                reference=data.get("reference") or "",
            )
            return Response(
                {
                    "payment_id": str(payment.pk),
                    "amount": payment.amount,
                    "status": payment.status,
                    "method": payment.method,
                    "reference": payment.reference,
                    "receipt_no": payment.receipt_no,
                    "receipt_url": request.build_absolute_uri(
                        reverse("payments:receipt", args=[payment.pk])
                    ),
                },
                status=status.HTTP_201_CREATED,
            )
        payment, url = services.payment_start(
            actor=request.user,
            dossier_id=dossier_id,
            ip=client_ip(request),
            return_url=return_url(request),
        )
        return Response(
            {"payment_id": str(payment.pk), "amount": payment.amount, "redirect_url": url},
            status=status.HTTP_201_CREATED,
        )
