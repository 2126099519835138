"""Hub outbox (docs/api.md §8): order per dossier, Idempotency-Key, backoff, dead letters,
leases."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
import responses
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from integrations.constants import OutboxStatus
from integrations.hub import DeliveryResult, HttpNationalHub, StandInNationalHub
from integrations.models import HubOutboxEvent, HubReceivedEvent
from integrations.outbox import _claim, hub_drain, hub_event_record, hub_event_retry
from tests.properties import examples

pytestmark = pytest.mark.django_db
HUB = "https://hub.example.vn/api"


def _record(stream: str, status: str = "received") -> HubOutboxEvent:
    return hub_event_record(
        stream=stream,
        dossier_code=f"CODE-{stream}",
        payload={"dossier_code": f"CODE-{stream}", "status": status, "national_status": 2},
    )


def _later() -> None:
    """Make every pending event due now (time travel for the backoff)."""
    HubOutboxEvent.objects.filter(status=OutboxStatus.PENDING).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


class ScriptedHub:
    """A hub whose answers are scripted per call; records what it accepted, in order."""

    def __init__(self, answers: list[DeliveryResult] | None = None) -> None:
        self.answers = list(answers or [])
        self.accepted: list[dict] = []

    def deliver(self, events: list[dict]) -> list[DeliveryResult]:
        results = []
        for event in events:
            result = self.answers.pop(0) if self.answers else DeliveryResult(ok=True)
            if result.ok:
                self.accepted.append(event)
            results.append(result)
        return results


def test_sequence_counts_per_dossier_and_event_ids_are_keys(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        a1, a2, b1 = _record("a"), _record("a", "in_progress"), _record("b")
    assert (a1.sequence, a2.sequence, b1.sequence) == (1, 2, 1)
    assert a1.payload["event_id"] == str(a1.event_id) and a2.payload["sequence"] == 2
    assert len(callbacks) == 3  # a delivery is woken after the commit, never before


def test_rows_are_rolled_back_with_their_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        _record("a")
        raise RuntimeError("the status change failed")
    assert not HubOutboxEvent.objects.exists()


def test_stand_in_records_each_event_once_and_accepts_repeats():
    events = [_record("a"), _record("b")]
    assert hub_drain(hub=StandInNationalHub()) == 2
    assert hub_drain(hub=StandInNationalHub()) == 0
    assert StandInNationalHub().deliver([events[0].payload]) == [
        DeliveryResult(ok=True, status_code=201)
    ]
    assert HubReceivedEvent.objects.count() == 2
    assert set(HubOutboxEvent.objects.values_list("status", flat=True)) == {"delivered"}


def test_events_of_one_dossier_wait_for_the_earlier_one():
    first, second = _record("a"), _record("a", "in_progress")
    other = _record("b")
    hub = ScriptedHub([DeliveryResult(ok=False, status_code=503, error="HTTP 503")])
    assert hub_drain(hub=hub) == 1  # b went out; a#1 failed, so a#2 was not even offered
    assert [e["dossier_code"] for e in hub.accepted] == ["CODE-b"]
    first.refresh_from_db()
    assert first.status == "pending" and first.attempts == 1 and first.last_status_code == 503
    assert first.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)  # backoff applies
    assert hub_drain(hub=hub) == 0  # not due yet
    _later()
    assert hub_drain(hub=hub) == 2
    assert [e["sequence"] for e in hub.accepted if e["dossier_code"] == "CODE-a"] == [1, 2]
    second.refresh_from_db()
    other.refresh_from_db()
    assert second.status == other.status == "delivered"


def test_backoff_grows_and_is_capped(settings):
    settings.HUB_RETRY_BASE_SECONDS = 10
    settings.HUB_RETRY_MAX_SECONDS = 35
    event = _record("a")
    waits = []
    for _ in range(4):
        before = timezone.now()
        hub_drain(hub=ScriptedHub([DeliveryResult(ok=False, status_code=500)]))
        event.refresh_from_db()
        waits.append(round((event.next_attempt_at - before).total_seconds()))
        _later()
    assert waits == [10, 20, 35, 35]


def test_permanent_4xx_goes_to_the_dead_letters_and_the_admin_retry_brings_it_back():
    event = _record("a")
    hub_drain(hub=ScriptedHub([DeliveryResult(ok=False, permanent=True, status_code=422)]))
    event.refresh_from_db()
    assert event.status == "dead" and event.last_status_code == 422
    assert hub_event_retry(event_ids=[event.pk]) == 1
    assert hub_drain(hub=StandInNationalHub()) == 1
    event.refresh_from_db()
    assert event.status == "delivered" and event.attempts == 2


def test_transient_failures_are_retried_for_the_whole_window_then_dead_lettered(settings):
    settings.HUB_RETRY_HOURS = 24
    event = _record("a")
    HubOutboxEvent.objects.filter(pk=event.pk).update(
        retry_window_start=timezone.now() - dt.timedelta(hours=23)
    )
    hub_drain(hub=ScriptedHub([DeliveryResult(ok=False, status_code=500)]))
    event.refresh_from_db()
    assert event.status == "pending"  # 23 h of failures: still retried
    HubOutboxEvent.objects.filter(pk=event.pk).update(
        retry_window_start=timezone.now() - dt.timedelta(hours=25), next_attempt_at=timezone.now()
    )
    hub_drain(hub=ScriptedHub([DeliveryResult(ok=False, status_code=500)]))
    event.refresh_from_db()
    assert event.status == "dead"


def test_a_claim_left_by_a_killed_worker_expires_and_the_same_event_goes_out_again(settings):
    event = _record("a")
    assert [e.pk for e in _claim(10)] == [event.pk]  # the worker took it, then died
    hub = ScriptedHub()
    assert hub_drain(hub=hub) == 0  # the lease still holds
    HubOutboxEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now())
    assert hub_drain(hub=hub) == 1
    assert hub.accepted[0]["event_id"] == str(event.event_id)


@responses.activate
def test_http_hub_speaks_the_contract():
    responses.post(f"{HUB}/dossier-events", status=201)
    responses.post(f"{HUB}/dossier-events", status=500)
    responses.post(f"{HUB}/dossier-events", status=429)
    responses.post(f"{HUB}/dossier-events", status=404)
    responses.post(f"{HUB}/dossier-events", body=requests.ConnectTimeout("slow"))
    hub = HttpNationalHub(HUB, token="secret", timeout=2)
    events = [
        {"event_id": f"e{i}", "dossier_code": f"D{i}", "sequence": 1, "status": "received"}
        for i in range(5)
    ]
    results = hub.deliver(events)
    assert [(r.ok, r.permanent) for r in results] == [
        (True, False),
        (False, False),
        (False, False),
        (False, True),
        (False, False),
    ]
    first = responses.calls[0].request
    assert first.headers["Authorization"] == "Bearer secret"
    assert first.headers["Idempotency-Key"] == "e0"
    assert json.loads(first.body) == events[0]


@responses.activate
def test_http_hub_does_not_send_a_later_event_of_a_dossier_whose_earlier_one_failed():
    responses.post(f"{HUB}/dossier-events", status=503)
    hub = HttpNationalHub(HUB, token="t", timeout=2)
    results = hub.deliver(
        [
            {"event_id": "1", "dossier_code": "D", "sequence": 1},
            {"event_id": "2", "dossier_code": "D", "sequence": 2},
        ]
    )
    assert [r.ok for r in results] == [False, False] and len(responses.calls) == 1


ANSWERS = st.sampled_from(
    [
        DeliveryResult(ok=True),
        DeliveryResult(ok=False, status_code=500),
        DeliveryResult(ok=False, status_code=429),
        DeliveryResult(ok=False, error="timeout"),
    ]
)


@hsettings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    streams=st.lists(st.sampled_from("abc"), min_size=1, max_size=12),
    answers=st.lists(ANSWERS, max_size=30),
)
def test_whatever_the_hub_answers_every_event_arrives_once_in_order(
    streams: list[str], answers: list[DeliveryResult]
) -> None:
    HubOutboxEvent.objects.all().delete()
    for stream in streams:
        _record(stream)
    hub = ScriptedHub(answers)
    for _ in range(len(answers) + len(streams) + 2):
        hub_drain(hub=hub)
        _later()
    per_stream: dict[str, list[int]] = {}
    for event in hub.accepted:
        per_stream.setdefault(event["dossier_code"], []).append(event["sequence"])
    for stream in set(streams):
        assert per_stream[f"CODE-{stream}"] == list(range(1, streams.count(stream) + 1))
    assert not HubOutboxEvent.objects.exclude(status="delivered").exists()


def test_admin_lists_filters_and_retries(admin_client, django_capture_on_commit_callbacks):
    event = _record("a")
    HubOutboxEvent.objects.filter(pk=event.pk).update(status="dead", last_status_code=400)
    page = admin_client.get("/admin/integrations/huboutboxevent/?status__exact=dead")
    assert page.status_code == 200 and "CODE-a" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/integrations/huboutboxevent/",
            {"action": "retry_events", "_selected_action": [event.pk]},
            follow=True,
        )
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.status == "delivered"  # retried and, tasks being eager here, delivered
    assert admin_client.get("/admin/integrations/hubreceivedevent/").status_code == 200


def test_events_blocked_behind_a_failed_one_do_not_wake_the_drain():
    from integrations.outbox import hub_has_due_events
    from integrations.tasks import hub_sweep

    _record("a"), _record("a", "in_progress")
    hub_drain(hub=ScriptedHub([DeliveryResult(ok=False, status_code=500)]))
    assert not hub_has_due_events()  # #1 waits for its backoff, #2 waits for #1
    assert hub_sweep.apply().get() is False
    _later()
    assert hub_has_due_events()


def test_http_batches_are_small_enough_for_the_claim_to_outlive_them(settings):
    settings.HUB_CLAIM_SECONDS = 120
    assert HttpNationalHub(HUB, token="t", timeout=5).max_batch == 12
    assert HttpNationalHub(HUB, token="t", timeout=200).max_batch == 1
