"""Sign-in with VNeID (OpenID Connect, accounts/vneid.py) against the stand-in (vneid_standin/).

The browser is one Django test client; the portal's server-side calls to the identity provider
(discovery, token, JWKS, userinfo) go through `requests` into a second test client, so the
whole protocol runs as it would over HTTP, PKCE and signatures included.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from accounts import vneid
from accounts.constants import IdentitySource
from accounts.models import User
from tests.factories import PASSWORD, CitizenFactory, OfficialFactory
from vneid_standin import keys as standin_keys
from vneid_standin.identities import IDENTITIES
from vneid_standin.models import Grant

pytestmark = pytest.mark.django_db

AN = "001090012345"  # level 2, congdan@demo.vn
BINH = "079185001234"  # level 2, congdan2@demo.vn
CHAU = "001200000123"  # level 2, no account yet
DUNG = "001095004321"  # level 1
LOGIN = "/accounts/oidc/vneid/login/"


class _ToTestClient(BaseAdapter):
    """A requests transport that hands each request to a Django test client."""

    def __init__(self) -> None:
        super().__init__()
        self.client = Client()
        self.calls: list[str] = []

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.calls.append(parts.path)
        headers = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in request.headers.items()
            if name.lower() not in ("content-type", "content-length", "host")
        }
        if request.method == "POST":
            body = request.body or b""
            answer = self.client.post(
                path,
                data=body.encode() if isinstance(body, str) else body,
                content_type=request.headers.get("Content-Type", ""),
                **headers,
            )
        else:
            answer = self.client.generic(request.method, path, **headers)
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers = CaseInsensitiveDict(dict(answer.items()))
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def idp(settings, monkeypatch):
    """The stand-in at http://testserver/_vneid, reached by the portal's `requests` calls."""
    settings.PUBLIC_BASE_URL = "http://testserver"
    settings.VNEID_ISSUER = ""
    transport = _ToTestClient()

    def session(self):
        s = requests.Session()
        s.mount("http://testserver/", transport)
        return s

    monkeypatch.setattr(vneid.VNeIDSocialAccountAdapter, "get_requests_session", session)
    return transport


def _start(browser: Client):
    """Press "Đăng nhập bằng VNeID": return the stand-in's authorization parameters."""
    response = browser.post(LOGIN)
    assert response.status_code == 302, response.content[:500]
    url = urlsplit(response["Location"])
    assert url.path == "/_vneid/authorize/"
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    page = browser.get(f"{url.path}?{url.query}")
    assert page.status_code == 200
    return params


def _sign_in(browser: Client, id_number: str):
    """The whole round: start, pick the identity at the stand-in, come back to the callback."""
    params = _start(browser)
    picked = browser.post("/_vneid/authorize/", {**params, "identity": id_number})
    assert picked.status_code == 302
    back = urlsplit(picked["Location"])
    assert back.path == "/accounts/oidc/vneid/login/callback/"
    return browser.get(f"{back.path}?{back.query}")


def _signed_in(browser: Client) -> User | None:
    pk = browser.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def _sub(id_number: str) -> str:
    return IDENTITIES[id_number].sub


# --- The happy paths -----------------------------------------------------------------------


def test_level_2_signs_in_as_the_verified_demo_citizen_with_pkce(idp):
    an = CitizenFactory(email="congdan@demo.vn", id_number=AN, verified=True)
    browser = Client()
    params = _start(browser)
    # Authorization code with PKCE (S256) and a nonce, as docs/api.md §11 asks.
    assert params["response_type"] == "code"
    assert params["code_challenge_method"] == "S256" and params["code_challenge"]
    assert params["nonce"] and params["client_id"] == "dvctt-portal"
    picked = browser.post("/_vneid/authorize/", {**params, "identity": AN})
    back = urlsplit(picked["Location"])
    response = browser.get(f"{back.path}?{back.query}")

    assert response.status_code == 302
    assert _signed_in(browser) == an
    assert SocialAccount.objects.get(user=an).uid == _sub(AN)
    # Discovery, token, JWKS and userinfo were all asked, server to server.
    assert {
        "/_vneid/.well-known/openid-configuration",
        "/_vneid/token/",
        "/_vneid/jwks/",
        "/_vneid/userinfo/",
    } <= set(idp.calls)
    an.refresh_from_db()
    assert an.identity_verified_via == IdentitySource.REGISTRY  # verified before, stays so


