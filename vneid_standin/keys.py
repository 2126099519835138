"""The stand-in's signing key and its ID tokens (RS256)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from .identities import DemoIdentity
from .models import Grant, SigningKey

ID_TOKEN_SECONDS = 300


def issuer() -> str:
    """The stand-in's issuer: where the portal's own address serves it."""
    return f"{settings.PUBLIC_BASE_URL}/_vneid"


def current_key() -> SigningKey | None:
    return SigningKey.objects.order_by("-created_at", "-pk").first()


def ensure_key() -> SigningKey:
    """Return the signing key, making one the first time (kept in the database, never a file)."""
    key = current_key()
    if key is not None:
        return key
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    kid = hashlib.sha256(pem.encode()).hexdigest()[:16]
    key, _ = SigningKey.objects.get_or_create(kid=kid, defaults={"private_pem": pem})
    return key


def public_jwk(key: SigningKey) -> dict[str, Any]:
    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    if not isinstance(private, rsa.RSAPrivateKey):  # only ensure_key makes them: always RSA
        raise TypeError("the stand-in signs with RSA keys only")
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": key.kid, "use": "sig", "alg": "RS256"})
    return jwk


def id_token_claims(grant: Grant, identity: DemoIdentity) -> dict[str, Any]:
    """The ID token's claims; tests replace this to make a token go wrong in one way."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer(),
        "aud": grant.client_id,
        "iat": now,
        "exp": now + ID_TOKEN_SECONDS,
        "auth_time": now,
        **identity.claims(),
    }
    if grant.nonce:
        claims["nonce"] = grant.nonce
    return claims


def sign(claims: dict[str, Any], key: SigningKey) -> str:
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})


def pkce_matches(verifier: str, challenge: str) -> bool:
    """S256: BASE64URL(SHA256(verifier)) without padding equals the challenge (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return bool(verifier) and hmac.compare_digest(computed, challenge)
