"""Sign-in with the national eID (VNeID) over OpenID Connect: the one place its claims are read.

allauth's OpenID Connect provider does the protocol (authorization code with PKCE, discovery,
userinfo). This module tightens what it leaves open and maps the claims (docs/domain.md
§Identity):

- the ID token is always verified — signature (RS256, the issuer's JWKS), issuer, audience,
  expiry and the nonce this session sent; allauth skips the signature when the token came
  straight from the token endpoint and sends no nonce, which the contract does not allow;
- level 2 (``ial`` 2) creates or links the citizen account and marks its id number verified;
  level 1 signs in and verifies nothing;
- an id number verified on one account is never taken by another;
- a VNeID identity whose e-mail belongs to an existing account is linked only after the
  person confirms with that account's password.

Every refusal ends on one page with a Vietnamese reason (never a 500).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt
import requests
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from dvctt.errors import Conflict

from .constants import IdentitySource, UserKind
from .models import User
from .validators import validate_id_number, validate_phone

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PROVIDER_ID = "vneid"
_PENDING_KEY = "accounts.vneid_pending_link"
_CONFIRMED_KEY = "accounts.vneid_link_confirmed"
_LINK_TRIES = 5
# Clocks of the provider and the portal may differ by a little.
_LEEWAY_SECONDS = 30

MSG_SIGNATURE = _(
    "Chữ ký của mã xác thực VNeID không hợp lệ: thông tin đăng nhập có thể đã bị giả mạo. "
    "Vui lòng đăng nhập lại."
)
MSG_AUDIENCE = _(
    "Mã xác thực VNeID không được cấp cho Cổng dịch vụ công này. Vui lòng đăng nhập lại."
)
MSG_ISSUER = _("Mã xác thực không do VNeID cấp. Vui lòng đăng nhập lại.")
MSG_NONCE = _(
    "Mã xác thực VNeID không thuộc lượt đăng nhập này (có thể là mã cũ bị dùng lại). "
    "Vui lòng đăng nhập lại."
)
MSG_EXPIRED = _("Mã xác thực VNeID đã hết hạn. Vui lòng đăng nhập lại.")
MSG_MALFORMED = _("Mã xác thực VNeID không hợp lệ. Vui lòng đăng nhập lại.")
MSG_ID_NUMBER = _("VNeID không gửi về số định danh cá nhân hợp lệ nên không thể đăng nhập.")
MSG_UNREACHABLE = _("Không kết nối được với VNeID. Vui lòng thử lại sau ít phút.")
MSG_FAILED = _("Đăng nhập bằng VNeID không thành công. Vui lòng thử lại.")
MSG_TAKEN = _(
    "Số định danh này đã được xác thực cho một tài khoản khác nên không thể dùng cho tài "
    "khoản này. Vui lòng mang thẻ căn cước đến Bộ phận Một cửa để được hỗ trợ."
)
MSG_TAKEN_LEVEL1 = _(
    "Số định danh này đã được xác thực cho một tài khoản trên Cổng. Tài khoản VNeID mức 1 "
    "không đủ để đăng nhập vào tài khoản đó: hãy dùng tài khoản VNeID mức 2 hoặc đăng nhập "
    "bằng thư điện tử và mật khẩu."
)
MSG_OTHER_NUMBER = _(
    "Tài khoản này đã được xác thực với một số định danh khác nên không thể liên kết với "
    "tài khoản VNeID này."
)
MSG_TOO_MANY = _("Nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau.")
MSG_OFFICIAL_PASSWORD = _(
    "Cán bộ phải đăng nhập bằng tài khoản định danh điện tử VNeID. Hãy chọn “Đăng nhập bằng VNeID”."
)


class VNeIDError(OAuth2Error):
    """A refused sign-in; `message` says why, in Vietnamese."""

    def __init__(self, message: StrOrPromise, status: int = 400) -> None:
        self.message = str(message)
        self.status = status
        super().__init__(self.message)


# --- Configuration -------------------------------------------------------------------------


def issuer_url() -> str:
    """The identity provider in use: VNEID_ISSUER, else the stand-in at the portal's address."""
    return str(settings.VNEID_ISSUER or f"{settings.PUBLIC_BASE_URL}/_vneid").rstrip("/")


