"""A typed id number unlocks nothing; the registry, the desk or SSO verify an identity."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection

from accounts.identity import user_verify_identity_by_registry
from accounts.models import User
from dossiers.filing import services
from dossiers.models import Dossier
from dvctt.errors import Conflict, InvalidInput
from integrations.citizen_registry import StandInCitizenRegistry
from tests.factories import CitizenFactory

VICTIM = "001090012345"  # Nguyễn Văn An in the registry stand-in (born 1990-05-12)


def _signup(client, email, id_number):
    return client.post(
        "/accounts/signup/",
        {
            "full_name": "Kẻ Mạo Danh",
            "email": email,
            "id_number": id_number,
            "phone": "0912000999",
            "password1": "Rat-kho-doan#2025",
            "password2": "Rat-kho-doan#2025",
        },
    )


def test_an_impostors_typed_id_number_prefills_nothing(client, procedure, db):
    assert _signup(client, "gia@example.vn", VICTIM).status_code == 302
    impostor = User.objects.get(email="gia@example.vn")
    assert not impostor.identity_verified
    dossier = services.dossier_create_draft(actor=impostor, procedure_code=procedure.code)
    # Only what they typed: no registry address, no date of birth.
    assert dossier.applicant_address == "" and "ngay_sinh" not in dossier.form_data
    assert dossier.applicant_name == "Kẻ Mạo Danh"


def _file_victim_at_counter(reception, procedure):
    # The desk saw the victim's card: nothing the impostor typed matters.
    return services.dossier_file_at_counter(
        actor=reception,
        procedure_code=procedure.code,
        agency_code=None,
        case_id=None,
        id_number=VICTIM,
        identity_checked=True,
        applicant_data={},
    )


def test_a_counter_filing_never_lands_in_an_unverified_account(client, reception, procedure):
    impostor = CitizenFactory(id_number=VICTIM)
    dossier = _file_victim_at_counter(reception, procedure)
    assert dossier.applicant != impostor
    assert dossier.applicant.identity_verified_via == "desk"
    assert not Dossier.objects.filter(applicant=impostor).exists()
    client.force_login(impostor)
    assert (
        dossier.code is None
        and str(dossier.pk) not in client.get("/ho-so-cua-toi/").content.decode()
    )
    # The person verified at the desk is the one later counter filings attach to.
    again = _file_victim_at_counter(reception, procedure)
    assert again.applicant == dossier.applicant


def test_counter_filing_requires_the_card_check_and_writes_nothing_on_failure(reception, procedure):
    users = User.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.dossier_file_at_counter(
            actor=reception,
            procedure_code=procedure.code,
            agency_code=None,
            case_id=None,
            id_number="001200000123",
            identity_checked=False,
            applicant_data={},
        )
    assert "identity_checked" in exc.value.fields
    # One transaction: a draft that fails (unknown case) leaves no walk-in profile behind.
    with pytest.raises(InvalidInput):
        services.dossier_file_at_counter(
            actor=reception,
            procedure_code=procedure.code,
            agency_code=None,
            case_id=999_999,
            id_number="001200000123",
            identity_checked=True,
            applicant_data={},
        )
    assert User.objects.count() == users and not Dossier.objects.exists()


def test_verify_by_registry_needs_number_name_and_birthday(db):
    user = CitizenFactory(id_number="", full_name="")
    for name, dob in (
        ("Nguyễn Văn An", dt.date(1990, 5, 13)),
        ("Nguyen Van An", dt.date(1990, 5, 12)),  # without the marks it is another name
    ):
        with pytest.raises(InvalidInput) as exc:
            user_verify_identity_by_registry(
                actor=user, id_number=VICTIM, full_name=name, date_of_birth=dob
            )
        assert exc.value.code == "identity_mismatch"
    user.refresh_from_db()
    assert not user.identity_verified
    user_verify_identity_by_registry(
        actor=user,
        id_number=VICTIM,
        full_name="  nguyễn văn  AN ",
        date_of_birth=dt.date(1990, 5, 12),
    )
    user.refresh_from_db()
    assert user.identity_verified_via == "registry" and user.id_number == VICTIM
    assert user.full_name == "Nguyễn Văn An" and user.date_of_birth == dt.date(1990, 5, 12)
    other = CitizenFactory(id_number="")
    with pytest.raises(Conflict):
        user_verify_identity_by_registry(
            actor=other,
            id_number=VICTIM,
            full_name="Nguyễn Văn An",
            date_of_birth=dt.date(1990, 5, 12),
        )


def test_the_verification_page(client, procedure, db):
    user = CitizenFactory(id_number=VICTIM, full_name="Nguyễn Văn An", address="", phone="")
    client.force_login(user)
    page = client.get("/tai-khoan/xac-thuc-danh-tinh/")
    assert page.status_code == 200 and "chưa được xác thực" in page.content.decode()
    wrong = client.post(
        "/tai-khoan/xac-thuc-danh-tinh/",
        {"id_number": VICTIM, "full_name": "Nguyễn Văn An", "date_of_birth": "1991-01-01"},
    )
    assert wrong.status_code == 400 and "không khớp" in wrong.content.decode()
    ok = client.post(
        "/tai-khoan/xac-thuc-danh-tinh/",
        {"id_number": VICTIM, "full_name": "Nguyễn Văn An", "date_of_birth": "12/05/1990"},
    )
    assert ok.status_code == 302
    assert "đã được xác thực" in client.get(ok["Location"]).content.decode()
    user.refresh_from_db()
    # Verified now: the registry completes the draft (once-only).
    dossier = services.dossier_create_draft(actor=user, procedure_code=procedure.code)
    assert (
        "Hàng Bạc" in dossier.applicant_address and dossier.form_data["ngay_sinh"] == "1990-05-12"
    )


def test_verification_tries_are_limited_per_account(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "identity_account": "2/h"}
    client.force_login(CitizenFactory(id_number=""))
    codes = [
        client.post(
            "/tai-khoan/xac-thuc-danh-tinh/",
            {"id_number": VICTIM, "full_name": "Nguyễn Văn An", "date_of_birth": f"1990-01-0{i}"},
        ).status_code
        for i in range(1, 4)
    ]
    assert codes == [400, 400, 429]


def test_signup_does_not_reveal_a_used_id_number(client, db):
    CitizenFactory(id_number="036095000123", verified=True)
    response = _signup(client, "moi@example.vn", "036095000123")
    assert response.status_code == 302
    assert "đã được dùng" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_registry_is_never_called_inside_a_transaction(reception, procedure):
    seen = []
    original = StandInCitizenRegistry.lookup

    def lookup(self, id_number):
        seen.append(connection.in_atomic_block)
        return original(self, id_number)

    verified = CitizenFactory(id_number=VICTIM, address="", phone="", verified=True)
    with mock.patch.object(StandInCitizenRegistry, "lookup", lookup):
        services.dossier_create_draft(actor=verified, procedure_code=procedure.code)
        services.dossier_file_at_counter(
            actor=reception,
            procedure_code=procedure.code,
            agency_code=None,
            case_id=None,
            id_number="001200000123",
            identity_checked=True,
            applicant_data={},
        )
        user_verify_identity_by_registry(
            actor=CitizenFactory(id_number=""),
            id_number="079185001234",
            full_name="Trần Thị Bình",
            date_of_birth=dt.date(1985, 9, 3),
        )
    assert seen == [False, False, False]
