"""Operations findings: /metrics, HTTPS exemptions, secrets, enumeration, CSP, downloads,
double submission, 403 reasons, GETs that wrote."""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework.test import APIClient

from dossiers.models import Dossier
from procedures.models import ProcedureVersion
from tests.concurrency import run_at_once
from tests.dossiers.conftest import make_draft, required_components, upload
from tests.factories import CitizenFactory
from tests.production import manage, production_env


def test_metrics_only_for_configured_addresses_or_the_bearer_token(client, db, settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["10.1.0.0/16"]
    settings.METRICS_BEARER_TOKEN = "scrape-secret-0123456789"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 403
    # A forged X-Forwarded-For does not make an outsider a scraper.
    forged = client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert forged.status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 403
    right = client.get(
        "/metrics",
        REMOTE_ADDR="203.0.113.5",
        HTTP_AUTHORIZATION="Bearer scrape-secret-0123456789",
    )
    assert right.status_code == 200 and b"django_http_requests" in right.content


def test_production_is_https_everywhere_but_healthz(tmp_path):
    code = (
        "from django.conf import settings; "
        "print(settings.SECURE_REDIRECT_EXEMPT, settings.SECURE_SSL_REDIRECT)"
    )
    result = manage(production_env(tmp_path), "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['^healthz$'] True"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me"),
        ("DJANGO_SECRET_KEY", "short"),
        ("VNPAY_HASH_SECRET", "dev-only-vnpay-secret"),
        ("VNPAY_HASH_SECRET", ""),
        ("POSTAL_SHARED_SECRET", "dev-only-postal-secret"),
    ],
)
def test_production_refuses_development_secrets(tmp_path, name, value):
    result = manage(production_env(tmp_path, **{name: value}), "check")
    assert result.returncode != 0
    assert name in result.stderr


