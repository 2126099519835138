"""WSGI entry point (gunicorn dvctt.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings.local")
application = get_wsgi_application()