def vneid_enabled() -> bool:
    """Tell whether sign-in with VNeID is offered (a real issuer, or the stand-in is allowed)."""
    return bool(settings.VNEID_ISSUER) or bool(settings.VNEID_STANDIN_ALLOWED)


# --- The ID token ------------------------------------------------------------------------------


def decode_id_token(
    id_token: str, *, keys_url: str, issuer: str, audience: str, nonce: str
) -> dict[str, Any]:
    """Verify the ID token in full and return its claims, or raise VNeIDError saying what failed."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as exc:
        raise VNeIDError(MSG_MALFORMED) from exc
    if header.get("alg") != "RS256":
        raise VNeIDError(MSG_SIGNATURE)
    with get_social_adapter().get_requests_session() as session:
        response = session.get(keys_url)
        response.raise_for_status()
        keys_data = response.json()
    try:
        key = jwtkit.lookup_kid_jwk(keys_data, header.get("kid"))
    except (KeyError, TypeError, ValueError, OAuth2Error, jwt.PyJWTError) as exc:
        raise VNeIDError(MSG_SIGNATURE) from exc
    if key is None:
        raise VNeIDError(MSG_SIGNATURE)
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key=key,
            algorithms=["RS256"],
            audience=audience,
            issuer=issuer,
            leeway=_LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except jwt.InvalidSignatureError as exc:
        raise VNeIDError(MSG_SIGNATURE) from exc
    except jwt.ExpiredSignatureError as exc:
        raise VNeIDError(MSG_EXPIRED) from exc
    except jwt.InvalidAudienceError as exc:
        raise VNeIDError(MSG_AUDIENCE) from exc
    except jwt.InvalidIssuerError as exc:
        raise VNeIDError(MSG_ISSUER) from exc
    except jwt.PyJWTError as exc:
        raise VNeIDError(MSG_MALFORMED) from exc
    if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise VNeIDError(MSG_NONCE)
    return claims


class VNeIDOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect client, with the full ID-token check of decode_id_token."""

    expected_nonce = ""

    def complete_login(
        self, request: HttpRequest, app: Any, token: Any, **kwargs: Any
    ) -> SocialLogin:
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise VNeIDError(MSG_MALFORMED)
        config = self.openid_config
        claims = decode_id_token(
            str(id_token),
            keys_url=config["jwks_uri"],
            issuer=config["issuer"],
            audience=app.client_id,
            nonce=self.expected_nonce,
        )
        userinfo = self._fetch_user_info(token.token)
        # OpenID Connect Core §5.3.2: userinfo about someone else must not be used.
        if not isinstance(userinfo, dict) or userinfo.get("sub") != claims.get("sub"):
            raise VNeIDError(MSG_MALFORMED)
        login: SocialLogin = self.get_provider().sociallogin_from_response(
            request, {"userinfo": userinfo, "id_token": claims}
        )
        return login


class VNeIDProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider for VNeID: its issuer, a nonce per sign-in, its claims."""

    oauth2_adapter_class = VNeIDOAuth2Adapter
    # allauth mounts the URLs of the provider's package: those of OpenID Connect.
    package = "allauth.socialaccount.providers.openid_connect"

    @property
    def server_url(self) -> str:
        # Read when used: the stand-in follows PUBLIC_BASE_URL (make run, a test's live server).
        url: str = self.wk_server_url(issuer_url())
        return url

    def get_oauth2_adapter(self, request: HttpRequest) -> VNeIDOAuth2Adapter:
        # One adapter per request, so that the discovery document is fetched once.
        adapter: VNeIDOAuth2Adapter | None = getattr(self, "_vneid_adapter", None)
        if adapter is None or adapter.request is not request:
            adapter = VNeIDOAuth2Adapter(request, self.app.provider_id)
            self._vneid_adapter = adapter
        return adapter

    def redirect(
        self,
        request: HttpRequest,
        process: Any,
        next_url: str | None = None,
        data: Any = None,
        **kwargs: Any,
    ) -> HttpResponse:
        try:
            self.get_oauth2_adapter(request).openid_config  # noqa: B018 (fetch the discovery)
        except (requests.RequestException, ValueError):
            return error_response(request, MSG_UNREACHABLE, 502)
        nonce = secrets.token_urlsafe(24)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        # The nonce is kept in allauth's state for this sign-in and checked in the ID token.
        response: HttpResponse = super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )
        return response

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        identity = identity_from_data(data)
        return {"email": identity.email or None, "name": identity.full_name}

    def extract_email_addresses(self, data: dict[str, Any]) -> list[Any]:
        from allauth.account.models import EmailAddress

        email = identity_from_data(data).email
        # VNeID does not say the address was confirmed: the portal does not treat it as such.
        return [EmailAddress(email=email, verified=False, primary=True)] if email else []


class _CallbackView(OAuth2CallbackView):
    def _get_state(self, request: HttpRequest, provider: Any) -> tuple[Any, Any]:
        state, response = super()._get_state(request, provider)
        if state is not None:
            self.adapter.expected_nonce = str(state.get("nonce") or "")
        return state, response


def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """The redirect URI: allauth's callback with VNeIDOAuth2Adapter in place of its own."""
    if provider_id != PROVIDER_ID:
        raise Http404
    view = _CallbackView.adapter_view(VNeIDOAuth2Adapter(request, provider_id))
    response: HttpResponse = view(request)
    return response


# --- The claims ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VNeIDIdentity:
    """What the portal reads from a VNeID sign-in (docs/domain.md §Identity)."""

    sub: str
    id_number: str
    full_name: str
    date_of_birth: dt.date | None
    phone: str
    email: str
    level: int

    @property
    def verified(self) -> bool:
        return self.level >= 2


def _parse_date(value: object) -> dt.date | None:
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parse_level(value: object) -> int:
    # Anything but a clear 2 counts as level 1: the weaker reading is the safe one.
    return 2 if str(value).strip() == "2" else 1


def identity_from_data(data: dict[str, Any]) -> VNeIDIdentity:
    """Read the claims; the signed ID token wins over userinfo where both say something."""
    claims: dict[str, Any] = {}
    for part in ("userinfo", "id_token"):
        value = data.get(part)
        if isinstance(value, dict):
            claims.update({k: v for k, v in value.items() if v not in (None, "")})
    id_number = str(claims.get("SoDinhDanh") or "").strip()
    try:
        validate_id_number(id_number)
    except ValidationError as exc:
        raise VNeIDError(MSG_ID_NUMBER) from exc
    phone = str(claims.get("SoDienThoai") or "").strip()
    try:
        validate_phone(phone)
    except ValidationError:
        phone = ""
    return VNeIDIdentity(
        sub=str(claims.get("sub") or ""),
        id_number=id_number,
        full_name=" ".join(str(claims.get("HoVaTen") or "").split())[:200],
        date_of_birth=_parse_date(claims.get("NgayThangNamSinh")),
        phone=phone,
        email=str(claims.get("ThuDienTu") or "").strip().lower(),
        level=_parse_level(claims.get("ial")),
    )


def _verified_owner(id_number: str) -> User | None:
    return User.objects.filter(id_number=id_number, identity_verified_at__isnull=False).first()


