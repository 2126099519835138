"""Officials must set up a second factor where MFA_REQUIRED_FOR_OFFICIALS is on (production).

The password alone must not enrol the first factor: a password thief would enrol their own
authenticator. Enrolment opens only after a single-use token sent to the official's e-mail
(or handed over by an administrator) was used in the same session.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import MfaEnrolmentToken
from notifications.models import Notification
from tests.factories import PASSWORD, CitizenFactory, OfficialFactory

ENROL = reverse("accounts:mfa_enrol")
ACTIVATE = reverse("mfa_activate_totp")
pytestmark = pytest.mark.django_db


def _login(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _activate(client) -> object:
    page = client.get(ACTIVATE)
    if page.status_code == 302:  # allauth asks for the password again first
        assert page["Location"].startswith(reverse("account_reauthenticate"))
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    return client.post(ACTIVATE, {"code": _totp_now(secret)})


def _has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@override_settings(MFA_REQUIRED_FOR_OFFICIALS=True)
def test_a_password_alone_opens_only_the_enrolment_page(client, official):
    _login(client, official)
    for path in (
        "/",
        "/can-bo/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        ACTIVATE,
        reverse("account_reauthenticate"),
        "/tai-khoan/",
        "/admin/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == ENROL, path
    # The attack of issue 18: password → TOTP activation → password re-check → enrolled.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(ACTIVATE, {"code": "123456"})
    assert not _has_totp(official)
    # Changing the e-mail (where the link goes) is refused too.
    client.post("/accounts/email/", {"action_add": "", "email": "ke-gian@example.vn"})
    assert not official.emailaddress_set.filter(email="ke-gian@example.vn").exists()
    # The API answers in the contract's shape instead of redirecting.
    api = client.get("/api/v1/dossiers/")
    assert api.status_code == 403 and api.json()["code"] == "mfa_setup_required"
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "Gửi liên kết đăng ký" in page.content.decode()


@override_settings(MFA_REQUIRED_FOR_OFFICIALS=True)
def test_the_emailed_link_lets_the_official_enrol(
    client, official, django_capture_on_commit_callbacks
):
    _login(client, official)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(ENROL, {"send": "1"}).status_code == 302
        client.post(ENROL, {"send": "1"})  # a second press within the minute sends nothing
    assert [m.to for m in mail.outbox] == [[official.email]]
    link = re.search(
        r"https?://[^/\s]+(/tai-khoan/xac-thuc-hai-lop/dang-ky/\S+/)", mail.outbox[0].body
    )
    assert link
    path = link.group(1)
    # Whoever reads the inbox (the password thief can) does not see the link.
    assert not Notification.objects.filter(channel="in_app").exists()
    token = path.rstrip("/").rsplit("/", 1)[1]
    row = MfaEnrolmentToken.objects.get(user=official)
    assert token not in row.digest  # only a digest is stored

    assert client.get(path).status_code == 200  # GET changes nothing
    row.refresh_from_db()
    assert row.used_at is None
    assert client.get(ACTIVATE)["Location"] == ENROL

    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == ACTIVATE
    _activate(client)
    assert _has_totp(official)
    assert client.get("/can-bo/").status_code == 200


@override_settings(MFA_REQUIRED_FOR_OFFICIALS=True)
def test_a_token_works_once_for_its_official_before_it_expires(client, official):
    other = OfficialFactory()
    used = services.mfa_enrolment_issue(user=official)
    services.mfa_enrolment_consume(user=official, token=used)
    for_other = services.mfa_enrolment_issue(user=other)
    expired = services.mfa_enrolment_issue(user=OfficialFactory())
    MfaEnrolmentToken.objects.filter(used_at__isnull=True).exclude(user=other).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    stale = services.mfa_enrolment_issue(user=other)
    services.mfa_enrolment_issue(user=other)  # a newer token retires `stale` and `for_other`
    for user, token in (
        (official, used),
        (official, for_other),
        (official, "doan-bua"),
        (other, for_other),
        (other, stale),
        (MfaEnrolmentToken.objects.get(expires_at__lt=timezone.now()).user, expired),
    ):
        with pytest.raises(services.EnrolmentTokenInvalid):
            services.mfa_enrolment_consume(user=user, token=token)
    # Through the page: a used link gives a clear Vietnamese message, and nothing opens.
    _login(client, official)
    response = client.post(reverse("accounts:mfa_enrol_link", args=[used]))
    assert response.status_code == 400
    assert "đã được dùng hoặc đã hết hạn" in response.content.decode()
    assert client.get(ACTIVATE)["Location"] == ENROL


@override_settings(MFA_REQUIRED_FOR_OFFICIALS=True)
def test_a_code_from_an_administrator_can_be_typed(client, official, capsys):
    call_command("mfa_enrolment_code", official.email)
    code = re.search(r"Mã: (\S+)", capsys.readouterr().out).group(1)
    _login(client, official)
    wrong = client.post(ENROL, {"code": "khong-dung"})
    assert wrong.status_code == 400 and "không đúng" in wrong.content.decode()
    assert client.post(ENROL, {"code": code})["Location"] == ACTIVATE
    _activate(client)
    assert _has_totp(official)


def test_the_admin_action_emails_the_link_to_officials_only(
    admin_client, official, django_capture_on_commit_callbacks
):
    citizen = CitizenFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/accounts/user/",
            {
                "action": "send_mfa_enrolment_link",
                "_selected_action": [official.pk, citizen.pk],
            },
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[official.email]]
    # The audit list shows who got one, never the token (only its digest is stored).
    audit = admin_client.get("/admin/accounts/mfaenrolmenttoken/")
    assert audit.status_code == 200 and official.full_name in audit.content.decode()


@override_settings(MFA_REQUIRED_FOR_OFFICIALS=True)
def test_official_with_totp_and_citizens_pass(client, official, citizen):
    Authenticator.objects.create(user=official, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(official)
    assert client.get("/").status_code == 200
    assert client.get(ENROL)["Location"] == reverse("mfa_index")  # nothing left to enrol
    client.force_login(citizen)
    assert client.get("/").status_code == 200
    assert client.get(ENROL).status_code == 403  # citizens use allauth's optional MFA pages


@override_settings(MFA_REQUIRED_FOR_OFFICIALS=False)
def test_mfa_is_optional_when_the_setting_is_off(client, official):
    client.force_login(official)
    assert client.get("/").status_code == 200
