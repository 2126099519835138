"""Fees paid at the desk (docs/api.md §4, docs/domain.md "Desk realities"; NĐ 61/2018 Điều 22).

Reception records cash or a bank transfer on a dossier of its agency: the payment is paid at
once, with its DossierEvent and its numbered e-receipt, and the result can then be returned.
"""

from __future__ import annotations

import pytest

from dossiers.constants import Channel, DossierAction, DossierStatus
from dossiers.errors import InvalidTransition
from dossiers.filing import services as dossier_services
from dossiers.models import Dossier
from dvctt.errors import Conflict, Forbidden, InvalidInput, NotFound
from payments import services
from payments.constants import PaymentMethod, PaymentStatus
from payments.models import Payment, Receipt
from tests.concurrency import run_at_once
from tests.dossiers.conftest import required_components, upload
from tests.dossiers.papers import run, to_appraised
from tests.factories import AgencyFactory, CitizenFactory, make_official
from tests.payments.conftest import start

pytestmark = pytest.mark.django_db


def counter_dossier(reception, procedure, id_number: str = "001200000123"):
    """File, complete and submit a dossier at the desk (the factory's counter fee: 50,000 đ)."""
    draft = dossier_services.dossier_file_at_counter(
        actor=reception,
        procedure_code=procedure.code,
        agency_code=None,
        case_id=None,
        id_number=id_number,
        identity_checked=True,
        applicant_data={},
    )
    dossier_services.dossier_update_form(
        actor=reception, dossier_id=draft.pk, form_data={"ho_ten": "Phạm Minh Châu"}
    )
    for component in required_components(draft):
        dossier_services.attachment_add(
            actor=reception, dossier_id=draft.pk, component_id=component["id"], upload=upload()
        )
    return dossier_services.dossier_submit(actor=reception, dossier_id=draft.pk)


def to_result_issued(dossier, *, reception, specialist, leader, clerk):
    run(dossier, reception, "receive")
    to_appraised(dossier, reception=reception, specialist=specialist)
    run(dossier, leader, "approve")
    return run(dossier, clerk, "issue_result", result_file=upload())


def desk(actor, dossier, method="cash", amount=None, reference=""):
    return services.payment_record_at_desk(
        actor=actor,
        dossier_id=dossier.pk,
        method=method,
        amount=dossier.fee_amount if amount is None else amount,
        reference=reference,
    )


def test_counter_dossier_with_a_fee_paid_in_cash_can_return_its_result(
    reception, specialist, leader, clerk, procedure
):
    dossier = counter_dossier(reception, procedure)
    assert dossier.channel == Channel.COUNTER and dossier.fee_amount == 50_000
    dossier = to_result_issued(
        dossier, reception=reception, specialist=specialist, leader=leader, clerk=clerk
    )
    # Unpaid, the result is held back (the guard of return_result).
    with pytest.raises(InvalidTransition, match="phí, lệ phí của hồ sơ chưa được nộp"):
        run(dossier, clerk, "return_result")

    payment = desk(reception, dossier, amount="50.000")

    assert payment.status == PaymentStatus.PAID and payment.paid_at is not None
    assert payment.method == PaymentMethod.CASH and payment.collected_by == reception
    assert payment.amount == 50_000 and payment.payer == dossier.applicant
    receipt = Receipt.objects.get(payment=payment)
    assert receipt.number == 1 and payment.receipt_no == f"{receipt.series} 0000001"
    event = dossier.events.get(action=DossierAction.CONFIRM_PAYMENT)
    assert event.actor == reception and "50.000" in event.note and "tiền mặt" in event.note
    dossier.refresh_from_db()
    assert not dossier.payment_due and dossier.status == DossierStatus.RESULT_ISSUED
    dossier = run(dossier, clerk, "return_result")
    assert dossier.status == DossierStatus.RETURNED


def test_transfer_needs_its_reference_and_keeps_it(reception, procedure):
    dossier = counter_dossier(reception, procedure)
    with pytest.raises(InvalidInput) as refused:
        desk(reception, dossier, method="transfer")
    assert "reference" in refused.value.fields
    payment = desk(reception, dossier, method="transfer", reference=" FT26340123456 ")
    assert payment.method == PaymentMethod.TRANSFER and payment.reference == "FT26340123456"


