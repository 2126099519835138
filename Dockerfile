# Production image of DVCTT: gunicorn serves the portal; the same image runs the Celery
# worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=dvctt.settings.production

# WeasyPrint needs Pango (the papers' fonts come from npm, see dvctt/pdf.py; DejaVu is only
# fontconfig's default face); Node for the npm assets.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
       nodejs npm curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 dvctt && mkdir -p /app/media && chown dvctt /app/media
USER dvctt

EXPOSE 8000
CMD ["gunicorn", "dvctt.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "2", "--threads", "4", "--timeout", "60", "--access-logfile", "-"]
