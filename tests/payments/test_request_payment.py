"""request_payment: amounts as written (issue 18.5), offered only when a fee is owed (17.1),
and the fee announced once per payment."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from dossiers import workflow
from dossiers.filing import services as filing_services
from dossiers.workflow import services as workflow_services
from dvctt.formats import format_number, parse_dong
from notifications.models import Notification
from tests.dossiers.conftest import make_submitted, required_components, upload
from tests.payments.conftest import callback, start
from tests.procedures.factories import ProcedureFactory

# --- parsing -----------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**15))
def test_every_whole_amount_reads_back_however_it_is_written(n):
    assert parse_dong(n) == n
    assert parse_dong(str(n)) == n
    assert parse_dong(format_number(n)) == n  # Vietnamese grouping: 1.250.000
    assert parse_dong(Decimal(n)) == n
    if n < 2**53:
        assert parse_dong(float(n)) == n  # 50000.0 is 50000, never 500000


@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=1, max_value=99),
)
def test_a_fraction_is_never_read_as_grouping(n, cents):
    assert parse_dong(n + cents / 100) is None
    assert parse_dong(Decimal(n) + Decimal(cents) / 100) is None
    assert parse_dong(f"{n}.{cents:02d}") is None  # "50000.50": not 3-digit groups
    assert parse_dong(f"{n},{cents:02d}") is None


@pytest.mark.parametrize(
    "bad",
    [True, False, None, "abc", "", "50.00", "5.0000", "50,000", "1e5", "-5", "٥٠", [1], {}],
)
def test_what_is_not_an_amount(bad):
    assert parse_dong(bad) is None


# --- request_payment through the API and the form ------------------------------------------


@pytest.fixture
def council_dossier(citizen, agency, reception):
    """A received dossier whose fee the catalogue leaves to the council (the official sets it)."""
    procedure = ProcedureFactory(
        agencies=[agency], content__fee_amount=None, content__fee_online_amount=None
    )
    dossier = make_submitted(citizen, procedure)
    workflow_services.dossier_run_action(actor=reception, dossier_id=dossier.pk, action="receive")
    return dossier


def _api(reception):
    api = APIClient()
    api.force_authenticate(reception)
    return api


@pytest.mark.django_db
@pytest.mark.parametrize(("amount", "expected"), [(50000.0, 50_000), (50000, 50_000)])
def test_api_takes_a_whole_number_of_dong(council_dossier, reception, amount, expected):
    response = _api(reception).post(
        f"/api/v1/dossiers/{council_dossier.pk}/actions/request_payment/",
        {"amount": amount},
        format="json",
    )
    assert response.status_code == 200, response.json()
    council_dossier.refresh_from_db()
    assert council_dossier.fee_amount == expected and council_dossier.status == "awaiting_payment"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "amount", [50000.5, "abc", -5, 0, True, 10**20, 100_000_001, "50.000,5", 1e300]
)
def test_api_refuses_anything_else_with_400_naming_the_field(council_dossier, reception, amount):
    response = _api(reception).post(
        f"/api/v1/dossiers/{council_dossier.pk}/actions/request_payment/",
        {"amount": amount},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body["fields"]) == ["amount"] and "số nguyên dương" in body["message"]
    council_dossier.refresh_from_db()
    assert council_dossier.status == "received" and council_dossier.fee_amount == 0


@pytest.mark.django_db
def test_the_ceiling_comes_from_the_setting(council_dossier, reception, settings):
    settings.FEE_AMOUNT_MAX = 1_000_000
    url = f"/api/v1/dossiers/{council_dossier.pk}/actions/request_payment/"
    refused = _api(reception).post(url, {"amount": 1_000_001}, format="json")
    assert refused.status_code == 400 and "1.000.000" in refused.json()["message"]
    assert _api(reception).post(url, {"amount": 1_000_000}, format="json").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "expected"), [("50.000", 50_000), ("50000", 50_000)])
def test_form_reads_vietnamese_grouping(client, council_dossier, reception, typed, expected):
    client.force_login(reception)
    client.post(
        f"/can-bo/ho-so/{council_dossier.pk}/thao-tac/request_payment/",
        {"amount": typed, "confirm": "on"},
    )
    council_dossier.refresh_from_db()
    assert council_dossier.fee_amount == expected and council_dossier.status == "awaiting_payment"


@pytest.mark.django_db
def test_form_refuses_a_decimal_with_the_message(client, council_dossier, reception):
    client.force_login(reception)
    response = client.post(
        f"/can-bo/ho-so/{council_dossier.pk}/thao-tac/request_payment/",
        {"amount": "50000,5", "confirm": "on"},
        follow=True,
    )
    assert "số nguyên dương" in response.content.decode()
    council_dossier.refresh_from_db()
    assert council_dossier.status == "received"


# --- offered only when something is owed ------------------------------------------------------


@pytest.mark.django_db
def test_request_payment_is_not_offered_when_nothing_is_owed(
    client, citizen, agency, reception, free_procedure, council_dossier
):
    # No fee in the catalogue: nothing to ask for.
    free = make_submitted(citizen, free_procedure)
    workflow_services.dossier_run_action(actor=reception, dossier_id=free.pk, action="receive")
    free.refresh_from_db()
    assert "request_payment" not in workflow.available_actions(free, reception)
    # A fee paid online at submission: nothing left to ask for.
    paid = make_submitted(citizen, ProcedureFactory(agencies=[agency]))
    payment, _url = start(paid, citizen)
    assert client.get("/payments/vnpay/ipn/", callback(payment)).json()["RspCode"] == "00"
    workflow_services.dossier_run_action(actor=reception, dossier_id=paid.pk, action="receive")
    paid.refresh_from_db()
    assert "request_payment" not in workflow.available_actions(paid, reception)
    response = _api(reception).post(
        f"/api/v1/dossiers/{paid.pk}/actions/request_payment/", {}, format="json"
    )
    assert response.status_code == 409
    detail = _api(reception).get(f"/api/v1/dossiers/{paid.pk}/").json()
    assert "request_payment" not in detail["available_actions"]
    # A council-set fee not yet stated, and a fee owed but unpaid: offered.
    council_dossier.refresh_from_db()
    assert "request_payment" in workflow.available_actions(council_dossier, reception)
    unpaid = make_submitted(citizen, ProcedureFactory(agencies=[agency]))
    workflow_services.dossier_run_action(actor=reception, dossier_id=unpaid.pk, action="receive")
    unpaid.refresh_from_db()
    assert "request_payment" in workflow.available_actions(unpaid, reception)


# --- the fee is announced once ---------------------------------------------------------------


@pytest.mark.django_db
def test_no_second_fee_due_message_after_a_supplement_on_a_paid_dossier(
    client, citizen, procedure, reception
):
    dossier = make_submitted(citizen, procedure)
    payment, _url = start(dossier, citizen)
    assert client.get("/payments/vnpay/ipn/", callback(payment)).json()["RspCode"] == "00"
    component = required_components(dossier)[0]
    workflow_services.dossier_run_action(
        actor=reception,
        dossier_id=dossier.pk,
        action="request_supplement",
        data={"reason": "Ảnh mờ", "items": [component["id"]]},
    )
    filing_services.attachment_add(
        actor=citizen, dossier_id=dossier.pk, component_id=component["id"], upload=upload()
    )
    workflow_services.dossier_run_action(actor=citizen, dossier_id=dossier.pk, action="supplement")
    inbox = Notification.objects.filter(recipient=citizen, channel="in_app")
    fee_due = [n for n in inbox if "phải nộp" in n.body]
    assert len(fee_due) == 1  # the first submission's, before the payment
    paid = [n for n in inbox if "đã nhận phí, lệ phí" in n.subject]
    assert len(paid) == 1