def test_level_2_newcomer_gets_a_citizen_account_with_a_verified_id_number(idp):
    browser = Client()
    response = _sign_in(browser, CHAU)

    assert response.status_code == 302
    user = _signed_in(browser)
    assert user is not None and user.email == "chau@demo.vn"
    assert user.is_citizen and user.full_name == "Phạm Minh Châu"
    assert user.id_number == CHAU and user.identity_verified
    assert user.identity_verified_via == IdentitySource.SSO
    assert str(user.date_of_birth) == "2000-01-20"
    # A second sign-in finds the same account.
    browser2 = Client()
    _sign_in(browser2, CHAU)
    assert _signed_in(browser2) == user
    assert User.objects.filter(email="chau@demo.vn").count() == 1


def test_level_1_signs_in_but_verifies_nothing(idp):
    browser = Client()
    response = _sign_in(browser, DUNG)

    assert response.status_code == 302
    user = _signed_in(browser)
    assert user is not None and user.email == "dung@demo.vn"
    assert user.id_number == DUNG
    assert not user.identity_verified


def test_level_2_verifies_an_account_first_made_at_level_1(idp):
    user = CitizenFactory(email="someone@example.vn", id_number="")
    SocialAccount.objects.create(user=user, provider="vneid", uid=_sub(BINH))
    browser = Client()
    _sign_in(browser, BINH)

    user.refresh_from_db()
    assert _signed_in(browser) == user
    assert user.id_number == BINH and user.identity_verified_via == IdentitySource.SSO


# --- Refusals ------------------------------------------------------------------------------


def _other_key_sign(claims, key):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return jwt.encode(claims, pem, algorithm="RS256", headers={"kid": key.kid})


def _with_claims(**changes):
    original = standin_keys.id_token_claims

    def claims(grant, identity):
        data = original(grant, identity)
        for name, value in changes.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        return data

    return claims


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"sign": _other_key_sign}, "Chữ ký của mã xác thực VNeID không hợp lệ"),
        (
            {"id_token_claims": _with_claims(aud="another-portal")},
            "không được cấp cho Cổng dịch vụ công này",
        ),
        (
            {"id_token_claims": _with_claims(iss="https://sso.example.vn")},
            "Mã xác thực không do VNeID cấp",
        ),
        (
            {"id_token_claims": _with_claims(nonce="a-nonce-of-another-sign-in")},
            "không thuộc lượt đăng nhập này",
        ),
        ({"id_token_claims": _with_claims(nonce=None)}, "không thuộc lượt đăng nhập này"),
        (
            {
                "id_token_claims": _with_claims(
                    exp=int(time.time()) - 3600, iat=int(time.time()) - 3900
                )
            },
            "Mã xác thực VNeID đã hết hạn",
        ),
    ],
    ids=["signature", "audience", "issuer", "nonce", "no-nonce", "expired"],
)
def test_a_bad_id_token_is_refused_with_a_clear_message(idp, monkeypatch, patch, message):
    an = CitizenFactory(email="congdan@demo.vn", id_number=AN, verified=True)
    for name, replacement in patch.items():
        monkeypatch.setattr(standin_keys, name, replacement)
    browser = Client()
    response = _sign_in(browser, AN)

    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "Không đăng nhập được bằng VNeID" in body
    assert _signed_in(browser) is None
    assert not SocialAccount.objects.filter(user=an).exists()


def test_an_unreachable_provider_is_a_clear_message_not_a_500(idp, settings):
    settings.VNEID_ISSUER = "http://testserver/nowhere"
    response = Client().post(LOGIN)
    assert response.status_code == 502
    assert "Không kết nối được với VNeID" in response.content.decode()


