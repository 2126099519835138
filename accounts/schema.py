"""OpenAPI description of the API token scheme (drf-spectacular extension)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token from POST /api/v1/auth/token/, sent as "Token <key>".',
        }
