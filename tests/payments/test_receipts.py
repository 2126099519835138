"""E-receipts of fees (NĐ 123/2020/NĐ-CP Điều 32; NĐ 11/2020/NĐ-CP): what they carry and how
they are numbered — one gap-free sequence per collecting agency and year, online and desk alike.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from payments import receipts, services
from payments.models import Payment, Receipt, ReceiptCounter
from tests.concurrency import run_at_once
from tests.dossiers.conftest import make_submitted
from tests.dossiers.papers import pdf_text
from tests.factories import AgencyFactory, CitizenFactory, make_official
from tests.payments.conftest import callback, start
from tests.payments.test_desk import counter_dossier, desk
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

TXN_NOS = (f"{n:08d}" for n in itertools.count(50_000_001))


def pay_online(dossier, citizen) -> Payment:
    payment, _url = start(dossier, citizen)
    code, _message = services.payment_confirm_from_ipn(
        params=callback(payment, txn_no=next(TXN_NOS))
    )
    assert code == "00"
    payment.refresh_from_db()
    return payment


def numbers(agency) -> list[int]:
    return list(
        Receipt.objects.filter(agency=agency).order_by("number").values_list("number", flat=True)
    )


def test_online_and_desk_payments_share_one_gap_free_sequence(
    agency, reception, procedure, monkeypatch
):
    citizens = [CitizenFactory() for _ in range(4)]
    paid = []
    for index in range(8):
        if index % 2:
            paid.append(desk(reception, counter_dossier(reception, procedure)))
        else:
            citizen = citizens[index // 2]
            paid.append(pay_online(make_submitted(citizen, procedure), citizen))
        if index == 4:
            # A confirmation that fails after its number was drawn rolls the number back too.
            def broken(**kwargs: object) -> None:
                raise RuntimeError("disk full")

            dossier = counter_dossier(reception, procedure)
            with monkeypatch.context() as patch:
                patch.setattr(services.dossier_services, "dossier_settle_fee", broken)
                with pytest.raises(RuntimeError):
                    desk(reception, dossier)
            assert not Payment.objects.filter(dossier=dossier).exists()
    assert numbers(agency) == list(range(1, 9))
    # In the order the payments became paid, each with its own number.
    assert [p.receipt.number for p in paid] == list(range(1, 9))
    assert ReceiptCounter.objects.get(agency=agency).last_number == 8
    receipt = paid[0].receipt
    year = receipt.year
    assert receipt.series == f"{agency.receipt_series}-{year % 100:02d}E"
    assert paid[0].receipt_no == f"{receipt.series} 0000001"
    # Another agency starts its own sequence.
    other = AgencyFactory()
    other_reception = make_official(agency=other)
    elsewhere = ProcedureFactory(agencies=[other])
    first = desk(other_reception, counter_dossier(other_reception, elsewhere))
    assert first.receipt.number == 1 and numbers(agency) == list(range(1, 9))


def test_the_sequence_restarts_each_year(agency, reception, procedure, monkeypatch):
    desk(reception, counter_dossier(reception, procedure))
    this_year = Receipt.objects.get().year
    # 31/12 at 17:30 UTC is already 1 January in Vietnam: the receipt belongs to the new year.
    new_year = dt.datetime(this_year, 12, 31, 17, 30, tzinfo=dt.UTC)
    with monkeypatch.context() as patch:
        patch.setattr(services.timezone, "now", lambda: new_year)
        receipt = desk(reception, counter_dossier(reception, procedure)).receipt
    assert receipt.year == this_year + 1 and receipt.number == 1
    assert receipt.series.endswith(f"-{(this_year + 1) % 100:02d}E")
    again = desk(reception, counter_dossier(reception, procedure)).receipt
    assert (again.year, again.number) == (this_year, 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_take_distinct_consecutive_numbers(agency, procedure):
    reception = make_official(agency=agency)
    counter = [counter_dossier(reception, procedure) for _ in range(5)]
    citizens = [CitizenFactory() for _ in range(3)]
    online = []
    for citizen in citizens:
        payment, _url = start(make_submitted(citizen, procedure), citizen)
        online.append(callback(payment, txn_no=next(TXN_NOS)))

    calls = [lambda d=d: desk(reception, d).pk for d in counter]
    calls += [lambda p=p: services.payment_confirm_from_ipn(params=p)[0] for p in online]
    results = run_at_once(*calls)

    assert results[5:] == ["00", "00", "00"]
    assert numbers(agency) == list(range(1, 9))
    assert ReceiptCounter.objects.get(agency=agency).last_number == 8
    assert Payment.objects.filter(status="paid").count() == 8


def test_receipt_pdf_carries_what_the_decree_lists(agency, reception, procedure):
    agency.tax_code = "0101234567"
    agency.receipt_form_symbol = "01BLP0-001"
    agency.receipt_series = "AB"
    agency.save()
    payment = desk(reception, counter_dossier(reception, procedure))
    assert payment.receipt.items == [{"name": "Lệ phí", "amount": 50_000}]
    text = " ".join(pdf_text(receipts.receipt_pdf(payment=payment)).split())
    year = payment.receipt.year % 100
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        "01BLP0-001",
        f"AB-{year:02d}E",
        "Số: 0000001",
        agency.name.upper(),
        "Mã số thuế: 0101234567",
        "Phạm Minh Châu",  # the payer
        "1 Lệ phí 50.000",  # the catalogue's fee name, with its amount
        "50.000",
        "Năm mươi nghìn đồng",
        "Tiền mặt",
        "Người nộp tiền",
        "Người thu tiền",
        reception.get_full_name(),  # the collector signs
    ):
        assert expected in text, expected


def test_online_receipt_is_signed_by_the_agency(agency, citizen, procedure):
    payment = pay_online(make_submitted(citizen, procedure), citizen)
    text = " ".join(pdf_text(receipts.receipt_pdf(payment=payment)).split())
    assert "Số: 0000001" in text and "Bốn mươi nghìn đồng" in text
    assert f"Ký bởi: {agency.name}" in text and payment.gateway_txn_no in text
