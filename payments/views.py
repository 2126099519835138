"""HTML and gateway edges of payments: start, return page, IPN, sandbox, receipts, refunds."""

from __future__ import annotations

import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from dvctt.background import enqueue_on_commit
from dvctt.client_ip import client_ip as portal_client_ip
from dvctt.errors import ApplicationError, NotFound
from dvctt.formats import format_dong

from . import receipts, selectors, services, tasks
from .constants import PaymentStatus
from .gateways import GatewayResult, GatewayUnavailable, callback_gateway, get_gateway, sandbox

log = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """Return the payer's address the gateway is told (the portal's one client-IP rule)."""
    return portal_client_ip(request) or "127.0.0.1"


def return_url(request: HttpRequest) -> str:
    """Return the absolute URL the active gateway sends the payer back to."""
    slug = get_gateway().callback_slug
    return request.build_absolute_uri(reverse("payments:gateway_return", args=[slug]))


def _callback_gateway(slug: str):
    gateway = callback_gateway(slug)
    if gateway is None:
        raise Http404
    return gateway


# --- the citizen ----------------------------------------------------------------------------


@login_required
@require_POST
def payment_start(request: AuthenticatedHttpRequest, dossier_id) -> HttpResponse:
    """Open a payment of the dossier's fee and send the browser to the gateway."""
    try:
        _payment, url = services.payment_start(
            actor=request.user,
            dossier_id=dossier_id,
            ip=client_ip(request),
            return_url=return_url(request),
        )
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
        return redirect("dossiers:my_detail", dossier_id=dossier_id)
    return redirect(url)


@require_GET
@never_cache
def payment_return(request: HttpRequest, gateway: str) -> HttpResponse:
    """Show the payer how the payment ended; the IPN (or a query) is what records it."""
    reported = _callback_gateway(gateway).read_callback(request.GET.dict())
    payment = selectors.payment_get_by_txn_ref(txn_ref=reported.txn_ref) if reported else None
    if reported is None or payment is None:
        return render(request, "payments/return.html", {"outcome": "invalid"}, status=400)
    outcome = payment.status
    if outcome == PaymentStatus.PENDING:
        # The IPN has not arrived yet: ask the gateway rather than trust the browser's query.
        try:
            answer = get_gateway(payment.gateway).query(
                txn_ref=payment.txn_ref, created_at=payment.created_at
            )
        except GatewayUnavailable:
            answer = GatewayResult(
                txn_ref=payment.txn_ref, amount=0, response_code="", transaction_status=""
            )
        # A query reports a cancel as a plain failure (status 02); the gateway's signed return
        # says 24 when the payer cancelled, and only the wording depends on it (nothing is
        # recorded from the browser's query).
        cancelled = reported.cancelled
        if answer.final:
            outcome = PaymentStatus.PAID if answer.succeeded else PaymentStatus.FAILED
        if answer.succeeded:
            # Money taken is recorded at once; a failure or cancel waits for the IPN, which
            # tells a cancel (24) apart (beat reconciliation closes it if the IPN never comes).
            enqueue_on_commit(tasks.payment_reconcile_one, args=(str(payment.pk),))
        if cancelled and outcome != PaymentStatus.PAID:
            outcome = PaymentStatus.CANCELLED
    is_owner = request.user.is_authenticated and payment.dossier.applicant_id == request.user.pk
    return render(
        request,
        "payments/return.html",
        {"outcome": outcome, "payment": payment if is_owner else None},
    )


@login_required
@require_GET
def payment_receipt(request: AuthenticatedHttpRequest, payment_id) -> HttpResponse:
    """Download the e-receipt (biên lai điện tử) of a paid payment."""
    payment = selectors.payment_get_for_user(user=request.user, payment_id=payment_id)
    if payment.paid_at is None:
        raise Http404(_("Giao dịch chưa được thanh toán, chưa có biên lai."))
    pdf = receipts.receipt_pdf(payment=payment)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.txn_ref}.pdf"'
    return response