def test_signup_and_reset_do_not_tell_whether_an_email_has_an_account(client, db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    CitizenFactory(email="coroi@example.vn")

    def signup(email, id_number):
        return client.post(
            "/accounts/signup/",
            {
                "full_name": "Lê Văn Cường",
                "email": email,
                "id_number": id_number,
                "phone": "0912000111",
                "password1": "Rat-kho-doan#2025",
                "password2": "Rat-kho-doan#2025",
            },
        )

    taken, fresh = (
        signup("coroi@example.vn", "036095000123"),
        signup("moi@example.vn", "036095000124"),
    )
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    client.logout()
    reset = [
        client.post("/accounts/password/reset/", {"email": email})
        for email in ("coroi@example.vn", "khongco@example.vn")
    ]
    assert reset[0].status_code == reset[1].status_code == 302
    assert reset[0]["Location"] == reset[1]["Location"]
    assert len(mail.outbox) >= 2  # the owner of the taken address is told by e-mail instead


def test_local_signup_answers_the_same_for_a_known_and_a_new_address(client, db, settings):
    import importlib

    from accounts.models import User

    local = importlib.import_module("dvctt.settings.local")
    # `make run` uses the local settings: sign-up there must not tell who has an account.
    settings.ACCOUNT_EMAIL_VERIFICATION = local.ACCOUNT_EMAIL_VERIFICATION
    settings.ACCOUNT_PREVENT_ENUMERATION = local.ACCOUNT_PREVENT_ENUMERATION
    CitizenFactory(email="dacotaikhoan@example.vn")

    def signup(email, id_number):
        client.logout()
        response = client.post(
            "/accounts/signup/",
            {
                "full_name": "Lê Văn Cường",
                "email": email,
                "id_number": id_number,
                "phone": "0912000111",
                "password1": "Rat-kho-doan#2025",
                "password2": "Rat-kho-doan#2025",
            },
            follow=True,
        )
        page = response.content.decode().replace(email, "EMAIL")
        return (
            response.status_code,
            response.redirect_chain,
            page,
            "_auth_user_id" in client.session,
        )

    known = signup("dacotaikhoan@example.vn", "036095000123")
    new = signup("chuacotaikhoan@example.vn", "036095000124")
    assert known[:2] == new[:2]
    assert known[0] == 200 and known[1]  # redirected to the same "check your e-mail" page
    for page in (known[2], new[2]):  # the same "check your e-mail" message, nothing else
        assert "Đã gửi thư xác nhận tới EMAIL." in page
        assert "đã được đăng ký" not in page and "already registered" not in page
    assert known[3] is new[3] is False  # neither is signed in before the address is confirmed
    assert User.objects.filter(email="chuacotaikhoan@example.vn").exists()


def test_csp_has_no_inline_styles_and_pages_carry_none(client, db):
    for path in ("/", "/thu-tuc/", "/tra-cuu/", "/accounts/login/", "/api/docs/"):
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        style = next(d for d in policy.split(";") if d.strip().startswith("style-src"))
        assert "unsafe-inline" not in style, path
        html = response.content.decode()
        assert "<style" not in html and ' style="' not in html, path
        if "htmx" in html:  # htmx would inject its indicator <style> unless told not to
            assert '"includeIndicatorStyles": false' in html, path


def test_downloads_carry_the_extension_of_the_detected_type(client, citizen, procedure):
    dossier = make_draft(citizen, procedure, complete=False)
    component = required_components(dossier)[0]
    client.force_login(citizen)
    for name in ("poly.html", "evil.exe", "khong-duoi"):
        client.post(
            f"/ho-so/{dossier.pk}/tep/", {"component": component["id"], "file": upload(name)}
        )
        attachment = dossier.attachments.get(is_current=True)
        response = client.get(f"/ho-so-cua-toi/{dossier.pk}/tep/{attachment.pk}/")
        stem = name.split(".")[0]
        assert response["Content-Disposition"] == f'attachment; filename="{stem}.pdf"'
        assert response["Content-Type"] == "application/pdf"


def test_a_double_submitted_start_form_makes_one_draft(client, citizen, procedure):
    client.force_login(citizen)
    page = client.get(f"/ho-so/nop/{procedure.code}/").content.decode()
    token = page.split('name="submission_id" value="')[1].split('"')[0]
    form = {
        "submission_id": token,
        "agency": procedure.agencies.get().code,
        "case": procedure.cases.get().pk,
    }
    first = client.post(f"/ho-so/nop/{procedure.code}/", form)
    second = client.post(f"/ho-so/nop/{procedure.code}/", form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Dossier.objects.count() == 1
    # A new visit to the page is a new form: it may start another draft.
    page = client.get(f"/ho-so/nop/{procedure.code}/").content.decode()
    assert token not in page


def test_each_403_says_what_was_refused(client, citizen, official, procedure):
    client.force_login(citizen)
    page = client.get("/can-bo/")
    assert page.status_code == 403 and "chỉ dành cho cán bộ" in page.content.decode()
    api = APIClient()
    api.force_authenticate(official)
    body = api.post("/api/v1/dossiers/", {"procedure": procedure.code}, format="json").json()
    assert body["code"] == "permission_denied" and "công dân" in body["message"]
    refused = APIClient().post("/api/v1/dossiers/", {}, format="json").json()
    assert refused["message"] != "Yêu cầu không hợp lệ."


def test_opening_a_procedure_publishes_nothing(client, citizen, procedure):
    ProcedureVersion.objects.filter(procedure=procedure).delete()
    client.force_login(citizen)
    assert client.get(f"/ho-so/nop/{procedure.code}/").status_code == 200
    assert not ProcedureVersion.objects.filter(procedure=procedure).exists()
    # The POST that creates the draft is the one that publishes the version it snapshots.
    client.post(
        f"/ho-so/nop/{procedure.code}/",
        {"agency": procedure.agencies.get().code, "case": procedure.cases.get().pk},
    )
    assert ProcedureVersion.objects.filter(procedure=procedure).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_of_one_form_make_one_draft(citizen, procedure):
    from dossiers.filing import services

    def submit():
        return services.dossier_create_draft(
            actor=citizen, procedure_code=procedure.code, submission_id="a" * 32
        ).pk

    made = run_at_once(submit, submit)
    assert len(made) == 2 and made[0] == made[1]
    assert Dossier.objects.count() == 1


def test_a_double_submitted_counter_form_makes_one_draft(client, reception, procedure):
    client.force_login(reception)
    page = client.get("/can-bo/tiep-nhan/").content.decode()
    token = page.split('name="submission_id" value="')[1].split('"')[0]
    form = {
        "submission_id": token,
        "case": procedure.cases.get().pk,
        "applicant_id_number": "001200000123",
        "identity_checked": "on",
    }
    first = client.post("/can-bo/tiep-nhan/", form)
    second = client.post("/can-bo/tiep-nhan/", form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Dossier.objects.count() == 1
