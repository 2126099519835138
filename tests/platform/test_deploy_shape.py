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


WORKER_POOLS = {"worker": "default", "worker-sync": "sync", "worker-notify": "notify",
                "worker-pdf": "pdf"}  # fmt: skip
DJANGO_SERVICES = ["migrate", "web", *WORKER_POOLS, "beat"]


def test_compose_runs_every_django_service_from_one_anchor_behind_a_proxy():
    text = (ROOT / "docker-compose.yml").read_text()
    compose = yaml.safe_load(text)
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "proxy", *DJANGO_SERVICES}
    # The Django services reuse the x-django anchor: same image, env and volumes.
    assert text.count("<<: *django") == len(DJANGO_SERVICES)
    django_services = [services[name] for name in DJANGO_SERVICES]
    assert all(s["image"] == compose["x-django"]["image"] for s in django_services)
    assert all(s["environment"]["REDIS_URL"].startswith("redis://redis") for s in django_services)
    assert "gunicorn" in services["web"]["command"]
    assert "gthread" in services["web"]["command"]
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "dvctt", "beat"]
    for name, service in services.items():
        if name != "migrate":  # a one-shot job
            assert "healthcheck" in service, f"{name} has no healthcheck"
    for dependency in ("postgres", "redis"):
        assert services["web"]["depends_on"][dependency]["condition"] == "service_healthy"
    assert {"postgres-data", "redis-data", "media"} <= set(compose["volumes"])
    assert (ROOT / "Dockerfile").read_text().count("FROM python:3.11") == 1


def test_web_replicas_scale_behind_the_proxy():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    # Only the proxy publishes a port: `--scale web=3` starts three replicas without a clash.
    assert "ports" not in services["web"]
    assert "container_name" not in services["web"]
    assert services["proxy"]["ports"]
    mount = services["proxy"]["volumes"][0].split(":")[0]
    conf = (ROOT / mount).read_text()
    assert "proxy_pass $web" in conf and "resolver 127.0.0.11" in conf
    # migrations run once, before any replica starts
    assert "migrate" not in " ".join(services["web"]["command"])
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_each_queue_has_a_worker_pool_of_its_own():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    served = {}
    for name, queue in WORKER_POOLS.items():
        command = compose["services"][name]["command"]
        assert command[:4] == ["celery", "-A", "dvctt", "worker"]
        served[command[command.index("-Q") + 1]] = name
        assert queue in served
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} == set(served)
    assert set(settings.CELERY_TASK_QUEUES) == set(served)


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
