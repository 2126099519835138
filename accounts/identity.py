"""Verified identity (docs/design.md rule 12): a typed id number unlocks nothing until verified.

An account is verified by the citizen registry matching id number, full name and date of
birth (this module), by an official at the desk who saw the card (counter filing), or by the
national SSO. Only a verified account gets registry pre-fill and counter dossiers.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from dvctt.errors import ApplicationError, Conflict, InvalidInput
from integrations.citizen_registry import RegistryUnavailable, get_citizen_registry

from .constants import IdentitySource
from .models import User
from .validators import validate_id_number


class RegistryDown(ApplicationError):
    code = "registry_unavailable"
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_message = _(
        "Cơ sở dữ liệu quốc gia về dân cư tạm thời không trả lời. Vui lòng thử lại sau."
    )


class IdentityMismatch(InvalidInput):
    code = "identity_mismatch"
    default_message = _(
        "Thông tin không khớp với Cơ sở dữ liệu quốc gia về dân cư. Hãy nhập đúng số định "
        "danh, họ tên và ngày sinh như trên thẻ căn cước."
    )


def normalize_name(name: str) -> str:
    """Compare names as written on the card: same letters and marks, any case and spacing."""
    return " ".join(unicodedata.normalize("NFC", name or "").casefold().split())


def user_verify_identity_by_registry(
    *, actor: User, id_number: str, full_name: str, date_of_birth: dt.date
) -> User:
    """Verify the actor's identity against the citizen registry and record it on the account."""
    if actor.identity_verified:
        raise Conflict(_("Danh tính của tài khoản đã được xác thực."))
    try:
        validate_id_number(id_number)
    except ValidationError as exc:
        raise InvalidInput(fields={"id_number": [str(m) for m in exc.messages]}) from exc
    # Ask the registry first, outside any transaction (docs/design.md rule 10).
    try:
        record = get_citizen_registry().lookup(id_number)
    except RegistryUnavailable as exc:
        raise RegistryDown() from exc
    # One message for every mismatch: the page must not tell which part was wrong, or it would
    # let someone learn a stranger's name or birthday by trying.
    if (
        record is None
        or record.id_number != id_number
        or normalize_name(record.full_name) != normalize_name(full_name)
        or record.date_of_birth != date_of_birth
    ):
        raise IdentityMismatch()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        taken = (
            User.objects.filter(id_number=id_number, identity_verified_at__isnull=False)
            .exclude(pk=user.pk)
            .exists()
        )
        if taken:
            raise Conflict(
                _(
                    "Số định danh này đã được xác thực cho một tài khoản khác. Vui lòng mang thẻ "
                    "căn cước đến Bộ phận Một cửa để được hỗ trợ."
                )
            )
        user.id_number = id_number
        user.full_name = record.full_name
        user.date_of_birth = record.date_of_birth
        user.address = user.address or record.address
        user.identity_verified_at = timezone.now()
        user.identity_verified_via = IdentitySource.REGISTRY
        user.save(
            update_fields=[
                "id_number",
                "full_name",
                "date_of_birth",
                "address",
                "identity_verified_at",
                "identity_verified_via",
            ]
        )
    actor.refresh_from_db()
    return user
