"""The one fee rule: online rate within its dates, council-set fees, zero fees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dossiers.errors import InvalidTransition
from dossiers.workflow import services as dossier_services
from dvctt.errors import InvalidInput
from payments.services import PaymentNotDue
from procedures.fees import fee_quote
from procedures.models import FeeItem
from procedures.services import procedure_publish
from tests.dossiers.conftest import make_submitted
from tests.payments.conftest import start
from tests.procedures.factories import ProcedureFactory

SNAPSHOT = {
    "fees": [
        {
            "name": "Lệ phí cấp giấy phép lái xe",
            "amount": 135_000,
            "online_amount": 115_000,
            "online_from": "2023-12-01",
            "online_until": "2025-12-31",
            "case": None,
        }
    ]
}


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day + "T10:00:00+07:00")


def test_online_rate_applies_only_between_its_dates():
    assert fee_quote(snapshot=SNAPSHOT, case_id=1, online=True, at=_at("2025-12-31")).total == (
        115_000
    )
    # TT 63/2023/TT-BTC's reduction ended on 31/12/2025: from 2026 the full rate applies.
    lapsed = fee_quote(snapshot=SNAPSHOT, case_id=1, online=True, at=_at("2026-01-01"))
    assert lapsed.total == 135_000 and not lapsed.lines[0].online_rate
    assert fee_quote(snapshot=SNAPSHOT, case_id=1, online=True, at=_at("2023-11-30")).total == (
        135_000
    )
    assert fee_quote(snapshot=SNAPSHOT, case_id=1, online=False, at=_at("2025-06-01")).total == (
        135_000
    )


def test_council_set_fee_is_undetermined_not_free():
    quote = fee_quote(
        snapshot={"fees": [{"name": "Lệ phí", "amount": None, "online_amount": None}]},
        case_id=1,
        online=True,
    )
    assert quote.undetermined and not quote.is_free and quote.total == 0
    free = fee_quote(
        snapshot={"fees": [{"name": "Lệ phí", "amount": 0, "online_amount": 0}]},
        case_id=1,
        online=True,
    )
    assert free.is_free


@pytest.mark.django_db
def test_lapsed_online_rate_is_not_applied_at_submission(citizen, agency):
    procedure = ProcedureFactory(agencies=[agency])
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    FeeItem.objects.filter(procedure=procedure).update(online_until=yesterday)
    procedure_publish(procedure=procedure)
    dossier = make_submitted(citizen, procedure)
    assert dossier.fee_amount == 50_000  # the full rate, not the lapsed online 40,000


@pytest.mark.django_db
def test_zero_fee_procedure_skips_payment(citizen, agency):
    dossier = make_submitted(citizen, ProcedureFactory(free=True, agencies=[agency]))
    assert dossier.fee_amount == 0 and not dossier.payment_due
    with pytest.raises(PaymentNotDue):
        start(dossier, citizen)


@pytest.mark.django_db
def test_council_set_fee_needs_the_official_amount(citizen, agency, reception):
    procedure = ProcedureFactory(
        agencies=[agency], content__fee_amount=None, content__fee_online_amount=None
    )
    dossier = make_submitted(citizen, procedure)
    assert dossier.fee_amount == 0 and not dossier.payment_due
    dossier_services.dossier_run_action(actor=reception, dossier_id=dossier.pk, action="receive")
    with pytest.raises(InvalidInput) as exc:
        dossier_services.dossier_run_action(
            actor=reception, dossier_id=dossier.pk, action="request_payment"
        )
    assert "amount" in exc.value.fields
    for bad in ("-5", "abc", "0"):
        with pytest.raises(InvalidInput):
            dossier_services.dossier_run_action(
                actor=reception,
                dossier_id=dossier.pk,
                action="request_payment",
                data={"amount": bad},
            )
    dossier = dossier_services.dossier_run_action(
        actor=reception, dossier_id=dossier.pk, action="request_payment", data={"amount": "30000"}
    )
    assert dossier.fee_amount == 30_000 and dossier.payment_due
    payment, _url = start(dossier, citizen)
    assert payment.amount == 30_000


@pytest.mark.django_db
def test_result_cannot_be_returned_while_fee_unpaid(citizen, agency):
    from accounts.constants import StaffRoleName
    from tests.dossiers.factories import dossier_in
    from tests.factories import make_official

    clerk = make_official(agency=agency, role=StaffRoleName.CLERK)
    dossier = dossier_in(
        "result_issued", agency=agency, citizen=citizen, officials={"clerk": clerk}
    )
    assert dossier.payment_due
    with pytest.raises(InvalidTransition) as exc:
        dossier_services.dossier_run_action(
            actor=clerk, dossier_id=dossier.pk, action="return_result"
        )
    assert "chưa được nộp" in exc.value.message
    payment, _url = start(dossier, citizen)
    from django.test import Client

    from tests.payments.conftest import callback

    assert Client().get("/payments/vnpay/ipn/", callback(payment)).json()["RspCode"] == "00"
    dossier = dossier_services.dossier_run_action(
        actor=clerk, dossier_id=dossier.pk, action="return_result"
    )
    assert dossier.status == "returned"


@pytest.mark.django_db
def test_catalogue_page_shows_the_full_rate_once_the_online_reduction_lapsed(client, agency):
    procedure = ProcedureFactory(agencies=[agency])
    page = client.get(f"/thu-tuc/{procedure.code}/").content.decode()
    assert "40.000\xa0đ" in page and "giảm khi nộp trực tuyến" in page
    FeeItem.objects.filter(procedure=procedure).update(
        online_until=timezone.localdate() - dt.timedelta(days=1)
    )
    page = client.get(f"/thu-tuc/{procedure.code}/").content.decode()
    assert "40.000\xa0đ" not in page and "giảm khi nộp trực tuyến" not in page
