"""The endpoints of docs/api.md §3–4 that exist from the foundation on."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import override_settings
from django.urls import path
from knox.models import AuthToken
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient

from dvctt.errors import Conflict
from tests.factories import PASSWORD, CitizenFactory


def test_healthz_is_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"


def test_healthz_is_503_when_the_database_is_down(client, db):
    with mock.patch("dvctt.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_metrics_are_prometheus_text(client, db):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"django_http_requests_total_by_method_total" in response.content


def test_openapi_schema_and_self_hosted_docs(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/auth/token/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_token_login_returns_a_token_that_authenticates(db):
    user = CitizenFactory(email="an@example.vn")
    api = APIClient()
    response = api.post(
        "/api/v1/auth/token/", {"email": "AN@example.vn", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json()["expires_at"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/dossiers/").status_code == 200
    assert AuthToken.objects.get().user == user


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"email": "an@example.vn", "password": "wrong"}, "invalid_credentials", None),
        ({"email": "not-an-email", "password": "x"}, "invalid", "email"),
        ({}, "invalid", "password"),
    ],
)
def test_token_errors_use_the_contract_body(db, payload, code, field):
    CitizenFactory(email="an@example.vn")
    response = APIClient().post("/api/v1/auth/token/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    if field:
        assert field in body["fields"]


def test_malformed_json_is_a_400_with_the_contract_body(db):
    response = APIClient().generic(
        "POST", "/api/v1/auth/token/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@api_view(["GET"])
@permission_classes([AllowAny])
def _conflict_view(request):
    raise Conflict("Hồ sơ đã được tiếp nhận.")


urlpatterns = [path("boom/", _conflict_view)]


@override_settings(ROOT_URLCONF=__name__)
def test_application_errors_render_with_their_status_in_the_api(db):
    response = APIClient().get("/boom/")
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "Hồ sơ đã được tiếp nhận.",
        "fields": {},
    }


def test_404_page_is_vietnamese(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_preferences_are_stored_in_cookies_and_reject_foreign_redirects(client, db):
    response = client.post(
        "/tuy-chon-hien-thi/", {"text_size": "xlarge", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["text_size"].value == "xlarge"
    page = client.get("/")
    assert 'class="text-xlarge contrast-normal"' in page.content.decode()


def test_signup_creates_a_citizen_with_a_valid_id_number(client, db):
    from accounts.models import User

    bad = client.post(
        "/accounts/signup/",
        {
            "full_name": "Lê Văn Cường",
            "email": "cuong@example.vn",
            "id_number": "123",
            "phone": "0912000111",
            "password1": "Rat-kho-doan#2025",
            "password2": "Rat-kho-doan#2025",
        },
    )
    assert bad.status_code == 200
    assert "12 chữ số" in bad.content.decode()
    assert not User.objects.filter(email="cuong@example.vn").exists()

    good = client.post(
        "/accounts/signup/",
        {
            "full_name": "Lê Văn Cường",
            "email": "cuong@example.vn",
            "id_number": "036095000123",
            "phone": "0912000111",
            "password1": "Rat-kho-doan#2025",
            "password2": "Rat-kho-doan#2025",
        },
    )
    assert good.status_code == 302
    user = User.objects.get(email="cuong@example.vn")
    assert (user.full_name, user.id_number, user.is_citizen) == (
        "Lê Văn Cường",
        "036095000123",
        True,
    )
