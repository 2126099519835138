"""Writes of the accounts app: the citizen's own profile, officials' second-factor enrolment."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt.errors import InvalidInput

from .models import MfaEnrolmentToken, User

# An e-mailed link is used within minutes; a code an administrator hands over may wait a day.
ENROLMENT_LINK_TTL = dt.timedelta(hours=1)
ENROLMENT_CODE_TTL = dt.timedelta(hours=24)
# One e-mail a minute at most: a password thief pressing "send" cannot flood the mailbox.
ENROLMENT_RESEND_AFTER = dt.timedelta(minutes=1)


class EnrolmentTokenInvalid(InvalidInput):
    code = "mfa_enrolment_invalid"
    # One message for unknown, used, expired and someone else's: it tells a guesser nothing.
    default_message = gettext_lazy(
        "Mã đăng ký xác thực hai lớp không đúng, đã được dùng hoặc đã hết hạn. "
        "Vui lòng yêu cầu một liên kết mới."
    )


@transaction.atomic
def user_update_contact(*, actor: User, phone: str, address: str) -> User:
    """Change the actor's own contact details (identity data come from verified sources)."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    user.phone, user.address = phone, address
    user.save(update_fields=["phone", "address"])
    return user


def _digest(token: str) -> str:
    # The tokens carry 256 random bits: a plain SHA-256 cannot be reversed or brute-forced.
    return hashlib.sha256(token.strip().encode()).hexdigest()


def _issue(
    *, user: User, issued_by: User | None, ttl: dt.timedelta
) -> tuple[MfaEnrolmentToken, str]:
    now = timezone.now()
    # Only the newest token counts: issuing one retires every earlier unused one.
    MfaEnrolmentToken.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    token = secrets.token_urlsafe(32)
    row = MfaEnrolmentToken.objects.create(
        user=user, digest=_digest(token), issued_by=issued_by, created_at=now, expires_at=now + ttl
    )
    return row, token


@transaction.atomic
def mfa_enrolment_issue(
    *, user: User, issued_by: User | None = None, ttl: dt.timedelta = ENROLMENT_CODE_TTL
) -> str:
    """Issue a single-use enrolment code for an administrator to hand over; return it once."""
    if not user.is_official:
        raise InvalidInput(_("Chỉ tài khoản cán bộ mới cần mã đăng ký xác thực hai lớp."))
    _row, token = _issue(user=user, issued_by=issued_by, ttl=ttl)
    return token


@transaction.atomic
def mfa_enrolment_send_link(*, user: User) -> bool:
    """E-mail the official a fresh enrolment link; return False if one went out a minute ago."""
    from notifications.constants import NotificationChannel
    from notifications.services import notification_send

    User.objects.select_for_update().filter(pk=user.pk).get()  # one sender at a time
    recent = MfaEnrolmentToken.objects.filter(
        user=user, issued_by__isnull=True, created_at__gt=timezone.now() - ENROLMENT_RESEND_AFTER
    )
    if recent.exists():
        return False
    row, token = _issue(user=user, issued_by=None, ttl=ENROLMENT_LINK_TTL)
    # E-mail only, never the in-app inbox: whoever holds the password can read the inbox.
    notification_send(
        key=f"mfa_enrolment:{row.pk}",
        recipient_id=user.pk,
        address=user.email,
        channel=NotificationChannel.EMAIL,
        subject=_("Liên kết đăng ký xác thực hai lớp"),
        body=_(
            "Có người vừa đăng nhập tài khoản cán bộ của bạn và yêu cầu đăng ký xác thực hai "
            "lớp. Nếu đó là bạn, hãy mở liên kết dưới đây khi đang đăng nhập (liên kết dùng "
            "một lần, hết hạn sau %(minutes)s phút). Nếu không phải bạn, mật khẩu của bạn có "
            "thể đã bị lộ: hãy đổi mật khẩu ngay và báo quản trị viên."
        )
        % {"minutes": int(ENROLMENT_LINK_TTL.total_seconds() // 60)},
        link=reverse("accounts:mfa_enrol_link", kwargs={"token": token}),
    )
    return True


@transaction.atomic
def mfa_enrolment_consume(*, user: User, token: str) -> None:
    """Use up the official's enrolment token; raise EnrolmentTokenInvalid if it cannot be used."""
    row = (
        MfaEnrolmentToken.objects.select_for_update()
        .filter(digest=_digest(token or ""), user=user)
        .first()
    )
    now = timezone.now()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise EnrolmentTokenInvalid()
    row.used_at = now
    row.save(update_fields=["used_at"])
