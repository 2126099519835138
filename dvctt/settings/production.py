"""Production: secrets and hosts must come from the environment; HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from dvctt.signing import check_production_keys

from .base import *  # noqa: F403
from .base import (
    POSTAL_SHARED_SECRET,
    SIGNING_ENABLED,
    SIGNING_KEYS,
    SIGNING_TRUST_ROOTS,
    VNEID_CLIENT_SECRET,
    VNEID_ISSUER,
    VNPAY_HASH_SECRET,
    VNPAY_PAYMENT_URL,
    env,
)

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
# Production refuses to start with a development secret (or a short one): sessions, password
# resets and payment signatures would be forgeable by anyone who read the repository.
_DEV_SECRETS = {
    "DJANGO_SECRET_KEY": (SECRET_KEY, 50),
    "VNPAY_HASH_SECRET": (VNPAY_HASH_SECRET, 16),
    "POSTAL_SHARED_SECRET": (POSTAL_SHARED_SECRET, 16),
}
for _name, (_value, _min_length) in _DEV_SECRETS.items():
    if not _value or "dev-only" in _value or "insecure" in _value or len(_value) < _min_length:
        raise ImproperlyConfigured(
            f"{_name} must be set to a long random secret in production (not a development "
            f"default, at least {_min_length} characters)."
        )
# Nor without a real payment gateway: the built-in sandbox answers every payment "paid" with
# no money moved, so it never serves production (its URLs answer 404 there too).
PAYMENT_SANDBOX_ALLOWED = False
if not VNPAY_PAYMENT_URL.startswith("https://") or "/payments/sandbox" in VNPAY_PAYMENT_URL:
    raise ImproperlyConfigured(
        "VNPAY_PAYMENT_URL must be set to the payment gateway's https:// address in production "
        "(the built-in sandbox gateway is for development and tests only)."
    )
# The VNeID stand-in would sign anyone in as anyone: never in production. With VNEID_ISSUER
# set, the client secret must be a real one.
VNEID_STANDIN_ALLOWED = False
if VNEID_ISSUER and (
    not VNEID_ISSUER.startswith("https://")
    or "dev-only" in VNEID_CLIENT_SECRET
    or len(VNEID_CLIENT_SECRET) < 16
):
    raise ImproperlyConfigured(
        "VNEID_ISSUER must be an https:// address and VNEID_CLIENT_SECRET a real secret "
        "(at least 16 characters) in production."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# Every paper is signed by its agency's own key: no development CA, and keys that open.
SIGNING_DEV_PKI = env.bool("SIGNING_DEV_PKI", default=False)
check_production_keys(
    enabled=SIGNING_ENABLED, dev_pki=SIGNING_DEV_PKI, keys=SIGNING_KEYS, roots=SIGNING_TRUST_ROOTS
)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Only the load balancer's health probe may use plain HTTP; /metrics goes over HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
MFA_REQUIRED_FOR_OFFICIALS = env.bool("MFA_REQUIRED_FOR_OFFICIALS", default=True)
# Hashed names (cached for a year by WhiteNoise) and gzip/brotli copies of the static files;
# uploads stay wherever base.py put them (MEDIA_ROOT, or the S3 bucket of STORAGE_S3_BUCKET).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
