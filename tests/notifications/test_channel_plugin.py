"""A notification channel is a plug-in (issue 19.2); choices are rows (person, channel)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications import channels
from notifications.models import ChannelPreference
from notifications.services import notification_send_to_person
from tests.factories import CitizenFactory
from tests.notifications.fake_channel import OUTBOX, PigeonChannel


@pytest.fixture
def pigeon():
    channels.register_channel(PigeonChannel())
    OUTBOX.clear()
    yield
    del channels.CHANNELS["pigeon"]


@pytest.mark.django_db
def test_a_registered_channel_is_on_the_preferences_page_and_delivers(
    pigeon, client, django_capture_on_commit_callbacks
):
    user = CitizenFactory(phone="")
    client.force_login(user)
    page = client.get("/tai-khoan/thong-bao/").content.decode()
    assert 'name="pigeon"' in page and "Nhận thông báo qua bồ câu đưa thư" in page
    assert 'name="pigeon" checked' not in page  # off until chosen, like any optional channel
    saved = client.post("/tai-khoan/thong-bao/", {"email": "on", "pigeon": "on"})
    assert saved.status_code == 302
    rows = dict(ChannelPreference.objects.filter(user=user).values_list("channel", "enabled"))
    assert rows == {"email": True, "sms": False, "pigeon": True}
    with django_capture_on_commit_callbacks(execute=True):
        sent = notification_send_to_person(
            key="k", recipient_id=user.pk, email=user.email, subject="Hồ sơ đã nộp", body="…"
        )
    assert [n.channel for n in sent] == ["in_app", "email", "pigeon"]
    delivered = list(OUTBOX)
    assert delivered == [(f"loft-{user.pk}", "Hồ sơ đã nộp")]
    # Turned off, it is no longer used.
    client.post("/tai-khoan/thong-bao/", {"email": "on"})
    again = notification_send_to_person(
        key="k2", recipient_id=user.pk, email=user.email, subject="S", body="…"
    )
    assert [n.channel for n in again] == ["in_app", "email"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_channel_columns_into_rows():
    before = [("notifications", "0002_channels_preferences_retries")]
    after = [("notifications", "0003_channel_preferences_as_rows")]
    quiet, texter = CitizenFactory(), CitizenFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        _check_both_ways(before, after, quiet, texter)
    finally:  # the next tests need the schema of today
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _check_both_ways(before, after, quiet, texter):
    Preference = (
        MigrationExecutor(connection)
        .loader.project_state(before)
        .apps.get_model("notifications", "NotificationPreference")
    )
    Preference.objects.create(user_id=quiet.pk, email=False, sms=False)
    Preference.objects.create(user_id=texter.pk, email=True, sms=True)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new_apps = executor.loader.project_state(after).apps
    Row = new_apps.get_model("notifications", "ChannelPreference")
    rows = {(r.user_id, r.channel): r.enabled for r in Row.objects.all()}
    assert rows == {
        (quiet.pk, "email"): False,
        (quiet.pk, "sms"): False,
        (texter.pk, "email"): True,
        (texter.pk, "sms"): True,
    }
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "notifications_notificationpreference" not in tables
    # And back: the columns are rebuilt from the rows.
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    Preference = executor.loader.project_state(before).apps.get_model(
        "notifications", "NotificationPreference"
    )
    assert {(p.user_id, p.email, p.sms) for p in Preference.objects.all()} == {
        (quiet.pk, False, False),
        (texter.pk, True, True),
    }
