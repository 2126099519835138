"""Fault drills (issue 10): real workers, a Redis of our own, a hub that fails, a dead SMTP.

Each drill runs `celery worker -B` processes against the test database and a redis-server on a
port of 6390–6399, and checks what docs/api.md §8 promises: every event arrives, in order per
dossier, repeats only of the same event id, and nothing committed is lost.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from accounts.constants import StaffRoleName
from dossiers.filing import services
from dossiers.models import Dossier
from integrations.models import HubOutboxEvent
from integrations.outbox import hub_event_record
from notifications.models import Notification
from notifications.services import notification_send
from tests.drills import (
    FakeHub,
    RedisServer,
    SmtpServer,
    Worker,
    free_port,
    wait_for,
    web_process_broker,
)
from tests.factories import PASSWORD, AgencyFactory, CitizenFactory, make_official
from tests.procedures.factories import ProcedureFactory

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def drill(redis_server, tmp_path) -> Iterator[dict[str, Any]]:
    """The drill's parts, torn down whatever happens."""
    parts: dict[str, Any] = {"workers": [], "hubs": [], "smtp": []}

    def worker(**env) -> Worker:
        w = Worker(redis_url=redis_server.url, tmp_path=tmp_path, **env)
        w.start()
        parts["workers"].append(w)
        return w

    def hub(**kwargs) -> FakeHub:
        h = FakeHub(**kwargs)
        parts["hubs"].append(h)
        return h

    parts["worker"], parts["hub"] = worker, hub
    with web_process_broker(redis_server.url):
        yield parts
    for w in parts["workers"]:
        w.stop()
    for h in parts["hubs"]:
        h.close()


def _record_events(streams: dict[str, int]) -> list[HubOutboxEvent]:
    events = []
    for stream, count in streams.items():
        for _ in range(count):
            with transaction.atomic():
                events.append(
                    hub_event_record(
                        stream=stream,
                        dossier_code=f"D-{stream}",
                        payload={"dossier_code": f"D-{stream}", "status": "received"},
                    )
                )
    return events


def _sequences(hub: FakeHub, code: str) -> list[int]:
    return [e["sequence"] for e in hub.accepted if e["dossier_code"] == code]


def _all_delivered() -> bool:
    return not HubOutboxEvent.objects.exclude(status="delivered").exists()


def test_hub_answers_500_first_and_every_event_still_arrives_in_order(drill):
    hub = drill["hub"](fail_first=4)
    _record_events({"a": 3, "b": 3})
    worker = drill["worker"](NATIONAL_HUB_URL=hub.url, NATIONAL_HUB_TOKEN="drill-token")
    wait_for(_all_delivered, timeout=60, what=f"delivery\n{worker.output()}")
    assert hub.requests >= 4 + 6
    assert _sequences(hub, "D-a") == [1, 2, 3] and _sequences(hub, "D-b") == [1, 2, 3]
    assert {e["_auth"] for e in hub.accepted} == {"Bearer drill-token"}
    assert all(e["_key"] == e["event_id"] for e in hub.accepted)
    failed_first = HubOutboxEvent.objects.filter(attempts__gt=1)
    assert failed_first.exists() and all(e.last_error for e in failed_first)


def test_worker_killed_mid_delivery_then_restarted_delivers_each_event(drill):
    hub = drill["hub"](delay=0.3)  # each answer takes 0.3 s: time to kill mid-batch
    events = _record_events({"a": 4, "b": 4})
    first = drill["worker"](NATIONAL_HUB_URL=hub.url)
    wait_for(lambda: hub.requests >= 2, timeout=60, what=f"first deliveries\n{first.output()}")
    first.kill()
    delivered_before_restart = HubOutboxEvent.objects.filter(status="delivered").count()
    assert delivered_before_restart < len(events)  # it really died mid-way
    second = drill["worker"](NATIONAL_HUB_URL=hub.url)
    wait_for(_all_delivered, timeout=60, what=f"delivery after restart\n{second.output()}")
    sent_ids = {str(e.event_id) for e in events}
    received_ids = [e["event_id"] for e in hub.accepted]
    assert set(received_ids) == sent_ids  # each event arrived
    # Repeats are only of the same event (same id, same body), and the order per dossier holds.
    by_id = {str(e.event_id): e.payload for e in events}
    assert all(
        {k: v for k, v in e.items() if not k.startswith("_")} == by_id[e["event_id"]]
        for e in hub.accepted
    )
    for code in ("D-a", "D-b"):
        sequences = _sequences(hub, code)
        assert sequences == sorted(sequences) and set(sequences) == {1, 2, 3, 4}


