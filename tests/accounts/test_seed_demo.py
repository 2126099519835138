from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.constants import StaffRoleName, UserKind
from accounts.demo import AGENCY_A, AGENCY_B, DEMO_PASSWORD
from accounts.models import Agency, StaffRole, User

DEMO_EMAILS = {
    "congdan@demo.vn",
    "congdan2@demo.vn",
    "motcua@demo.vn",
    "chuyenvien@demo.vn",
    "lanhdao@demo.vn",
    "vanthu@demo.vn",
    "admin@demo.vn",
    "motcua2@demo.vn",
    "chuyenvien2@demo.vn",
    "lanhdao2@demo.vn",
}


def test_seed_demo_creates_the_api_md_accounts_and_is_idempotent(db):
    call_command("seed_demo")
    counts = (User.objects.count(), Agency.objects.count(), StaffRole.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Agency.objects.count(), StaffRole.objects.count()) == counts

    assert set(User.objects.values_list("email", flat=True)) >= DEMO_EMAILS
    for email in DEMO_EMAILS:
        assert authenticate(email=email, password=DEMO_PASSWORD) is not None, email

    an = User.objects.get(email="congdan@demo.vn")
    assert (an.full_name, an.id_number, an.phone, an.kind) == (
        "Nguyễn Văn An",
        "001090012345",
        "0912345678",
        UserKind.CITIZEN,
    )
    assert User.objects.get(email="congdan2@demo.vn").id_number == "079185001234"
    assert User.objects.get(email="admin@demo.vn").is_superuser

    a = Agency.objects.get(code=AGENCY_A)
    b = Agency.objects.get(code=AGENCY_B)
    assert a.name == "Trung tâm Phục vụ hành chính công tỉnh Demo"
    assert b.name == "UBND xã Demo"
    roles = {
        (r.user.email, r.agency.code, r.role)
        for r in StaffRole.objects.select_related("user", "agency")
    }
    assert roles >= {
        ("motcua@demo.vn", AGENCY_A, StaffRoleName.RECEPTION),
        ("chuyenvien@demo.vn", AGENCY_A, StaffRoleName.SPECIALIST),
        ("lanhdao@demo.vn", AGENCY_A, StaffRoleName.LEADER),
        ("vanthu@demo.vn", AGENCY_A, StaffRoleName.CLERK),
        ("motcua2@demo.vn", AGENCY_B, StaffRoleName.RECEPTION),
        ("chuyenvien2@demo.vn", AGENCY_B, StaffRoleName.SPECIALIST),
        ("lanhdao2@demo.vn", AGENCY_B, StaffRoleName.LEADER),
    }


def test_demo_accounts_log_in_under_the_local_settings(client, db, settings):
    import importlib

    from accounts.demo import seed_demo_accounts

    # `make run` asks for verified addresses (no sign-up enumeration): the demo ones are.
    local = importlib.import_module("dvctt.settings.local")
    settings.ACCOUNT_EMAIL_VERIFICATION = local.ACCOUNT_EMAIL_VERIFICATION
    settings.MFA_REQUIRED_FOR_OFFICIALS = local.MFA_REQUIRED_FOR_OFFICIALS
    seed_demo_accounts()
    for email in ("congdan@demo.vn", "motcua@demo.vn"):
        client.logout()
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/", email
        assert client.get("/").status_code == 200