def test_a_number_verified_on_another_account_is_not_taken(idp):
    CitizenFactory(email="owner@example.vn", id_number=AN, verified=True)
    other = CitizenFactory(email="other@example.vn", id_number="")
    SocialAccount.objects.create(user=other, provider="vneid", uid=_sub(AN))
    browser = Client()
    response = _sign_in(browser, AN)

    assert response.status_code == 409
    assert "đã được xác thực cho một tài khoản khác" in response.content.decode()
    assert _signed_in(browser) is None
    other.refresh_from_db()
    assert not other.identity_verified and other.id_number == ""


def test_level_1_cannot_reach_an_account_verified_with_its_number(idp):
    owner = CitizenFactory(email="owner@example.vn", id_number=DUNG, verified=True)
    browser = Client()
    response = _sign_in(browser, DUNG)

    assert response.status_code == 409
    assert "VNeID mức 1" in response.content.decode()
    assert _signed_in(browser) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(id_number=DUNG).get() == owner


def test_unknown_identity_level_counts_as_level_1():
    identity = vneid.identity_from_data(
        {"id_token": {"sub": "x", "SoDinhDanh": AN, "ial": "3"}, "userinfo": {}}
    )
    assert identity.level == 1 and not identity.verified


def test_a_malformed_id_number_is_refused():
    with pytest.raises(vneid.VNeIDError):
        vneid.identity_from_data({"id_token": {"sub": "x", "SoDinhDanh": "12345"}})


# --- Linking to an existing e-mail account asks for confirmation -----------------------------


def test_linking_to_an_existing_email_account_asks_for_its_password(idp):
    user = CitizenFactory(email="congdan@demo.vn", id_number="")
    browser = Client()
    response = _sign_in(browser, AN)

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/lien-ket-vneid/"
    assert _signed_in(browser) is None
    assert not SocialAccount.objects.exists()
    page = browser.get("/tai-khoan/lien-ket-vneid/")
    assert page.status_code == 200 and "congdan@demo.vn" in page.content.decode()

    wrong = browser.post("/tai-khoan/lien-ket-vneid/", {"password": "not-the-password"})
    assert wrong.status_code == 400 and "Mật khẩu không đúng" in wrong.content.decode()
    assert _signed_in(browser) is None and not SocialAccount.objects.exists()

    done = browser.post("/tai-khoan/lien-ket-vneid/", {"password": PASSWORD})
    assert done.status_code == 302
    assert _signed_in(browser) == user
    assert SocialAccount.objects.get(user=user).uid == _sub(AN)
    user.refresh_from_db()
    assert user.id_number == AN and user.identity_verified_via == IdentitySource.SSO


def test_cancelling_the_link_leaves_the_account_alone(idp):
    CitizenFactory(email="congdan@demo.vn", id_number="")
    browser = Client()
    _sign_in(browser, AN)
    response = browser.post("/tai-khoan/lien-ket-vneid/", {"cancel": "1"})
    assert response.status_code == 302
    assert _signed_in(browser) is None and not SocialAccount.objects.exists()
    assert browser.get("/tai-khoan/lien-ket-vneid/").status_code == 302


def test_an_email_account_verified_with_another_number_is_not_linked(idp):
    CitizenFactory(email="congdan@demo.vn", id_number=BINH, verified=True)
    browser = Client()
    response = _sign_in(browser, AN)
    assert response.status_code == 409
    assert "đã được xác thực với một số định danh khác" in response.content.decode()
    assert _signed_in(browser) is None


# --- Officials -----------------------------------------------------------------------------


def test_officials_may_be_required_to_sign_in_with_vneid(idp, settings):
    settings.VNEID_REQUIRED_FOR_OFFICIALS = True
    official = OfficialFactory(email="canbo@example.vn", id_number=BINH)
    official.identity_verified_at = official.date_joined
    official.save()
    citizen = CitizenFactory(email="dan@example.vn")

    browser = Client()
    refused = browser.post(
        "/accounts/login/", {"login": official.email, "password": PASSWORD}, follow=True
    )
    assert _signed_in(browser) is None
    assert "Cán bộ phải đăng nhập bằng tài khoản định danh điện tử VNeID" in (
        refused.content.decode()
    )
    # Citizens keep their password; the official gets in through VNeID.
    other = Client()
    assert other.post("/accounts/login/", {"login": citizen.email, "password": PASSWORD})
    assert _signed_in(other) == citizen
    _sign_in(browser, BINH)
    assert _signed_in(browser) == official


