"""Test defaults: fast hashing, tasks in-process unless a test starts a real worker."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The fault drills hand a worker process a real SMTP address through EMAIL_URL.
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks eagerly; the worker tests turn this off and talk to the real Redis (the
# drills start their worker processes with CELERY_TASK_ALWAYS_EAGER=false).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
STORAGES = {
    # The object store when a test's child process is given one (tests/platform/test_scale_out.py).
    "default": STORAGES["default"]  # noqa: F405
    if STORAGE_S3_BUCKET  # noqa: F405
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/dvctt-test-media")  # noqa: S108
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {**REST_FRAMEWORK}  # noqa: F405
ACCOUNT_RATE_LIMITS = False
# The factories' users have no verified address; tests of sign-up set "mandatory" themselves.
ACCOUNT_EMAIL_VERIFICATION = "optional"

# Tests look at freshly rendered pages; tests/procedures/test_public_page_cache.py turns the
# anonymous page cache on.
PUBLIC_PAGE_CACHE = False

# Serve static files straight from the finders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Most tests do not look at papers: the tests of dossiers/papers/documents.py turn rendering
# ahead on.
DOCUMENTS_RENDER_AHEAD = False
# The postal stand-in reports delivery only when a test asks it to.
POSTAL_STANDIN_REPORT_SECONDS = 0
# Papers are signed in tests too: a throwaway development CA (tests/conftest.py makes one per
# session in a tmp dir and points SIGNING_DIR there; worker processes get it by environment).
SIGNING_DIR = env.path("SIGNING_DIR", default="/tmp/dvctt-test-signing")  # noqa: S108

# Sessions as production keeps them (read from the cache, the database behind it), with or
# without Redis, so the pinned query counts of pages are the same on every machine.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
