"""The payments export (admin CSV): outside text never becomes a formula (issue 18.4)."""

from __future__ import annotations

import csv
import io

import pytest

from payments.models import Payment
from tests.payments.conftest import start


@pytest.mark.django_db
def test_a_gateway_text_that_looks_like_a_formula_is_quoted(admin_client, owing, citizen):
    payment, _url = start(owing, citizen)
    Payment.objects.filter(pk=payment.pk).update(
        bank_code="=cmd|' /C calc'!A0", gateway_txn_no="-1+1"
    )
    response = admin_client.post(
        "/admin/payments/payment/",
        {"action": "export_csv", "_selected_action": [str(payment.pk)]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Ngân hàng"] == "'=cmd|' /C calc'!A0"
    assert row["Mã giao dịch tại cổng"] == "'-1+1"
    assert row["Số tiền (đồng)"] == "40000"  # numbers pass unchanged