def test_without_the_setting_officials_keep_their_password(idp):
    official = OfficialFactory(email="canbo@example.vn")
    browser = Client()
    browser.post("/accounts/login/", {"login": official.email, "password": PASSWORD})
    assert _signed_in(browser) == official


# --- The stand-in itself -------------------------------------------------------------------


def test_the_stand_in_publishes_discovery_and_jwks(idp):
    doc = Client().get("/_vneid/.well-known/openid-configuration").json()
    assert doc["issuer"] == "http://testserver/_vneid"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"SoDinhDanh", "HoVaTen", "NgayThangNamSinh", "SoDienThoai", "ThuDienTu", "ial"} <= set(
        doc["claims_supported"]
    )
    # A GET never writes: no key until the first sign-in makes one.
    assert Client().get("/_vneid/jwks/").json() == {"keys": []}
    _sign_in(Client(), CHAU)
    (key,) = Client().get("/_vneid/jwks/").json()["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and "d" not in key


def _code(browser: Client, verifier_challenge: str = "") -> tuple[dict, str]:
    params = _start(browser)
    picked = browser.post("/_vneid/authorize/", {**params, "identity": AN})
    code = parse_qs(urlsplit(picked["Location"]).query)["code"][0]
    return params, code


def test_the_token_endpoint_checks_code_secret_pkce_and_redirect_uri(idp, settings):
    browser = Client()
    params, code = _code(browser)
    good = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": params["redirect_uri"],
        "client_id": "dvctt-portal",
        "client_secret": settings.VNEID_CLIENT_SECRET,
        "code_verifier": "a-wrong-verifier-of-sufficient-length-0123456789",
    }
    server = Client()
    assert server.post("/_vneid/token/", good).json() == {"error": "invalid_grant"}
    assert server.post("/_vneid/token/", {**good, "client_secret": "nope"}).status_code == 401
    assert (
        server.post(
            "/_vneid/token/", {**good, "redirect_uri": "http://evil.example/cb"}
        ).status_code
        == 400
    )
    assert Grant.objects.get(code=code).redeemed_at is None


def test_the_stand_in_requires_pkce_and_a_known_client():
    bad_client = Client().get(
        "/_vneid/authorize/",
        {
            "client_id": "someone-else",
            "redirect_uri": "http://testserver/accounts/oidc/vneid/login/callback/",
        },
    )
    assert bad_client.status_code == 400
    no_pkce = Client().get(
        "/_vneid/authorize/",
        {
            "client_id": "dvctt-portal",
            "redirect_uri": "http://testserver/accounts/oidc/vneid/login/callback/",
            "response_type": "code",
            "scope": "openid",
            "state": "s",
        },
    )
    assert no_pkce.status_code == 302 and "error=invalid_request" in no_pkce["Location"]


def test_replaying_the_callback_signs_nobody_in(idp):
    browser = Client()
    params = _start(browser)
    picked = browser.post("/_vneid/authorize/", {**params, "identity": CHAU})
    back = urlsplit(picked["Location"])
    browser.get(f"{back.path}?{back.query}")
    assert _signed_in(browser) is not None
    # Replaying the callback (the code was redeemed, the state used) signs nobody in.
    replay = Client()
    response = replay.get(f"{back.path}?{back.query}")
    assert response.status_code in (400, 302)
    assert _signed_in(replay) is None


def test_the_stand_in_is_off_with_a_real_issuer_or_in_production(settings):
    settings.VNEID_ISSUER = "https://sso.example.vn"
    assert Client().get("/_vneid/.well-known/openid-configuration").status_code == 404
    settings.VNEID_ISSUER = ""
    settings.VNEID_STANDIN_ALLOWED = False
    assert Client().get("/_vneid/jwks/").status_code == 404
    assert "Đăng nhập bằng VNeID" not in Client().get("/accounts/login/").content.decode()


# --- Pages and the CSP ---------------------------------------------------------------------