def vneid_apply_identity(*, user: User, identity: VNeIDIdentity) -> User:
    """Record what a VNeID sign-in proves on the account: level 2 verifies the id number."""
    try:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            owner = _verified_owner(identity.id_number)
            fields: set[str] = set()
            if identity.verified:
                if owner is not None and owner.pk != locked.pk:
                    raise Conflict(MSG_TAKEN)
                if locked.identity_verified and locked.id_number != identity.id_number:
                    raise Conflict(MSG_OTHER_NUMBER)
                locked.id_number = identity.id_number
                locked.full_name = identity.full_name or locked.full_name
                locked.date_of_birth = identity.date_of_birth or locked.date_of_birth
                fields |= {"id_number", "full_name", "date_of_birth"}
                if not locked.identity_verified:
                    locked.identity_verified_at = timezone.now()
                    locked.identity_verified_via = IdentitySource.SSO
                    fields |= {"identity_verified_at", "identity_verified_via"}
            else:
                # Level 1 proves nothing: it only fills in what the account left empty.
                if owner is not None and owner.pk != locked.pk:
                    raise Conflict(MSG_TAKEN_LEVEL1)
                if not locked.id_number:
                    locked.id_number = identity.id_number
                    fields.add("id_number")
                if not locked.full_name and identity.full_name:
                    locked.full_name = identity.full_name
                    fields.add("full_name")
            if not locked.phone and identity.phone:
                locked.phone = identity.phone
                fields.add("phone")
            if fields:
                locked.save(update_fields=sorted(fields))
    except IntegrityError as exc:
        # Another sign-in verified the same number at the same moment.
        raise Conflict(MSG_TAKEN) from exc
    return locked


# --- allauth's social-account adapter ----------------------------------------------------------


def error_response(request: HttpRequest, message: StrOrPromise, status: int = 400) -> HttpResponse:
    return render(request, "accounts/vneid_error.html", {"message": str(message)}, status=status)


def _refuse(request: HttpRequest, message: StrOrPromise, status: int = 400) -> None:
    raise ImmediateHttpResponse(error_response(request, message, status))


class VNeIDSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Maps a VNeID sign-in onto the portal's accounts (see the module's docstring)."""

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: BaseException | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        if error == AuthError.CANCELLED:
            messages.info(request, str(_("Bạn đã hủy đăng nhập bằng VNeID.")))
            raise ImmediateHttpResponse(redirect("account_login"))
        if isinstance(exception, VNeIDError):
            _refuse(request, exception.message, exception.status)
        if isinstance(exception, requests.RequestException):
            _refuse(request, MSG_UNREACHABLE, 502)
        _refuse(request, MSG_FAILED)

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        try:
            identity = identity_from_data(sociallogin.account.extra_data)
        except VNeIDError as exc:
            _refuse(request, exc.message)
        try:
            self._pre_social_login(request, sociallogin, identity)
        except Conflict as exc:
            _refuse(request, exc.message, 409)

    def _pre_social_login(
        self, request: HttpRequest, sociallogin: SocialLogin, identity: VNeIDIdentity
    ) -> None:
        # Each branch keeps the fresh account vneid_apply_identity returns: allauth saves the
        # user it holds when connecting, which must not write stale fields back.
        if sociallogin.is_existing:
            sociallogin.user = vneid_apply_identity(user=sociallogin.user, identity=identity)
            return
        if sociallogin.state.get("process") == "connect" and request.user.is_authenticated:
            # Connecting VNeID to the signed-in account: the same rules, on that account.
            vneid_apply_identity(user=User.objects.get(pk=request.user.pk), identity=identity)
            return
        confirmed = request.session.pop(_CONFIRMED_KEY, None)
        if confirmed and confirmed.get("uid") == sociallogin.account.uid:
            user = User.objects.get(pk=confirmed["user"])
            sociallogin.connect(request, vneid_apply_identity(user=user, identity=identity))
            return
        owner = _verified_owner(identity.id_number)
        if owner is not None:
            if not identity.verified:
                raise Conflict(MSG_TAKEN_LEVEL1)
            # Level 2 is the holder of the number the account was verified with: the same
            # person, proven on both sides, so the link needs no further confirmation.
            sociallogin.connect(request, vneid_apply_identity(user=owner, identity=identity))
            return
        by_email = (
            User.objects.filter(email__iexact=identity.email).first() if identity.email else None
        )
        if by_email is not None:
            if by_email.identity_verified and identity.verified:
                raise Conflict(MSG_OTHER_NUMBER)
            request.session[_PENDING_KEY] = {
                "sociallogin": sociallogin.serialize(),
                "user": by_email.pk,
                "tries": 0,
            }
            raise ImmediateHttpResponse(redirect("accounts:vneid_link"))

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: Any) -> User:
        user: User = super().populate_user(request, sociallogin, data)
        identity = identity_from_data(sociallogin.account.extra_data)
        user.kind = UserKind.CITIZEN
        user.full_name = identity.full_name
        user.phone = identity.phone
        user.date_of_birth = identity.date_of_birth
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> User:
        user: User = super().save_user(request, sociallogin, form)
        # pre_social_login made sure nobody else holds the number; level 2 verifies it here.
        vneid_apply_identity(user=user, identity=identity_from_data(sociallogin.account.extra_data))
        return user


def official_password_refused(request: HttpRequest, user: Any, signal_kwargs: Any) -> bool:
    """Tell whether VNEID_REQUIRED_FOR_OFFICIALS refuses this sign-in (an official, no VNeID)."""
    via_vneid = bool(signal_kwargs and signal_kwargs.get("sociallogin"))
    return bool(
        settings.VNEID_REQUIRED_FOR_OFFICIALS
        and vneid_enabled()
        and getattr(user, "is_official", False)
        and not via_vneid
    )


# --- Confirming a link to an existing e-mail account -------------------------------------------


@require_http_methods(["GET", "POST"])
def link_confirm(request: HttpRequest) -> HttpResponse:
    """Ask the owner of the e-mail account for its password before linking VNeID to it."""
    pending = request.session.get(_PENDING_KEY)
    if not isinstance(pending, dict):
        messages.info(request, str(_("Không có yêu cầu liên kết VNeID nào đang chờ.")))
        return redirect("account_login")
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    if user is None:
        request.session.pop(_PENDING_KEY, None)
        return redirect("account_login")
    error = ""
    if request.method == "POST":
        if "cancel" in request.POST:
            request.session.pop(_PENDING_KEY, None)
            messages.info(request, str(_("Đã hủy liên kết VNeID.")))
            return redirect("account_login")
        # Through allauth's authentication: the same failed-login limits as the login form
        # count these tries (per address and per e-mail), so the page is no password oracle.
        try:
            authed = get_account_adapter(request).authenticate(
                request, email=user.email, password=request.POST.get("password", "")
            )
        except ValidationError:
            request.session.pop(_PENDING_KEY, None)
            return error_response(request, MSG_TOO_MANY, 429)
        if authed is not None and authed.pk == user.pk:
            request.session.pop(_PENDING_KEY, None)
            sociallogin = SocialLogin.deserialize(pending["sociallogin"])
            request.session[_CONFIRMED_KEY] = {"uid": sociallogin.account.uid, "user": user.pk}
            response: HttpResponse = complete_social_login(request, sociallogin)
            return response
        pending["tries"] = int(pending.get("tries", 0)) + 1
        if pending["tries"] >= _LINK_TRIES:
            request.session.pop(_PENDING_KEY, None)
            return error_response(request, MSG_TOO_MANY, 429)
        request.session[_PENDING_KEY] = pending
        error = str(_("Mật khẩu không đúng."))
    return render(
        request,
        "accounts/vneid_link.html",
        {"email": user.email, "error": error},
        status=400 if error else 200,
    )


def login_url() -> str:
    return reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID})


def refused_official_redirect(request: HttpRequest) -> HttpResponseRedirect:
    messages.error(request, str(MSG_OFFICIAL_PASSWORD))
    return HttpResponseRedirect(reverse("account_login"))
