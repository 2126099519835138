"""Issue 18.2: the built-in sandbox gateway never serves a production portal."""

from __future__ import annotations

import pytest

from payments import services
from payments.gateways import GatewayUnavailable, sandbox
from tests.production import manage, production_env

from .conftest import sandbox_pay, start


@pytest.mark.parametrize(
    "url",
    ["", "http://pay.vnpay.vn/vpcpay.html", "https://dichvucong.demo.gov.vn/payments/sandbox/"],
)
def test_production_refuses_to_start_without_a_real_gateway(tmp_path, url):
    result = manage(production_env(tmp_path, VNPAY_PAYMENT_URL=url), "check")
    assert result.returncode != 0
    assert "VNPAY_PAYMENT_URL" in result.stderr


def test_under_production_settings_the_sandbox_urls_do_not_answer(tmp_path):
    # The views are called straight (the 404 page needs collected static files).
    code = """
import sys

from django.conf import settings
from django.http import Http404
from django.test import RequestFactory
from django.urls import resolve
rf = RequestFactory(HTTP_HOST="dichvucong.demo.gov.vn")
answers = [settings.PAYMENT_SANDBOX_ALLOWED]
for request in (
    rf.get("/payments/sandbox/", {"vnp_TxnRef": "X"}, secure=True),
    rf.post("/payments/sandbox/api/", "{}", content_type="application/json", secure=True),
):
    try:
        answers.append(resolve(request.path).func(request).status_code)
    except Http404:
        answers.append(404)
sys.stdout.write(" ".join(map(str, answers)) + "\\n")
"""
    result = manage(production_env(tmp_path), "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False 404 404"


def test_a_disabled_sandbox_neither_serves_pages_nor_answers_queries(
    client, settings, owing, citizen
):
    # Even with VNPAY_PAYMENT_URL unset, a portal that does not allow the sandbox (production)
    # serves neither its payment page nor its merchant API, and its ledger confirms nothing.
    settings.VNPAY_PAYMENT_URL = ""
    payment, url = start(owing, citizen)
    sandbox_pay(payment)
    page = url[url.index("/payments/sandbox/") :]
    assert client.get(page).status_code == 200
    settings.PAYMENT_SANDBOX_ALLOWED = False
    assert not services.sandbox_enabled()
    assert client.get(page).status_code == 404
    assert client.post("/payments/sandbox/api/", {}).status_code == 404
    with pytest.raises(GatewayUnavailable):
        sandbox.gateway_from_settings().query(
            txn_ref=payment.txn_ref, created_at=payment.created_at
        )
    assert services.payment_reconcile(payment_id=payment.pk) == "unavailable"