@pytest.mark.parametrize(
    ("method", "amount", "field"),
    [
        ("card", 50_000, "method"),
        ("", 50_000, "method"),
        ("cash", 0, "amount"),
        ("cash", -50_000, "amount"),
        ("cash", 50_000.5, "amount"),
        ("cash", "50,000", "amount"),
        ("cash", "năm mươi nghìn", "amount"),
        ("cash", True, "amount"),
        ("cash", None, "amount"),
        ("cash", 10**13, "amount"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(reception, procedure, method, amount, field):
    dossier = counter_dossier(reception, procedure)
    with pytest.raises(InvalidInput) as refused:
        services.payment_record_at_desk(
            actor=reception, dossier_id=dossier.pk, method=method, amount=amount
        )
    assert field in refused.value.fields
    assert not Payment.objects.exists() and not Receipt.objects.exists()


def test_amount_must_be_exactly_what_is_owed(reception, procedure):
    dossier = counter_dossier(reception, procedure)
    for amount in (40_000, 60_000):
        with pytest.raises(InvalidInput, match=r"đúng bằng số phải nộp: 50\.000"):
            desk(reception, dossier, amount=amount)
    assert not Payment.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).payment_due


def test_no_fee_due_is_a_conflict(reception, procedure, free_procedure, citizen):
    paid = counter_dossier(reception, procedure)
    desk(reception, paid)
    with pytest.raises(Conflict, match="không có khoản phí"):
        desk(reception, paid, amount=50_000)  # the second click
    assert Payment.objects.filter(dossier=paid).count() == 1
    free = counter_dossier(reception, free_procedure)  # the same person, another dossier
    with pytest.raises(Conflict):
        desk(reception, free, amount=1)


def test_an_online_dossier_may_pay_at_the_desk(reception, procedure, citizen):
    from tests.dossiers.conftest import make_submitted

    dossier = make_submitted(citizen, procedure)
    payment = desk(reception, dossier)
    assert payment.amount == 40_000  # what the online dossier owes
    assert not Dossier.objects.get(pk=dossier.pk).payment_due


def test_awaiting_payment_moves_on_once_paid_at_the_desk(reception, procedure, citizen):
    from tests.dossiers.factories import dossier_in

    dossier = dossier_in(
        DossierStatus.AWAITING_PAYMENT,
        agency=reception.staff_roles.get().agency,
        procedure=procedure,
        officials={"reception": reception},
    )
    desk(reception, dossier)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_PROGRESS and not dossier.payment_due


def test_a_pending_online_payment_blocks_the_desk(reception, procedure, citizen):
    from tests.dossiers.conftest import make_submitted

    dossier = make_submitted(citizen, procedure)
    start(dossier, citizen)
    with pytest.raises(Conflict, match="đang thanh toán trực tuyến"):
        desk(reception, dossier)


def test_only_reception_of_the_agency_records(procedure, agency, specialist, clerk, citizen):
    reception = make_official(agency=agency)
    dossier = counter_dossier(reception, procedure)
    for official in (specialist, clerk):
        with pytest.raises(Forbidden):
            desk(official, dossier)
    other = make_official(agency=AgencyFactory())
    with pytest.raises(NotFound):
        desk(other, dossier)
    with pytest.raises(NotFound):
        desk(CitizenFactory(), dossier)
    # The owner sees the dossier but is not the desk.
    with pytest.raises(Forbidden):
        desk(dossier.applicant, dossier)
    assert not Payment.objects.exists()


def test_the_bare_payment_is_not_refunded_through_a_gateway(reception, procedure, leader):
    dossier = counter_dossier(reception, procedure)
    payment = desk(reception, dossier)
    run(dossier, reception, "receive")
    run(dossier, leader, "stop", "Không đủ điều kiện")
    with pytest.raises(Conflict, match="không hoàn qua cổng"):
        services.payment_refund(
            actor=reception, payment_id=payment.pk, amount=50_000, reason="Dừng xử lý"
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_desks_at_once_record_the_fee_once(procedure, agency):
    reception = make_official(agency=agency)
    second = make_official(agency=agency)
    dossier = counter_dossier(reception, procedure)

    def record(actor):
        def call():
            try:
                return desk(actor, dossier, amount=50_000).pk
            except Conflict as exc:
                return exc.code

        return call

    results = run_at_once(record(reception), record(second), record(reception))
    assert sorted(map(str, results)).count("payment_not_due") == 2
    assert Payment.objects.filter(dossier=dossier, status=PaymentStatus.PAID).count() == 1
    assert dossier.events.filter(action=DossierAction.CONFIRM_PAYMENT).count() == 1
    assert list(Receipt.objects.values_list("number", flat=True)) == [1]


# --- the API (docs/api.md §4) and the official's page ---------------------------------------


def test_api_desk_variant(client, reception, procedure):
    dossier = counter_dossier(reception, procedure)
    client.force_login(reception)
    url = f"/api/v1/dossiers/{dossier.pk}/payments/"
    bad = client.post(
        url, {"method": "transfer", "amount": 50_000}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert "reference" in bad.json()["fields"]
    wrong = client.post(url, {"method": "cash", "amount": 5_000}, content_type="application/json")
    assert wrong.status_code == 400 and "50.000" in wrong.json()["message"]
    answer = client.post(url, {"method": "cash", "amount": 50_000}, content_type="application/json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["status"] == "paid" and body["amount"] == 50_000 and body["method"] == "cash"
    assert body["receipt_no"].endswith("0000001")
    again = client.post(url, {"method": "cash", "amount": 50_000}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "payment_not_due"
    receipt = client.get(body["receipt_url"])
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")


def test_api_roles_and_visibility(client, reception, specialist, procedure, citizen):
    dossier = counter_dossier(reception, procedure)
    url = f"/api/v1/dossiers/{dossier.pk}/payments/"
    body = {"method": "cash", "amount": 50_000}
    client.force_login(specialist)
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(make_official(agency=AgencyFactory()))
    assert client.post(url, body, content_type="application/json").status_code == 404
    client.force_login(citizen)
    assert client.post(url, body, content_type="application/json").status_code == 404
    assert not Payment.objects.exists()


def test_api_owner_form_without_method_still_starts_online(client, citizen, procedure):
    from tests.dossiers.conftest import make_submitted

    dossier = make_submitted(citizen, procedure)
    client.force_login(citizen)
    answer = client.post(f"/api/v1/dossiers/{dossier.pk}/payments/")
    assert answer.status_code == 201 and set(answer.json()) == {
        "payment_id",
        "amount",
        "redirect_url",
    }
    assert Payment.objects.get().method == PaymentMethod.ONLINE


def test_official_page_form_records_cash(client, reception, specialist, procedure):
    dossier = counter_dossier(reception, procedure)
    page = f"/can-bo/ho-so/{dossier.pk}/"
    client.force_login(specialist)
    assert "Thu phí, lệ phí tại quầy" not in client.get(page).content.decode()
    client.force_login(reception)
    html = client.get(page).content.decode()
    assert "Thu phí, lệ phí tại quầy" in html and 'value="50000"' in html
    assert "Tiền mặt" in html and "Chuyển khoản" in html
    url = f"/can-bo/thanh-toan/ho-so/{dossier.pk}/thu-tai-quay/"
    refused = client.post(url, {"method": "transfer", "amount": "50.000"}, follow=True)
    assert "Vui lòng nhập mã giao dịch chuyển khoản." in refused.content.decode()
    done = client.post(url, {"method": "cash", "amount": "50.000"}, follow=True)
    html = done.content.decode()
    assert "Đã ghi nhận khoản nộp 50.000" in html and "0000001" in html
    assert "Thu phí, lệ phí tại quầy" not in html  # nothing left to collect
    client.force_login(specialist)
    assert client.post(url, {"method": "cash", "amount": "50000"}).status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_late_gateway_confirmation_racing_the_desk_neither_deadlocks_nor_loses_money(
    procedure, agency, citizen
):
    import datetime as dt

    from tests.dossiers.conftest import make_submitted
    from tests.payments.conftest import callback

    reception = make_official(agency=agency)
    dossier = make_submitted(citizen, procedure)
    payment, _url = start(dossier, citizen)
    # The citizen's attempt is past the gateway's pay window, so the desk may take the fee; the
    # gateway's (late) confirmation arrives at the same moment.
    Payment.objects.filter(pk=payment.pk).update(
        created_at=payment.created_at - dt.timedelta(hours=1)
    )
    params = callback(payment, txn_no="77000001")

    def at_desk():
        try:
            return str(desk(reception, dossier, amount=40_000).pk)
        except Conflict as exc:
            return exc.code

    def from_gateway():
        return str(services.payment_confirm_from_ipn(params=params)[0])

    desk_result, ipn_result = run_at_once(at_desk, from_gateway)
    assert ipn_result == "00"  # money the gateway took is always recorded
    paid = Payment.objects.filter(dossier=dossier, status=PaymentStatus.PAID)
    if desk_result == "payment_not_due":  # the gateway won: nothing taken at the desk
        assert paid.count() == 1
    else:  # both took money: each has its receipt, and reconciliation reports it paid twice
        assert paid.count() == 2
    assert sorted(Receipt.objects.values_list("number", flat=True)) == list(
        range(1, paid.count() + 1)
    )


def test_daily_reconciliation_asks_no_gateway_about_desk_payments(reception, procedure):
    from django.utils import timezone

    from dvctt import workdays

    desk(reception, counter_dossier(reception, procedure))
    today = timezone.localtime(timezone.now(), workdays.VN_TZ).date()
    report = services.reconciliation_report_build(day=today)
    assert report.checked == 1 and report.mismatches == []
