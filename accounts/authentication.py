"""DRF authentication of API tokens (kept apart from services: DRF imports it with its settings)."""

from __future__ import annotations

import binascii

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class ExpiringTokenAuthentication(TokenAuthentication):
    """Knox token authentication that answers a malformed header with a 401, not a 500."""

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Mã truy cập không hợp lệ.")) from exc
        try:
            return super().authenticate_credentials(token)
        except (binascii.Error, ValueError) as exc:
            raise exceptions.AuthenticationFailed(_("Mã truy cập không hợp lệ.")) from exc

    def _cleanup_token(self, auth_token) -> bool:
        # GET never writes (docs/design.md rule 9): an expired token is refused here and its row is
        # removed when its owner next logs in (accounts.tokens.token_issue).
        return auth_token.expiry is not None and auth_token.expiry < timezone.now()
