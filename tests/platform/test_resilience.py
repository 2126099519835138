"""Redis accelerates, it never decides: the cache falls back, enqueueing never raises, /healthz."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time

import pytest
from django.core.cache import caches
from django.utils import timezone

from dvctt.background import enqueue, enqueue_on_commit
from dvctt.cache import FallbackRedisCache
from dvctt.models import WorkerHeartbeat
from dvctt.tasks import worker_heartbeat
from tests.drills import free_port, web_process_broker


def _cache(url: str) -> FallbackRedisCache:
    return FallbackRedisCache(
        url, {"OPTIONS": {"REDIS_TIMEOUT": 0.2, "RETRY_SECONDS": 30}, "KEY_PREFIX": "t"}
    )


def test_cache_answers_from_local_memory_when_redis_refuses(caplog):
    cache = _cache(f"redis://127.0.0.1:{free_port()}/0")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="dvctt.cache"):
        assert cache.add("rate", 0, 60) is True
        assert cache.incr("rate") == 1 and cache.incr("rate") == 2
        cache.set("page", "html", 60)
        assert cache.get("page") == "html" and cache.get_many(["page"]) == {"page": "html"}
        for _ in range(200):  # the breaker is open: no more connection attempts
            cache.get("page")
    assert time.monotonic() - started < 2
    assert cache.redis_down
    assert len([r for r in caplog.records if "Redis unavailable" in r.message]) == 1


@pytest.mark.worker
def test_cache_uses_redis_when_it_answers():
    cache = _cache(os.environ["REDIS_URL"])
    cache.set("shared-key", "from-redis", 30)
    other_process_view = _cache(os.environ["REDIS_URL"])
    assert other_process_view.get("shared-key") == "from-redis"
    assert not cache.redis_down
    cache.delete("shared-key")


@pytest.mark.worker
def test_window_count_is_one_pipeline_that_agrees_with_the_cache_api():
    # The rate limit's counters (dvctt/ratelimit.py): INCRBY and MGET in one round trip, read
    # back through Django's cache API as the plain integers it stores.
    cache = _cache(os.environ["REDIS_URL"])
    keys = [f"wc-{time.monotonic_ns()}-{n}" for n in range(3)]
    cache.set(keys[0], 4, 30)
    assert cache.window_count(keys[2], keys[:2], add=1, timeout=30) == 5
    assert cache.window_count(keys[2], keys[:2], add=2, timeout=30) == 7
    assert cache.window_count(keys[2], keys[:2], add=0, timeout=30) == 7
    assert cache.get(keys[2]) == 3 and cache.incr(keys[2]) == 4
    assert 0 < cache.primary._cache.get_client(None).ttl(cache.make_and_validate_key(keys[2])) <= 30
    cache.delete_many(keys)


def test_window_count_falls_back_to_local_memory():
    cache = _cache(f"redis://127.0.0.1:{free_port()}/0")
    assert cache.window_count("now", ["before"], add=1, timeout=30) == 1
    assert cache.redis_down
    assert cache.window_count("now", ["before"], add=1, timeout=30) == 2


def test_cache_retries_redis_after_the_pause(monkeypatch):
    cache = _cache(f"redis://127.0.0.1:{free_port()}/0")
    cache.get("x")
    assert cache.redis_down
    monkeypatch.setattr(cache, "_down_until", 0.0)
    assert not cache.redis_down  # the next call tries Redis again


def test_enqueue_with_the_broker_down_logs_and_returns(
    caplog, db, django_capture_on_commit_callbacks
):
    with web_process_broker(f"redis://127.0.0.1:{free_port()}/0"):
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="dvctt.background"):
            assert enqueue(worker_heartbeat) is False
            with django_capture_on_commit_callbacks(execute=True):
                enqueue_on_commit(worker_heartbeat)  # after the commit: no exception either
        assert time.monotonic() - started < 5
    assert sum("sweeper will pick it up" in r.message for r in caplog.records) == 2


def test_healthz_is_degraded_but_200_when_the_broker_is_down(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["database"] == "ok"
    assert body["broker"] == "down" and body["worker"] == "down"
    assert body["worker_heartbeat_age_seconds"] is None


@pytest.mark.worker
def test_healthz_reports_the_worker_heartbeat_age(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]
    WorkerHeartbeat.objects.create(worker="w1", seen_at=timezone.now() - dt.timedelta(seconds=30))
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["broker"] == "ok" and body["worker"] == "ok"
    assert 29 <= body["worker_heartbeat_age_seconds"] <= 40
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(hours=1))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["worker"] == "down"


def test_healthz_is_ok_when_tasks_run_in_process(client, db):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["broker"] == body["worker"] == "in-process"


def test_configured_cache_is_the_fallback_one_when_redis_is_set(settings):
    from dvctt.settings import base

    if base.REDIS_URL:
        assert base.CACHES["default"]["BACKEND"] == "dvctt.cache.FallbackRedisCache"
    assert caches["default"] is not None
    assert base.CELERY_TASK_ACKS_LATE and base.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert base.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert base.CELERY_ACCEPT_CONTENT == ["json"]
    assert set(base.CELERY_TASK_QUEUES) == {"sync", "notify", "pdf", "default"}
    assert (
        base.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        > base.CELERY_MAX_COUNTDOWN_SECONDS
    )
    assert {"hub-outbox-sweep", "notification-sweep", "officials-daily-digest"} <= set(
        base.CELERY_BEAT_SCHEDULE
    )
