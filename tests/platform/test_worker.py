"""A real Celery worker process on the real Redis runs a task and commits its write."""

from __future__ import annotations

import time

import pytest

from dvctt.models import WorkerHeartbeat
from dvctt.tasks import worker_heartbeat
from tests.drills import queue_worker

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