def test_login_and_signup_pages_offer_vneid(idp):
    for url in ("/accounts/login/", "/accounts/signup/"):
        body = Client().get(url).content.decode()
        assert "Đăng nhập bằng VNeID" in body and f'action="{LOGIN}"' in body


def test_the_csp_lets_the_sign_in_go_to_another_issuer(settings):
    settings.VNEID_ISSUER = "https://sso.example.vn/oidc"
    policy = Client().get("/accounts/login/")["Content-Security-Policy"]
    form_action = next(p for p in policy.split(";") if "form-action" in p)
    assert "https://sso.example.vn" in form_action and "'self'" in form_action


def test_the_csp_adds_the_issuer_only_on_the_sign_in_pages(settings):
    settings.VNEID_ISSUER = "https://sso.example.vn/oidc"
    policy = Client().get("/")["Content-Security-Policy"]
    assert "https://sso.example.vn" not in policy


def test_the_stand_in_page_may_send_the_browser_back_to_the_callback(idp):
    browser = Client()
    response = browser.post(LOGIN)
    page = browser.get(response["Location"].removeprefix("http://testserver"))
    form_action = next(d for d in page["Content-Security-Policy"].split(";") if "form-action" in d)
    assert "http://testserver" in form_action


# --- More of the flow ----------------------------------------------------------------------


def test_a_get_of_the_login_url_only_asks_to_continue(idp):
    response = Client().get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tiếp tục đến VNeID" in body and 'method="post"' in body
    assert not Grant.objects.exists()


def test_cancelling_at_the_provider_goes_back_to_the_login_page(idp):
    browser = Client()
    params = _start(browser)
    cancelled = browser.post("/_vneid/authorize/", {**params, "cancel": "1"})
    back = urlsplit(cancelled["Location"])
    assert parse_qs(back.query)["error"] == ["access_denied"]
    response = browser.get(f"{back.path}?{back.query}", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "Bạn đã hủy đăng nhập bằng VNeID" in response.content.decode()
    assert _signed_in(browser) is None


def test_the_link_page_gives_up_after_five_wrong_passwords(idp):
    CitizenFactory(email="congdan@demo.vn", id_number="")
    browser = Client()
    _sign_in(browser, AN)
    for _ in range(4):
        assert browser.post("/tai-khoan/lien-ket-vneid/", {"password": "x"}).status_code == 400
    last = browser.post("/tai-khoan/lien-ket-vneid/", {"password": "x"})
    assert last.status_code == 429 and "quá nhiều lần" in last.content.decode()
    # The pending link is gone: the right password now links nothing.
    browser.post("/tai-khoan/lien-ket-vneid/", {"password": PASSWORD})
    assert _signed_in(browser) is None and not SocialAccount.objects.exists()


def test_the_link_page_counts_against_the_failed_login_limit(idp, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/m/ip,2/5m/key"}
    CitizenFactory(email="congdan@demo.vn", id_number="")
    browser = Client()
    # Two wrong passwords on the login form use up the e-mail's allowance...
    for _ in range(2):
        browser.post("/accounts/login/", {"login": "congdan@demo.vn", "password": "x"})
    _sign_in(browser, AN)
    # ... so the link page refuses even the right one.
    response = browser.post("/tai-khoan/lien-ket-vneid/", {"password": PASSWORD})
    assert response.status_code == 429
    assert _signed_in(browser) is None and not SocialAccount.objects.exists()


def test_connecting_vneid_to_the_signed_in_account_applies_the_same_rules(idp):
    CitizenFactory(email="owner@example.vn", id_number=AN, verified=True)
    me = CitizenFactory(email="me@example.vn", id_number="")
    browser = Client()
    browser.force_login(me)
    response = browser.post(f"{LOGIN}?process=connect")
    url = urlsplit(response["Location"])
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    picked = browser.post("/_vneid/authorize/", {**params, "identity": AN})
    back = urlsplit(picked["Location"])
    refused = browser.get(f"{back.path}?{back.query}")
    assert refused.status_code == 409
    assert not SocialAccount.objects.exists()
    me.refresh_from_db()
    assert not me.identity_verified
