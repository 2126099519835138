from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("thanh-toan/ho-so/<uuid:dossier_id>/", views.payment_start, name="start"),
    path("thanh-toan/bien-lai/<uuid:payment_id>/", views.payment_receipt, name="receipt"),
    path("can-bo/thanh-toan/<uuid:payment_id>/hoan-tien/", views.payment_refund, name="refund"),
    path(
        "can-bo/thanh-toan/ho-so/<uuid:dossier_id>/thu-tai-quay/", views.payment_desk, name="desk"
    ),
    path("payments/sandbox/", views.sandbox_page, name="sandbox"),
    path("payments/sandbox/api/", views.sandbox_api, name="sandbox_api"),
    # A gateway's callbacks, by its callback slug; docs/api.md §7's /payments/vnpay/return/ and
    # /payments/vnpay/ipn/ are these with "vnpay" (names "return" and "ipn" kept for them).
    path("payments/<slug:gateway>/return/", views.payment_return, name="gateway_return"),
    path("payments/<slug:gateway>/ipn/", views.payment_ipn, name="gateway_ipn"),
    path("payments/vnpay/return/", views.payment_return, {"gateway": "vnpay"}, name="return"),
    path("payments/vnpay/ipn/", views.payment_ipn, {"gateway": "vnpay"}, name="ipn"),
]