# --- officials ------------------------------------------------------------------------------


@login_required
@require_POST
def payment_refund(request: AuthenticatedHttpRequest, payment_id) -> HttpResponse:
    """Refund all or part of a paid fee from the official's dossier page."""
    payment = selectors.payment_get_for_user(user=request.user, payment_id=payment_id)
    try:
        refund = services.payment_refund(
            actor=request.user,
            payment_id=payment.pk,
            amount=request.POST.get("amount", ""),
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã hoàn %(amount)s đồng cho người nộp.")
            % {"amount": f"{refund.amount:,}".replace(",", ".")},
        )
    return redirect("dossiers:official_detail", dossier_id=payment.dossier_id)


@login_required
@require_POST
def payment_desk(request: AuthenticatedHttpRequest, dossier_id) -> HttpResponse:
    """Record a fee paid at the desk (cash or transfer) from the official's dossier page."""
    try:
        payment = services.payment_record_at_desk(
            actor=request.user,
            dossier_id=dossier_id,
            method=request.POST.get("method", ""),
            amount=request.POST.get("amount", ""),
            reference=request.POST.get("reference", ""),
        )
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        details = [m for messages_ in exc.fields.values() for m in messages_ if m != exc.message]
        messages.error(request, " ".join([exc.message, *details]))
    else:
        messages.success(
            request,
            _("Đã ghi nhận khoản nộp %(amount)s. Biên lai số %(no)s.")
            % {"amount": format_dong(payment.amount), "no": payment.receipt_no},
        )
    return redirect("dossiers:official_detail", dossier_id=dossier_id)


# --- the gateway's server-to-server call ------------------------------------------------------


@csrf_exempt
@require_GET
@never_cache
def payment_ipn(request: HttpRequest, gateway: str) -> JsonResponse:
    """Answer a gateway's IPN in its own terms (VNPay's: {"RspCode","Message"}, docs/api.md §7)."""
    plugin = _callback_gateway(gateway)
    code, message = services.payment_confirm_from_ipn(gateway=plugin, params=request.GET.dict())
    return JsonResponse(plugin.ipn_answer(str(code), str(message)))


# --- the sandbox gateway ---------------------------------------------------------------------


def _sandbox_only() -> None:
    if not services.sandbox_enabled():
        raise Http404


@require_http_methods(["GET", "POST"])
@never_cache
def sandbox_page(request: HttpRequest) -> HttpResponse:
    """The sandbox's payment page: pay, cancel or fail, as at a real gateway."""
    _sandbox_only()
    params = (request.POST if request.method == "POST" else request.GET).dict()
    fields = sandbox.payment_request(params)
    if fields is None:
        return render(request, "payments/sandbox.html", {"invalid": True}, status=400)
    if request.method == "POST":
        outcome = params.get("outcome", "")
        if outcome not in sandbox.OUTCOMES:
            return render(request, "payments/sandbox.html", {"invalid": True}, status=400)
        ipn_url = request.build_absolute_uri(
            reverse("payments:gateway_ipn", args=[sandbox.SandboxGateway.callback_slug])
        )
        with transaction.atomic():
            txn = sandbox.record_outcome(fields, outcome=outcome, ipn_url=ipn_url)
            enqueue_on_commit(tasks.sandbox_send_ipn, args=(txn.txn_ref,))
        return redirect(sandbox.return_url(txn))
    return render(request, "payments/sandbox.html", sandbox.page_context(fields))


@csrf_exempt
@require_POST
def sandbox_api(request: HttpRequest) -> JsonResponse:
    """The sandbox's merchant API (querydr, refund), in the protocol it speaks."""
    _sandbox_only()
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return JsonResponse(sandbox.BAD_REQUEST_ANSWER, status=400)
    return JsonResponse(sandbox.merchant_api_answer(payload))
