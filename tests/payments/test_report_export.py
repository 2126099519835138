"""The payments export through the shared Report interface (dvctt/exports.py): CSV and XLSX."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dvctt import exports
from payments.models import Payment
from tests.payments.conftest import start


@pytest.mark.django_db
def test_the_payments_export_as_xlsx_has_date_cells_and_no_formula(admin_client, owing, citizen):
    payment, _url = start(owing, citizen)
    Payment.objects.filter(pk=payment.pk).update(bank_code="=cmd|' /C calc'!A0")
    response = admin_client.post(
        "/admin/payments/payment/",
        {"action": "export_xlsx", "_selected_action": [str(payment.pk)]},
    )
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert 'filename="giao-dich-thanh-toan.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    header, row = (list(r) for r in sheet.iter_rows(max_row=2))
    cells = {h.value: c for h, c in zip(header, row, strict=True)}
    assert cells["Mã giao dịch"].value == payment.txn_ref
    assert cells["Số tiền (đồng)"].value == 40000
    bank = cells["Ngân hàng"]
    assert bank.data_type == "s" and bank.value == "=cmd|' /C calc'!A0"
    created = cells["Tạo lúc"]
    assert isinstance(created.value, dt.datetime) and created.number_format == "dd/mm/yyyy hh:mm"
    assert sheet.column_dimensions["A"].width == 24


def test_a_report_writes_csv_with_day_first_dates_and_quoted_formulas():
    report = exports.Report(
        title="Thử",
        filename="thu",
        columns=[exports.Column("Tên"), exports.Column("Ngày", 12)],
        rows=[["+1+1", dt.date(2026, 12, 6)], ["An", None]],
    )
    response = report.csv_response()
    assert response["Content-Disposition"] == 'attachment; filename="thu.csv"'
    assert response.content.decode("utf-8-sig").splitlines() == [
        "Tên,Ngày",
        "'+1+1,06/12/2026",
        "An,",
    ]
