"""A real Celery worker process on the real Redis runs a task and commits its write."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from dvctt.models import WorkerHeartbeat
from dvctt.tasks import worker_heartbeat
from tests.drills import queue_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_queue():
    """Start `celery worker` on a queue of its own, pointed at the test database."""
    with queue_worker("pytest") as queue:
        yield queue


def test_worker_process_runs_the_task_and_commits_its_write(worker_queue):
    worker_heartbeat.apply_async(kwargs={"worker": "probe"}, queue=worker_queue)
    worker_heartbeat.apply_async(kwargs={"worker": "probe"}, queue=worker_queue)

    deadline = time.monotonic() + 60
    beat = None
    while time.monotonic() < deadline:
        beat = WorkerHeartbeat.objects.filter(worker="probe", beats__gte=2).first()
        if beat:
            break
        time.sleep(0.25)
    assert beat is not None, "the worker did not run both tasks within 60 s"
    assert beat.beats == 2


def _worker_backends() -> set[int]:
    # Backends on this test database other than this process's own: the worker's.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


def _beats(name: str) -> int:
    beat = WorkerHeartbeat.objects.filter(worker=name).first()
    return beat.beats if beat else 0


def test_worker_keeps_its_database_connections_from_one_task_to_the_next():
    # Production's shape (prefork, DATABASE_POOL): Celery's Django fixup would close the pool
    # around every task, a new PostgreSQL backend per task; the worker keeps its connections.
    with queue_worker("pytest-conn", pool="prefork", DATABASE_POOL="true") as queue:
        worker_heartbeat.apply_async(kwargs={"worker": "conn-probe"}, queue=queue)
        wait_for(lambda: _beats("conn-probe") == 1, timeout=60, what="the first task")
        first = _worker_backends()
        for expected in (2, 3):
            worker_heartbeat.apply_async(kwargs={"worker": "conn-probe"}, queue=queue)
            wait_for(lambda n=expected: _beats("conn-probe") == n, timeout=60, what="a task")
        assert first and _worker_backends() == first
