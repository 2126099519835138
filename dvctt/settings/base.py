"""Every setting DVCTT has, read from the environment (see .env.example).

local.py, test.py and production.py only change defaults; nothing is declared there first.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[PUBLIC_BASE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_prometheus",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "dvctt",
    "accounts",
    "procedures",
    "dossiers",
    "payments",
    "notifications",
    "integrations",
    "reports",
    "vneid_standin",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dvctt.middleware.ChosenLanguageMiddleware",
    "dvctt.middleware.ApiErrorShapeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dvctt.middleware.ApplicationErrorPageMiddleware",
    "dvctt.input_cleaning.InputCleaningMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, plus the payment gateway's origin in form-action.
    "dvctt.middleware.PortalCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.OfficialMfaRequiredMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "dvctt.urls"
WSGI_APPLICATION = "dvctt.wsgi.application"
ASGI_APPLICATION = "dvctt.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "dvctt.context_processors.portal",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

# The embedded default is a SQLite file so `make run` works on a bare laptop; production and
# CI point DATABASE_URL at PostgreSQL (psycopg 3 with Django's connection pool).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {})
    if env.bool("DATABASE_POOL", default=False):
        DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 2, "max_size": 10, "timeout": 10}
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# A streaming read replica for statistics and exports (dvctt/db_router.py): reads of the use
# sites that tolerate lag go there; every write and every other read stays on the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "ENGINE": DATABASES["default"]["ENGINE"],
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        # Tests read the replica through the primary's test database.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["dvctt.db_router.PrimaryReplicaRouter"]
IS_POSTGRES = "postgresql" in DATABASES["default"]["ENGINE"]
# The queue indexes carry INCLUDE columns for index-only counts on PostgreSQL; SQLite builds
# the same indexes without them, which is all the embedded default needs.
SILENCED_SYSTEM_CHECKS = [] if IS_POSTGRES else ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: e-mail is the login; no usernames.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Mandatory everywhere `make run` and production run: only then can sign-up answer the same for
# a known and a new address (allauth's enumeration prevention needs it); the demo accounts'
# addresses are seeded as verified, and local e-mails are printed on the console.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.CitizenSignupForm"}
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {"login_failed": "10/m/ip,5/5m/key"}
# Signing up or asking for a reset never tells whether an e-mail has an account: allauth
# answers the same and e-mails the owner instead (with verification mandatory, production).
ACCOUNT_PREVENT_ENUMERATION = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "DVCTT"
# Nghị định 42/2022: officials' accounts handle personal data, so production asks them for a
# second factor; development leaves it optional so the demo accounts log in with a password.
MFA_REQUIRED_FOR_OFFICIALS = env.bool("MFA_REQUIRED_FOR_OFFICIALS", default=False)

# --- Sign-in with the national eID, VNeID (OpenID Connect; docs/api.md "Sign-in with VNeID") --
# VNEID_ISSUER unset = the built-in stand-in identity provider at PUBLIC_BASE_URL/_vneid
# (vneid_standin/), which production refuses. accounts/vneid.py reads the issuer at run time.
VNEID_ISSUER = env("VNEID_ISSUER", default="").rstrip("/")
VNEID_CLIENT_ID = env("VNEID_CLIENT_ID", default="dvctt-portal")
DEV_VNEID_CLIENT_SECRET = "dev-only-vneid-client-secret"  # refused by production.py
VNEID_CLIENT_SECRET = env("VNEID_CLIENT_SECRET", default=DEV_VNEID_CLIENT_SECRET)
VNEID_STANDIN_ALLOWED = True
# Officials sign in only through VNeID (their password alone is refused).
VNEID_REQUIRED_FOR_OFFICIALS = env.bool("VNEID_REQUIRED_FOR_OFFICIALS", default=False)
SOCIALACCOUNT_ADAPTER = "accounts.vneid.VNeIDSocialAccountAdapter"
# The person is identified by VNeID; the e-mail it sends is kept but not taken as confirmed.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        # allauth's provider with the full ID-token check, the nonce and the claims of VNeID.
        "provider_class": "accounts.vneid.VNeIDProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "vneid",
                "name": "VNeID",
                "client_id": VNEID_CLIENT_ID,
                "secret": VNEID_CLIENT_SECRET,
                "settings": {
                    "server_url": VNEID_ISSUER,
                    "oauth_pkce_enabled": True,
                    "token_auth_method": "client_secret_post",
                    "scope": ["openid", "profile", "email"],
                },
            }
        ],
    }
}
# --- end of VNeID ---

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
# locale/ holds our catalogues (makemessages); locale_vendor/ translates third-party apps
# (django-allauth ships no Vietnamese) and is never regenerated by makemessages.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Front-end packages come from npm (package.json) and are served from node_modules, so
# nothing is hand-copied into static/ and nothing is fetched from a CDN.
_htmx_dist = BASE_DIR / "node_modules" / "htmx.org" / "dist"
STATICFILES_DIRS: list = [BASE_DIR / "static"]
if _htmx_dist.is_dir():
    STATICFILES_DIRS.append(("vendor/htmx", _htmx_dist))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploads and papers in an S3-compatible object store (django-storages) instead of MEDIA_ROOT:
# every web and worker process then sees the same files, on any machine. The files are never
# public: downloads stream through the portal's access checks (no public ACL, no public URL).
STORAGE_S3_BUCKET = env("STORAGE_S3_BUCKET", default="")
if STORAGE_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": env("STORAGE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("STORAGE_S3_REGION", default="") or None,
            "access_key": env("STORAGE_S3_ACCESS_KEY", default="") or None,
            "secret_key": env("STORAGE_S3_SECRET_KEY", default="") or None,
            "location": env("STORAGE_S3_PREFIX", default=""),
            "default_acl": None,
            "file_overwrite": False,
            "addressing_style": "path",
        },
    }
MEDIA_URL = "/media-private/"  # never served directly: attachments go through access checks
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="DVCTT <no-reply@dvctt.local>")

# Celery: with REDIS_URL unset the tasks run in-process (embedded default). The database is
# the record of all background work (outbox rows, queued notifications); Redis only carries
# wake-ups, and the beat sweepers re-enqueue whatever a lost message left behind.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only once it ran, and redelivered if its worker died mid-way; one
# message at a time per worker process, so a crash strands at most one.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker process keeps its database connection from one task to the next: Celery's Django
# fixup would otherwise close it (with DATABASE_POOL, the whole pool) before and after every
# task, a new PostgreSQL backend per task (issue 24). dvctt/celery.py still drops a connection
# that broke or outlived CONN_MAX_AGE before each task, as Django does before each request.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES: dict[str, dict] = {q: {} for q in ("sync", "notify", "pdf", "default")}
CELERY_TASK_ROUTES = {
    "integrations.tasks.*": {"queue": "sync"},
    "notifications.tasks.*": {"queue": "notify"},
    "dossiers.tasks.*": {"queue": "pdf"},
}
# Retries are scheduled through the database (next_attempt_at + the sweepers), never as a
# countdown longer than this, so Redis's visibility timeout (above it) never redelivers a
# task that is only waiting for its time.
CELERY_MAX_COUNTDOWN_SECONDS = env.int("CELERY_MAX_COUNTDOWN_SECONDS", default=600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": max(3600, 2 * CELERY_MAX_COUNTDOWN_SECONDS + CELERY_TASK_TIME_LIMIT),
    # A dead broker must not hold a web request: publishing fails fast and is logged.
    "socket_connect_timeout": env.float("BROKER_CONNECT_TIMEOUT_SECONDS", default=1.0),
    "socket_timeout": 5.0,
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("BROKER_CONNECT_TIMEOUT_SECONDS", default=1.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
# The outbox sweeper runs often: it is the guarantee that nothing committed is lost.
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=30.0)
CELERY_BEAT_SCHEDULE: dict = {
    # /healthz reports when a worker last ran this, so a stalled queue is visible.
    "worker-heartbeat": {"task": "dvctt.tasks.worker_heartbeat", "schedule": 60.0},
    "hub-outbox-sweep": {"task": "integrations.tasks.hub_sweep", "schedule": OUTBOX_SWEEP_SECONDS},
    "postal-handover-sweep": {
        "task": "integrations.tasks.postal_sweep",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    "notification-sweep": {
        "task": "notifications.tasks.notification_sweep",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    # Reminders, in Vietnam time (CELERY_TIMEZONE): before the desk opens, and Monday morning.
    "officials-daily-digest": {
        "task": "dossiers.reminders.officials_daily_digest",
        "schedule": crontab(hour=6, minute=30, day_of_week="mon-sat"),
    },
    "leaders-weekly-summary": {
        "task": "dossiers.reminders.leaders_weekly_summary",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    "citizens-reminders": {
        "task": "dossiers.reminders.citizens_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    # Feedback (PAKN) due within a working day or late: the addressed agency's officials.
    "feedback-reminders": {
        "task": "reports.tasks.feedback_reminders",
        "schedule": crontab(hour=7, minute=15, day_of_week="mon-sat"),
    },
    # Payments pending > 15 min are asked about (querydr); a missed IPN is repaired.
    "payments-reconcile": {"task": "payments.tasks.payments_reconcile", "schedule": 300.0},
    "payments-daily-report": {
        "task": "payments.tasks.payments_daily_report",
        "schedule": crontab(hour=1, minute=30),
    },
    # The indicators' counters that are no dossier event: hub sync, ratings, feedback.
    "statistics-refresh": {"task": "reports.tasks.statistics_refresh", "schedule": 600.0},
}
# /healthz: a worker whose last heartbeat is older than this is reported down.
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env.int("WORKER_HEARTBEAT_MAX_AGE_SECONDS", default=180)

# Redis is an accelerator: the cache falls back to local memory within CACHE_REDIS_TIMEOUT
# seconds and leaves Redis alone for CACHE_REDIS_RETRY_SECONDS (dvctt/cache.py).
CACHES = {
    "default": (
        {
            "BACKEND": "dvctt.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "REDIS_TIMEOUT": env.float("CACHE_REDIS_TIMEOUT", default=0.25),
                "RETRY_SECONDS": env.float("CACHE_REDIS_RETRY_SECONDS", default=10.0),
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Sessions in Redis (through the cache) with the database behind it: any web process serves
# any visitor, and a Redis restart signs no one out.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Outside systems: an unset URL means the built-in local stand-in (docs/api.md §1).
NATIONAL_HUB_URL = env("NATIONAL_HUB_URL", default="")
NATIONAL_HUB_TOKEN = env("NATIONAL_HUB_TOKEN", default="")
VNPAY_TMN_CODE = env("VNPAY_TMN_CODE", default="DVCTTDEMO")
DEV_VNPAY_HASH_SECRET = "dev-only-vnpay-secret"  # refused by production.py
VNPAY_HASH_SECRET = env("VNPAY_HASH_SECRET", default=DEV_VNPAY_HASH_SECRET)
VNPAY_PAYMENT_URL = env("VNPAY_PAYMENT_URL", default="")
# The built-in sandbox gateway (/payments/sandbox/) may serve payments when VNPAY_PAYMENT_URL is
# unset; production.py turns it off: there it would mark fees paid with no money moved.
PAYMENT_SANDBOX_ALLOWED = True
# The largest fee an official may ask for (đồng): above any administrative fee, so a typo
# (an extra zero, a decimal read as grouping) is refused rather than charged.
FEE_AMOUNT_MAX = env.int("FEE_AMOUNT_MAX", default=100_000_000)
# VNPay's merchant API (querydr, refund); used only when VNPAY_PAYMENT_URL is set.
VNPAY_API_URL = env("VNPAY_API_URL", default="")
# The payment gateway new payments use, by its name in payments.gateways.REGISTRY; empty:
# VNPay when VNPAY_PAYMENT_URL is set, otherwise the sandbox.
PAYMENT_GATEWAY = env("PAYMENT_GATEWAY", default="")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
# Results by post (NĐ 61/2018 Điều 20): POSTAL_SERVICE_URL unset = the built-in stand-in
# (integrations/postal.py), which reports delivery to /integrations/postal/callback/ signed
# with POSTAL_SHARED_SECRET, POSTAL_STANDIN_REPORT_SECONDS after the handover (0: never by
# itself). POSTAL_RESULT_CHARGE (đồng) is the charge shown at filing (0: not shown).
POSTAL_SERVICE_URL = env("POSTAL_SERVICE_URL", default="")
DEV_POSTAL_SHARED_SECRET = "dev-only-postal-secret"  # refused by production.py
POSTAL_SHARED_SECRET = env("POSTAL_SHARED_SECRET", default=DEV_POSTAL_SHARED_SECRET)
POSTAL_STANDIN_REPORT_SECONDS = env.int("POSTAL_STANDIN_REPORT_SECONDS", default=60)
POSTAL_RESULT_CHARGE = env.int("POSTAL_RESULT_CHARGE", default=0)
CITIZEN_REGISTRY_URL = env("CITIZEN_REGISTRY_URL", default="")
CITIZEN_REGISTRY_TOKEN = env("CITIZEN_REGISTRY_TOKEN", default="")
OUTSIDE_CALL_TIMEOUT_SECONDS = env.float("OUTSIDE_CALL_TIMEOUT_SECONDS", default=5.0)
# Hub delivery (docs/api.md §8): retry with exponential backoff (base, cap) for at least
# HUB_RETRY_HOURS before an event goes to the dead-letter list; HUB_BATCH_SIZE events per claim.
HUB_RETRY_BASE_SECONDS = env.float("HUB_RETRY_BASE_SECONDS", default=30.0)
HUB_RETRY_MAX_SECONDS = env.float("HUB_RETRY_MAX_SECONDS", default=3600.0)
HUB_RETRY_HOURS = env.float("HUB_RETRY_HOURS", default=48.0)
HUB_BATCH_SIZE = env.int("HUB_BATCH_SIZE", default=500)
# A claimed event is re-offered when its worker has not reported within this lease.
HUB_CLAIM_SECONDS = env.float("HUB_CLAIM_SECONDS", default=120.0)
# Notifications: attempts and backoff before a message is marked failed.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
NOTIFICATION_RETRY_BASE_SECONDS = env.float("NOTIFICATION_RETRY_BASE_SECONDS", default=60.0)
NOTIFICATION_RETRY_MAX_SECONDS = env.float("NOTIFICATION_RETRY_MAX_SECONDS", default=6 * 3600.0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "dvctt.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "dvctt.errors.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "dvctt.input_cleaning.CleanJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# API tokens (django-rest-knox): stored as SHA-512 digests, expire after API_TOKEN_TTL_HOURS,
# sent as "Authorization: Token <key>" (docs/api.md §4).
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=10)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": None,
    "AUTO_REFRESH": False,
}

# Rate limits (dvctt/ratelimit.py), "N/period" with period s, m, h or d (e.g. 5/15m). A scope
# counts per client address (dvctt/client_ip.py); "<scope>_account" counts per account. The
# web login keeps allauth's limits (ACCOUNT_RATE_LIMITS), counted by the same client address.
RATE_LIMITS = {
    "token": env("RATE_LIMIT_TOKEN", default="20/m"),
    "token_fail": env("RATE_LIMIT_TOKEN_FAIL", default="30/15m"),
    "token_fail_account": env("RATE_LIMIT_TOKEN_FAIL_ACCOUNT", default="5/15m"),
    "tracking": env(
        "RATE_LIMIT_TRACKING", default=f"{env.int('TRACKING_RATE_PER_MINUTE', default=20)}/m"
    ),
    "upload": env("RATE_LIMIT_UPLOAD", default="120/h"),
    "upload_account": env("RATE_LIMIT_UPLOAD_ACCOUNT", default="60/h"),
    "draft": env("RATE_LIMIT_DRAFT", default="30/h"),
    "draft_account": env("RATE_LIMIT_DRAFT_ACCOUNT", default="10/h"),
    "identity": env("RATE_LIMIT_IDENTITY", default="20/h"),
    "identity_account": env("RATE_LIMIT_IDENTITY_ACCOUNT", default="5/h"),
    # Feedback (PAKN) is open to anyone: sending is counted per address and per account,
    # following one by its code per address.
    "feedback": env("RATE_LIMIT_FEEDBACK", default="10/h"),
    "feedback_account": env("RATE_LIMIT_FEEDBACK_ACCOUNT", default="10/h"),
    "feedback_lookup": env("RATE_LIMIT_FEEDBACK_LOOKUP", default="30/m"),
    # Checking an uploaded copy on /xac-thuc/<token>/ (public; parsing a PDF costs CPU).
    "verify": env("RATE_LIMIT_VERIFY", default="30/h"),
}
# The feedback form refuses a submission sent sooner than this after the form was shown (a
# person takes longer to write one; a script does not) or later than the age below.
FEEDBACK_FORM_MIN_SECONDS = env.float("FEEDBACK_FORM_MIN_SECONDS", default=3.0)
FEEDBACK_FORM_MAX_AGE_SECONDS = env.int("FEEDBACK_FORM_MAX_AGE_SECONDS", default=24 * 3600)
# Addresses (or networks) of our own reverse proxies; only their X-Forwarded-For is believed.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# /metrics answers only these client addresses (or networks), or a request that carries
# "Authorization: Bearer <METRICS_BEARER_TOKEN>".
METRICS_ALLOWED_ADDRESSES = env.list("METRICS_ALLOWED_ADDRESSES", default=["127.0.0.1", "::1"])
METRICS_BEARER_TOKEN = env("METRICS_BEARER_TOKEN", default="")

SPECTACULAR_SETTINGS = {
    "TITLE": "DVCTT API",
    "DESCRIPTION": "API v1 của cổng dịch vụ công trực tuyến DVCTT",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request and response shapes apart (required and read-only fields differ), request bodies
    # as JSON (docs/api.md §4; multipart only where a view names it, e.g. attachments), and the
    # error answers and input rules of dvctt/api_schema.py.
    "COMPONENT_SPLIT_REQUEST": True,
    "PARSER_WHITELIST": ["dvctt.input_cleaning.CleanJSONParser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "dvctt.api_schema.refuse_control_characters",
    ],
}

# Content-Security-Policy (django-csp 4): only our own origin, no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # No 'unsafe-inline': every style lives in a file (an injected <style> or style=""
        # attribute cannot restyle a page to phish).
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        # Plus the payment gateway's and VNeID's origins (dvctt.middleware.PortalCSPMiddleware).
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
CSRF_FAILURE_VIEW = "dvctt.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO; only its warnings are worth keeping.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Anonymous visitors get the catalogue pages from the cache (dvctt/page_cache.py), and every
# visitor the tracking answers (dossiers/tracking_cache.py).
PUBLIC_PAGE_CACHE = env.bool("PUBLIC_PAGE_CACHE", default=True)
# /_bench/ping, the bare JSON view the load bench compares public pages with (bench/load.py).
BENCH_PING_ENABLED = env.bool("BENCH_PING_ENABLED", default=False)

PORTAL_NAME = env("PORTAL_NAME", default="Cổng Dịch vụ công trực tuyến tỉnh Demo")

# --- Dossiers (issue 4): working time, uploads, dossier limits ------------------------------
# Working hours of the one-stop desk (docs/domain.md "Deadlines"; one provincial system uses
# 07:00–11:30 and 13:30–17:00, 8 hours = 1 working day). Dossiers received after the cut-off
# count from the next working day (Nghị định 61/2018/NĐ-CP Điều 18).
WORKING_HOURS = [
    tuple(p.split("-")) for p in env.list("WORKING_HOURS", default=["07:00-11:30", "13:30-17:00"])
]
WORKDAY_CUTOFF = env("WORKDAY_CUTOFF", default="15:00")
# Extra days off decided by the province (ISO dates), on top of holidays.Vietnam.
EXTRA_HOLIDAYS = env.list("EXTRA_HOLIDAYS", default=[])
# Make-up working Saturdays (ISO dates) the government declares in exchange for a bridge
# holiday, on top of those holidays.Vietnam lists.
EXTRA_WORKDAYS = env.list("EXTRA_WORKDAYS", default=[])
# Attachments: the default size limit per file (a component may set its own max_size_mb) and
# the most files one dossier may carry.
DOSSIER_UPLOAD_MAX_MB = env.int("DOSSIER_UPLOAD_MAX_MB", default=10)
DOSSIER_MAX_ATTACHMENTS = env.int("DOSSIER_MAX_ATTACHMENTS", default=60)
# Open online drafts one citizen may keep (storage abuse; a clear message past it).
DOSSIER_MAX_OPEN_DRAFTS = env.int("DOSSIER_MAX_OPEN_DRAFTS", default=20)
# --- Papers (issue 8): Mẫu 01–05 and results as PDF --------------------------------------------
# Render a dossier's papers in the background after each action (queue PDF_QUEUE); a paper the
# worker has not made yet is rendered in the request that asks for it.
DOCUMENTS_RENDER_AHEAD = env.bool("DOCUMENTS_RENDER_AHEAD", default=True)
PDF_QUEUE = env("PDF_QUEUE", default="pdf")
# Every paper and result is signed by its agency (PAdES; dvctt/signing.py, dvctt/pades.py).
# SIGNING_KEYS: {"<agency code>": {"pkcs12": "/path/a.p12", "passphrase_env": "ENV_NAME"}}
# (or "passphrase" inline); SIGNING_TRUST_ROOTS: PEM files of the CAs a checked file must chain
# to. SIGNING_DEV_PKI: a development CA in SIGNING_DIR (git-ignored) issues a certificate to any
# agency without a configured key and is the trust root (never in production).
SIGNING_ENABLED = env.bool("SIGNING_ENABLED", default=True)
SIGNING_DIR = Path(env("SIGNING_DIR", default=str(BASE_DIR / "var" / "signing")))
SIGNING_DEV_PKI = env.bool("SIGNING_DEV_PKI", default=True)
SIGNING_KEYS = env.json("SIGNING_KEYS", default={})
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
# An RFC 3161 timestamp authority; empty: the signature carries the signer's own clock.
SIGNING_TSA_URL = env("SIGNING_TSA_URL", default="")
