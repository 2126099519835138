"""Wake-ups of drain tasks: one waiting wake-up serves every commit until the task starts.

The flag lives in the broker's Redis (the real one of REDIS_URL, a key of each test's own);
publishing is recorded instead of sent, so no task reaches a queue.
"""

from __future__ import annotations

import os
import uuid
from types import SimpleNamespace

import pytest
from django.db import transaction

from dvctt import background
from tests.drills import free_port


def _task(broker_url: str, *, eager: bool = False) -> SimpleNamespace:
    conf = SimpleNamespace(broker_url=broker_url, task_always_eager=eager)
    return SimpleNamespace(name=f"tests.drain_{uuid.uuid4().hex}", app=SimpleNamespace(conf=conf))


@pytest.fixture
def published(monkeypatch):
    sent: list[str] = []
    outcome = {"ok": True}

    def record(task, **_options):
        sent.append(task.name)
        return outcome["ok"]

    monkeypatch.setattr(background, "enqueue", record)
    return SimpleNamespace(sent=sent, outcome=outcome)


@pytest.mark.worker
def test_commits_share_the_waiting_wake_up_until_the_task_takes_it(published):
    task = _task(os.environ["REDIS_URL"])
    for _ in range(5):
        assert background.wake(task) is True
    assert published.sent == [task.name]  # one message for five commits
    background.wake_taken(task)  # the drain started: it sees every row committed so far
    assert background.wake(task) is True
    assert published.sent == [task.name, task.name]  # a later commit wakes it again
    background.wake_taken(task)


@pytest.mark.worker
def test_a_failed_publish_leaves_no_flag_behind(published):
    task = _task(os.environ["REDIS_URL"])
    published.outcome["ok"] = False
    assert background.wake(task) is False
    published.outcome["ok"] = True
    assert background.wake(task) is True  # not suppressed by a wake-up that never left
    assert published.sent == [task.name, task.name]
    background.wake_taken(task)


def test_without_redis_every_wake_up_is_published(published):
    # Redis refusing: the flag cannot be read, so each commit publishes as before (and that
    # publish fails fast and is logged; the sweepers are the guarantee).
    task = _task(f"redis://127.0.0.1:{free_port()}/0")
    assert background.wake(task) is True and background.wake(task) is True
    assert published.sent == [task.name, task.name]
    background.wake_taken(task)  # no error either


def test_eager_tasks_have_no_flag(published):
    task = _task(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0", eager=True)
    background.wake(task)
    background.wake(task)
    assert published.sent == [task.name, task.name]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_wake_on_commit_waits_for_the_commit_and_not_for_a_rollback(published):
    task = _task(os.environ["REDIS_URL"])
    with transaction.atomic():
        background.wake_on_commit(task)
        assert published.sent == []
    assert published.sent == [task.name]
    background.wake_taken(task)
    with pytest.raises(RuntimeError), transaction.atomic():
        background.wake_on_commit(task)
        raise RuntimeError("rolled back")
    assert published.sent == [task.name]
