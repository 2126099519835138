"""Listeners of the dossier log run inside the action's transaction (dossiers/events.py)."""

from __future__ import annotations

import pytest

from dossiers.events import event_listener_register, event_listener_unregister
from dossiers.models import DossierEvent
from dossiers.workflow import services as workflow_services

pytestmark = pytest.mark.django_db(transaction=True)


def test_listener_sees_each_event_and_a_failing_listener_undoes_the_action(submitted, reception):
    def refuse(dossier, event):
        raise RuntimeError("statistics down")

    event_listener_register(refuse)
    events_before = DossierEvent.objects.filter(dossier=submitted).count()
    try:
        with pytest.raises(RuntimeError):
            workflow_services.dossier_run_action(
                actor=reception, dossier_id=submitted.pk, action="receive"
            )
    finally:
        event_listener_unregister(refuse)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert DossierEvent.objects.filter(dossier=submitted).count() == events_before

    seen: list[tuple[str, str]] = []

    def remember(dossier, event):
        seen.append((str(dossier.pk), event.action))

    event_listener_register(remember)
    event_listener_register(remember)  # registering twice keeps one
    try:
        workflow_services.dossier_run_action(
            actor=reception, dossier_id=submitted.pk, action="receive"
        )
    finally:
        event_listener_unregister(remember)
    assert seen == [(str(submitted.pk), "receive")]
