"""API tokens: two-factor honoured, hashed, expiring, revoked on logout / password / DELETE."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import PASSWORD, CitizenFactory, make_official

URL = "/api/v1/auth/token/"


def _otp(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def _login(email, password=PASSWORD, **extra):
    return APIClient().post(URL, {"email": email, "password": password, **extra}, format="json")


@pytest.fixture
def official_with_totp(agency):
    official = make_official(agency=agency)
    secret = generate_totp_secret()
    TOTP.activate(official, secret)
    return official, secret


def test_password_alone_gets_no_token_for_an_account_with_totp(official_with_totp):
    official, secret = official_with_totp
    response = _login(official.email)
    assert response.status_code == 400
    assert response.json()["code"] == "otp_required" and "otp" in response.json()["fields"]
    assert _login(official.email, otp="000000").json()["code"] in {"otp_invalid"}
    assert not AuthToken.objects.exists()
    ok = _login(official.email, otp=_otp(secret))
    assert ok.status_code == 200, ok.content
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {ok.json()['token']}")
    assert api.get("/api/v1/dossiers/").status_code == 200


def test_a_used_otp_cannot_be_replayed(official_with_totp):
    official, secret = official_with_totp
    code = _otp(secret)
    assert _login(official.email, otp=code).status_code == 200
    assert _login(official.email, otp=code).json()["code"] == "otp_invalid"


def test_official_without_totp_gets_no_token_where_mfa_is_required(official, settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = True
    response = _login(official.email)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "mfa_setup_required" and "hai lớp" in body["message"]
    assert not AuthToken.objects.exists()
    settings.MFA_REQUIRED_FOR_OFFICIALS = False
    assert _login(official.email).status_code == 200


def test_tokens_are_hashed_new_each_login_and_expire(db):
    user = CitizenFactory()
    first = _login(user.email).json()
    second = _login(user.email).json()
    assert first["token"] != second["token"]
    rows = list(AuthToken.objects.filter(user=user))
    assert len(rows) == 2
    for row in rows:
        assert row.digest not in (first["token"], second["token"])
        assert first["token"] not in row.digest
        assert row.expiry is not None and row.expiry > timezone.now()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {first['token']}")
    assert api.get("/api/v1/dossiers/").status_code == 200
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))
    response = api.get("/api/v1/dossiers/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    # A GET writes nothing, not even the clean-up; the next login clears dead tokens.
    assert AuthToken.objects.filter(user=user).count() == 2
    _login(user.email)
    assert AuthToken.objects.filter(user=user).count() == 1


def _authed(token):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def test_delete_revokes_only_the_token_used(db):
    user = CitizenFactory()
    one, two = _login(user.email).json()["token"], _login(user.email).json()["token"]
    assert _authed(one).delete(URL).status_code == 204
    assert _authed(one).get("/api/v1/dossiers/").status_code == 401
    assert _authed(two).get("/api/v1/dossiers/").status_code == 200


def test_logout_and_password_change_revoke_every_token(client, db):
    user = CitizenFactory()
    token = _login(user.email).json()["token"]
    client.force_login(user)
    client.post("/accounts/logout/")
    assert _authed(token).get("/api/v1/dossiers/").status_code == 401

    token = _login(user.email).json()["token"]
    user.set_password("Mat-khau-moi#2026")
    user.save()
    assert _authed(token).get("/api/v1/dossiers/").status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()


def test_owner_lists_and_revokes_own_tokens(db):
    user, other = CitizenFactory(), CitizenFactory()
    mine = _login(user.email).json()["token"]
    _login(user.email)
    theirs = _login(other.email).json()["token"]
    listing = _authed(mine).get("/api/v1/auth/tokens/").json()
    assert listing["count"] == 2
    assert sum(item["current"] for item in listing["results"]) == 1
    assert all(len(item["key"]) < 20 and item["expires_at"] for item in listing["results"])
    other_key = AuthToken.objects.get(user=other).token_key
    refused = _authed(mine).delete(f"/api/v1/auth/tokens/{other_key}/")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert _authed(theirs).get("/api/v1/dossiers/").status_code == 200
    key = next(i["key"] for i in listing["results"] if not i["current"])
    assert _authed(mine).delete(f"/api/v1/auth/tokens/{key}/").status_code == 204
    assert AuthToken.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("header", [b"Token \xff\xfe", "Token a b", "Token", "Token ü"])
def test_malformed_token_headers_are_401_not_500(db, header):
    response = APIClient().get("/api/v1/dossiers/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "fields"}
