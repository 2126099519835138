"""Rate limits key on the real client address (dvctt.client_ip) and on the account."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from dvctt.client_ip import client_ip
from tests.factories import CitizenFactory

rf = RequestFactory()


@pytest.mark.parametrize(
    ("remote", "xff", "trusted", "expected"),
    [
        ("203.0.113.9", "1.2.3.4", [], "203.0.113.9"),  # no proxy configured: header ignored
        ("10.0.0.2", "1.2.3.4", [], "10.0.0.2"),
        ("10.0.0.2", "1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),
        ("10.0.0.2", "6.6.6.6, 1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),  # client-set hop ignored
        ("10.0.0.2", "1.2.3.4, 10.0.0.7", ["10.0.0.0/8"], "1.2.3.4"),  # two proxies of ours
        ("10.0.0.2", "garbage", ["10.0.0.0/8"], "10.0.0.2"),
        ("203.0.113.9", "1.2.3.4", ["10.0.0.0/8"], "203.0.113.9"),  # not from our proxy
        ("::1", "2001:db8::1", ["::1"], "2001:db8::1"),
    ],
)
def test_client_ip_believes_only_configured_proxies(settings, remote, xff, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=xff)
    assert client_ip(request) == expected


def test_a_new_forwarded_for_per_try_does_not_escape_the_token_limit(db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token": "5/m"}
    codes = [
        APIClient()
        .post(
            "/api/v1/auth/token/",
            {"email": f"x{i}@example.vn", "password": "sai"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        )
        .status_code
        for i in range(8)
    ]
    assert codes == [400] * 5 + [429] * 3


def test_wrong_passwords_lock_the_account_from_any_address(db, settings):
    user = CitizenFactory()
    codes = []
    for i in range(7):
        api = APIClient(REMOTE_ADDR=f"192.0.2.{i}")
        codes.append(
            api.post(
                "/api/v1/auth/token/", {"email": user.email, "password": "sai"}, format="json"
            ).status_code
        )
    assert codes == [400] * 5 + [429] * 2
    # Even the right password waits now: the lockout is on the account.
    right = APIClient(REMOTE_ADDR="192.0.2.200").post(
        "/api/v1/auth/token/", {"email": user.email, "password": "S3cure-pass!2025"}, format="json"
    )
    assert right.status_code == 429 and right.json()["code"] == "throttled"


def test_tracking_page_and_api_share_one_limit_per_real_address(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "tracking": "4/m"}
    codes = [
        client.get(
            "/tra-cuu/", {"code": "X", "id_last4": "1234"}, HTTP_X_FORWARDED_FOR=f"1.1.1.{i}"
        ).status_code
        for i in range(2)
    ]
    codes += [
        APIClient()
        .get(
            "/api/v1/tracking/",
            {"code": "X", "id_last4": "1234"},
            HTTP_X_FORWARDED_FOR=f"1.1.2.{i}",
        )
        .status_code
        for i in range(3)
    ]
    assert codes == [404, 404, 404, 404, 429]


def test_web_login_counts_the_real_address(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    pages = [
        client.post(
            "/accounts/login/",
            {"login": f"a{i}@example.vn", "password": "sai"},
            HTTP_X_FORWARDED_FOR=f"9.9.9.{i}",
        ).content.decode()
        for i in range(5)
    ]
    refused = "Đăng nhập không thành công quá nhiều lần"
    assert [refused in page for page in pages] == [False, False, False, True, True]


def test_uploads_are_rate_limited_per_citizen(client, citizen, procedure, settings):
    from tests.dossiers.conftest import make_draft, required_components, upload

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "upload_account": "2/h"}
    dossier = make_draft(citizen, procedure, complete=False)
    component = required_components(dossier)[0]
    client.force_login(citizen)
    codes = [
        client.post(
            f"/ho-so/{dossier.pk}/tep/", {"component": component["id"], "file": upload()}
        ).status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]
