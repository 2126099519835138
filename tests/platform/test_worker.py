"""A real Celery worker process on the real Redis runs a task and commits its write."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from dvctt.celery import app as celery_app
from dvctt.models import WorkerHeartbeat
from dvctt.tasks import worker_heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_queue():
    """Start `celery worker` on a queue of its own, pointed at the test database."""
    queue = f"pytest-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "dvctt.settings.test",
    }
    celery = Path(sys.executable).with_name("celery")
    proc = subprocess.Popen(
        [
            str(celery),
            "-A",
            "dvctt",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = previous
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        # A worker that died on its own (not by our SIGTERM) is a failure worth its log.
        assert proc.returncode in (0, -15), output


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
