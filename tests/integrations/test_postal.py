"""The postal adapter's handover queue and the stand-in's own reports (integrations/postal*)."""

from __future__ import annotations

import pytest

from integrations import postal
from integrations.constants import PostalStatus
from integrations.models import PostalItem
from integrations.postal_items import (
    postal_handover_drain,
    postal_has_due_items,
    postal_item_record,
)
from integrations.tasks import postal_standin_report

pytestmark = pytest.mark.django_db


def _item(reference: str = "d-1") -> PostalItem:
    return postal_item_record(
        reference=reference,
        dossier_code="000.00.01.H99-261206-0001",
        recipient_name="Nguyễn Thị Bà",
        recipient_phone="0912000777",
        address="Số 7 phố Huế, Hà Nội",
    )


class Down:
    def hand_over(self, item: postal.Handover) -> str:
        raise postal.PostalError("HTTP 503")


def test_a_failed_handover_stays_pending_with_a_backoff_then_succeeds():
    item = _item()
    assert postal_handover_drain(service=Down()) == 0
    item.refresh_from_db()
    assert item.status == PostalStatus.PENDING and item.attempts == 1
    assert item.last_error == "HTTP 503" and not postal_has_due_items()  # waiting its backoff
    PostalItem.objects.filter(pk=item.pk).update(next_attempt_at=item.created_at)
    assert postal_has_due_items()
    assert postal_handover_drain(service=postal.StandInPostalService()) == 1
    item.refresh_from_db()
    assert item.status == PostalStatus.HANDED_OVER and item.item_number and item.last_error == ""


def test_the_stand_in_gives_a_repeated_reference_the_same_number():
    service = postal.StandInPostalService()
    handover = postal.Handover("d-2", "X", "A", "", "B")
    assert service.hand_over(handover) == service.hand_over(handover)
    assert _item("d-3") == _item("d-3")  # one row per dossier


def test_the_stand_in_reports_in_transit_then_delivered(settings, monkeypatch):
    settings.POSTAL_STANDIN_REPORT_SECONDS = 5
    reports = []

    def report(self, number, status, **kwargs):
        reports.append((number, status))
        return 200

    monkeypatch.setattr(postal.StandInPostalService, "report", report)
    # Tasks run in-process in the tests: the countdowns pass at once.
    number = postal.StandInPostalService().hand_over(postal.Handover("d-4", "X", "A", "", "B"))
    assert reports == [(number, "in_transit"), (number, "delivered")]
    reports.clear()
    postal_standin_report(number, "delivered")
    assert reports == [(number, "delivered")]  # the last report schedules nothing more