def _submit_ready_draft(citizen, procedure) -> Dossier:
    draft = services.dossier_create_draft(
        actor=citizen, procedure_code=procedure.code, form_data={"ho_ten": "Nguyễn Văn Thử"}
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    for component in draft.case_components():
        if component["required"]:
            services.attachment_add(
                actor=citizen,
                dossier_id=draft.pk,
                component_id=component["id"],
                upload=SimpleUploadedFile(
                    "a.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
                ),
            )
    return draft


def test_redis_stopped_while_people_use_the_portal_loses_nothing(
    drill, redis_server, settings, tmp_path
):
    settings.CACHES = {
        "default": {
            "BACKEND": "dvctt.cache.FallbackRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"REDIS_TIMEOUT": 0.2, "RETRY_SECONDS": 5},
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_server.url
    settings.ACCOUNT_RATE_LIMITS = {"login": "30/m/ip", "login_failed": "10/m/ip,5/5m/key"}
    hub = drill["hub"]()
    agency = AgencyFactory()
    procedure = ProcedureFactory(agencies=[agency])
    citizen = CitizenFactory()
    reception = make_official(agency=agency, role=StaffRoleName.RECEPTION)
    tracked = services.dossier_submit(
        actor=citizen, dossier_id=_submit_ready_draft(citizen, procedure).pk
    )
    draft = _submit_ready_draft(citizen, procedure)

    redis_server.stop()  # --- the outage ---------------------------------------------------
    started = time.monotonic()
    web = APIClient()
    login = web.post("/accounts/login/", {"login": citizen.email, "password": PASSWORD})
    assert login.status_code == 302, login.content[:500]
    last4 = citizen.id_number[-4:]
    page = web.get("/tra-cuu/", {"code": tracked.code, "id_last4": last4})
    assert page.status_code == 200 and tracked.code in page.content.decode()
    token = web.post(
        "/api/v1/auth/token/", {"email": citizen.email, "password": PASSWORD}, format="json"
    )
    assert token.status_code == 200, token.content
    api = APIClient()
    tracking = api.get("/api/v1/tracking/", {"code": tracked.code, "id_last4": last4})
    assert tracking.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    submitted = api.post(f"/api/v1/dossiers/{draft.pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    official = APIClient()
    official.force_authenticate(reception)
    received = official.post(f"/api/v1/dossiers/{draft.pk}/actions/receive/", {}, format="json")
    assert received.status_code == 200, received.content
    health = web.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "degraded"
    assert health.json()["broker"] == "down"
    assert time.monotonic() - started < 15  # short timeouts, not a hanging portal
    # Committed, and waiting in the outboxes.
    # tracked: submitted; draft: submitted, received — all three still waiting
    assert HubOutboxEvent.objects.filter(status="pending").count() == 3
    assert Notification.objects.filter(status="queued", channel="email").count() >= 2

    redis_server.start()  # --- Redis is back; the sweepers deliver ------------------------
    worker = drill["worker"](NATIONAL_HUB_URL=hub.url)
    wait_for(_all_delivered, timeout=60, what=f"delivery after the outage\n{worker.output()}")
    draft.refresh_from_db()
    assert _sequences(hub, draft.code) == [1, 2]
    assert [e["status"] for e in hub.accepted if e["dossier_code"] == draft.code] == [
        "submitted",
        "received",
    ]
    wait_for(
        lambda: not Notification.objects.filter(status="queued").exists(),
        timeout=30,
        what="queued e-mails",
    )


def test_a_failed_email_is_retried_and_recorded(drill):
    smtp_port = free_port()
    notification = None
    with transaction.atomic():
        notification = notification_send(
            key="drill-mail",
            recipient_id=None,
            address="congdan@example.vn",
            subject="Hồ sơ đã được tiếp nhận",
            body="Nội dung",
        )
    worker = drill["worker"](EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}")

    def failed_once() -> bool:
        notification.refresh_from_db()
        return notification.attempts >= 1

    wait_for(failed_once, timeout=60, what=f"the first attempt\n{worker.output()}")
    assert notification.status == "queued" and "refused" in notification.last_error.lower()
    smtp = SmtpServer(smtp_port)  # the mail server comes back
    drill["hubs"].append(smtp)

    def sent() -> bool:
        notification.refresh_from_db()
        return notification.status == "sent"

    wait_for(sent, timeout=60, what=f"the retry\n{worker.output()}")
    assert notification.attempts >= 2 and "refused" in notification.last_error.lower()
    assert len(smtp.messages) == 1 and "congdan@example.vn" in smtp.messages[0]
