"""The production shape: docker-compose.yml, .env.example and `check --deploy`."""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml
from django.conf import settings

from tests.production import manage, production_env

ROOT = Path(settings.BASE_DIR)
API_MD_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "EMAIL_URL",
    "NATIONAL_HUB_URL",
    "NATIONAL_HUB_TOKEN",
    "VNPAY_TMN_CODE",
    "VNPAY_HASH_SECRET",
    "VNPAY_PAYMENT_URL",
    "SMS_GATEWAY_URL",
    "CITIZEN_REGISTRY_URL",
    "PUBLIC_BASE_URL",
}


def test_compose_has_the_five_services_sharing_one_django_anchor():
    text = (ROOT / "docker-compose.yml").read_text()
    compose = yaml.safe_load(text)
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    # The three Django services reuse the x-django anchor: same image, env and volumes.
    assert text.count("<<: *django") == 3
    django_services = [services[name] for name in ("web", "worker", "beat")]
    assert all(s["image"] == compose["x-django"]["image"] for s in django_services)
    assert all(s["environment"]["REDIS_URL"].startswith("redis://redis") for s in django_services)
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "dvctt", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "dvctt", "beat"]
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no healthcheck"
    for dependency in ("postgres", "redis"):
        assert services["web"]["depends_on"][dependency]["condition"] == "service_healthy"
    assert {"postgres-data", "redis-data", "media"} <= set(compose["volumes"])
    assert (ROOT / "Dockerfile").read_text().count("FROM python:3.11") == 1


def test_env_example_lists_every_variable_of_the_contract():
    names = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert names >= API_MD_VARIABLES


def test_env_example_lists_exactly_the_variables_that_are_read():
    read = {"DJANGO_SETTINGS_MODULE"}  # manage.py, wsgi.py, asgi.py and celery.py
    for module in (ROOT / "dvctt" / "settings").glob("*.py"):
        read |= set(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]+)", module.read_text()))
    read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text()))
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert listed - read == set(), "listed in .env.example but read nowhere"
    assert read - listed == set(), "read by the settings but missing from .env.example"


def test_production_settings_pass_check_deploy_with_zero_warnings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dvctt.settings.production",
        "DJANGO_ALLOWED_HOSTS": "x.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
    }
    env.pop("DJANGO_SECRET_KEY", None)
    result = manage(env, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
