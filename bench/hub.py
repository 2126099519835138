"""Hub and notification benchmark (`make bench BENCH=hub`).

In a dedicated PostgreSQL database `<name>_bench_hub` (created and dropped): fills the outbox
with HUB_EVENTS events over HUB_EVENTS / 2 dossiers (two status changes each, so ordering per
dossier is exercised), drains it into the built-in hub stand-in with the delivery code the
worker runs, and reports events per second; then delivers NOTIFICATIONS queued e-mails
through the e-mail channel (Django's in-memory backend) and reports messages per second.
"""

from __future__ import annotations

import os
import sys
import time
import uuid

from bench.common import _emit, bench_database

HUB_EVENTS = int(os.environ.get("BENCH_HUB_EVENTS", "20000"))
NOTIFICATIONS = int(os.environ.get("BENCH_NOTIFICATIONS", "2000"))
HUB_GOAL = 1000.0  # events/s


def _fill_outbox(count: int) -> None:
    from integrations.models import HubOutboxEvent

    rows = []
    for i in range(count):
        stream, sequence = str(uuid.UUID(int=i // 2 + 1)), i % 2 + 1
        event_id = uuid.uuid4()
        code = f"000.00.01.H99-261201-{i // 2:06d}"
        rows.append(
            HubOutboxEvent(
                event_id=event_id,
                stream=stream,
                dossier_code=code,
                sequence=sequence,
                payload={
                    "event_id": str(event_id),
                    "dossier_code": code,
                    "procedure_code": "1.001234",
                    "agency_code": "000.00.01.H99",
                    "status": "submitted" if sequence == 1 else "received",
                    "national_status": sequence,
                    "status_label": "Mới đăng ký" if sequence == 1 else "Đã tiếp nhận",
                    "occurred_at": "2026-12-01T09:00:00+07:00",
                    "due_at": None if sequence == 1 else "2026-12-08T17:00:00+07:00",
                    "channel": "online",
                    "sequence": sequence,
                },
            )
        )
    HubOutboxEvent.objects.bulk_create(rows, batch_size=2000)


def _bench_hub() -> dict[str, float]:
    from integrations.constants import OutboxStatus
    from integrations.hub import StandInNationalHub
    from integrations.models import HubOutboxEvent, HubReceivedEvent
    from integrations.outbox import hub_drain

    _fill_outbox(HUB_EVENTS)
    began = time.perf_counter()
    delivered = hub_drain(hub=StandInNationalHub(), time_budget=3600)
    elapsed = time.perf_counter() - began
    assert delivered == HUB_EVENTS, (delivered, HUB_EVENTS)
    assert not HubOutboxEvent.objects.exclude(status=OutboxStatus.DELIVERED).exists()
    assert HubReceivedEvent.objects.count() == HUB_EVENTS
    return {"hub_drain_rate": delivered / elapsed, "hub_drain_seconds": elapsed}


def _bench_notifications() -> dict[str, float]:
    from django.core import mail

    from notifications.models import Notification
    from notifications.services import notification_deliver

    Notification.objects.bulk_create(
        [
            Notification(
                key=f"bench-{i}",
                address=f"congdan{i}@example.vn",
                subject=f"Hồ sơ 000.00.01.H99-261201-{i:06d} đã được tiếp nhận",
                body="Kính gửi ông/bà,\n\nHồ sơ đã được tiếp nhận.",
                link="/ho-so-cua-toi/",
            )
            for i in range(NOTIFICATIONS)
        ],
        batch_size=2000,
    )
    ids = list(Notification.objects.values_list("pk", flat=True))
    mail.outbox = []
    began = time.perf_counter()
    results = [notification_deliver(notification_id=pk) for pk in ids]
    elapsed = time.perf_counter() - began
    assert results.count("sent") == NOTIFICATIONS and len(mail.outbox) == NOTIFICATIONS
    return {"notification_rate": NOTIFICATIONS / elapsed, "notification_seconds": elapsed}


def main() -> int:
    """Run the hub group and print the table and BENCH lines."""
    with bench_database("_hub"):  # in the test environment: e-mail into memory
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        results = {**_bench_hub(), **_bench_notifications()}

    _emit()
    _emit("Hub status sync and notification delivery (PostgreSQL, built-in stand-ins)")
    _emit(f"{'figure':<34} | {'value':>12} | goal")
    _emit("-" * 60)
    _emit(
        f"{'hub drain (' + str(HUB_EVENTS) + ' events)':<34} | "
        f"{results['hub_drain_rate']:>8.0f} ev/s | ≥ {HUB_GOAL:.0f} ev/s"
    )
    _emit(
        f"{'e-mail delivery (' + str(NOTIFICATIONS) + ' messages)':<34} | "
        f"{results['notification_rate']:>7.0f} msg/s |"
    )
    _emit()
    _emit(f"BENCH hub_drain_rate {results['hub_drain_rate']:.1f} events/s")
    _emit(f"BENCH hub_drain_seconds {results['hub_drain_seconds']:.3f} s")
    _emit(f"BENCH notification_rate {results['notification_rate']:.1f} messages/s")
    _emit(f"BENCH notification_seconds {results['notification_seconds']:.3f} s")
    _emit(f"BENCH hub_goal_met {1 if results['hub_drain_rate'] >= HUB_GOAL else 0} bool")
    return 0


if __name__ == "__main__":
    sys.exit(main())
