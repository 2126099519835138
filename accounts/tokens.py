"""API tokens (django-rest-knox): hashed at rest, expiring, revoked with the password or logout.

Knox keeps only a SHA-512 digest of each token and its first characters (token_key) as an
index; the full token is shown once, when it is issued.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from dvctt.errors import Forbidden, InvalidInput, NotFound

from .models import User


class OtpRequired(InvalidInput):
    code = "otp_required"
    default_message = _("Tài khoản này dùng xác thực hai lớp: hãy gửi kèm mã OTP (otp).")


class OtpInvalid(InvalidInput):
    code = "otp_invalid"
    default_message = _("Mã OTP không đúng hoặc đã hết hạn.")


class MfaSetupRequired(Forbidden):
    code = "mfa_setup_required"
    default_message = _(
        "Tài khoản cán bộ phải bật xác thực hai lớp trên cổng trước khi lấy mã truy cập API."
    )


def _totp(user: User) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def user_requires_otp(*, user: User) -> bool:
    """Tell whether a login of this user needs a second factor."""
    return _totp(user) is not None or (user.is_official and settings.MFA_REQUIRED_FOR_OFFICIALS)


def user_check_otp(*, user: User, otp: str) -> None:
    """Raise unless `otp` is a valid, unused TOTP code of a user who needs one."""
    authenticator = _totp(user)
    if authenticator is None:
        if user.is_official and settings.MFA_REQUIRED_FOR_OFFICIALS:
            raise MfaSetupRequired()
        return
    if not otp:
        raise OtpRequired(fields={"otp": [str(OtpRequired.default_message)]})
    # allauth marks a code used in the cache, so a code seen once cannot be replayed.
    if not TOTP(authenticator).validate_code(otp.strip()):
        raise OtpInvalid(fields={"otp": [str(OtpInvalid.default_message)]})


@transaction.atomic
def token_issue(*, user: User) -> tuple[AuthToken, str]:
    """Issue a new expiring token for the user; return the row and the token shown once."""
    # Tokens past their expiry are dead anyway; clearing them keeps the owner's list short.
    user.auth_token_set.filter(expiry__lt=timezone.now()).delete()
    return AuthToken.objects.create(user=user)


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every API token of the user (logout, password change)."""
    deleted, _rows = AuthToken.objects.filter(user=user).delete()
    return deleted


def token_revoke(*, user: User, token_key: str) -> None:
    """Revoke one of the user's own tokens by its visible key."""
    deleted, _rows = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    if not deleted:
        raise NotFound(_("Không tìm thấy mã truy cập."))
