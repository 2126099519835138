"""Development defaults: debug on, console e-mail, the embedded SQLite database."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# `make run PORT=8001` serves on another port: links in e-mails, payment return URLs and the
# trusted origin follow it, unless PUBLIC_BASE_URL is set (in the environment or in .env).
if not env("PUBLIC_BASE_URL", default=""):
    PUBLIC_BASE_URL = f"http://127.0.0.1:{env.int('PORT', default=8000)}"
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[PUBLIC_BASE_URL])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# Serve static files straight from the finders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
