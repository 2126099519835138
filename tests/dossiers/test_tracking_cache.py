"""The cache of the public tracking answers, page and API (dossiers/tracking_cache.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from dossiers.constants import DossierStatus
from dossiers.models import Dossier
from dossiers.tracking_cache import TRACKING_CACHE_SECONDS, _expiry
from dossiers.workflow import services
from integrations.models import PostalItem
from tests.dossiers.conftest import make_submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "tracking": "1000/m"}
    cache.clear()


def _look(client: Client, dossier: Dossier, last4: str, *, api: bool = False):
    path = "/api/v1/tracking/" if api else "/tra-cuu/"
    return client.get(path, {"code": dossier.code or "", "id_last4": last4})


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_a_second_look_up_is_answered_without_a_query(
    client, citizen, procedure, api, django_assert_num_queries
):
    dossier = make_submitted(citizen, procedure)
    last4 = citizen.id_number[-4:]
    first = _look(client, dossier, last4, api=api)
    assert first.status_code == 200
    client.cookies.clear()  # another visitor
    with django_assert_num_queries(0):
        second = _look(client, dossier, last4, api=api)
    assert second.status_code == 200
    assert dossier.code in second.content.decode()
    if api:
        assert second.json() == first.json()


def test_a_code_typed_in_lower_case_gets_its_own_page_and_the_same_retirement(
    client, citizen, procedure, reception, django_capture_on_commit_callbacks
):
    # The page shows the code back as typed, so each spelling has its own entry; the
    # dossier's version is one, so a change retires every spelling's entry.
    dossier = make_submitted(citizen, procedure)
    last4 = citizen.id_number[-4:]
    lower = dossier.code.lower()
    upper_page = _look(client, dossier, last4).content.decode()
    lower_page = client.get("/tra-cuu/", {"code": lower, "id_last4": last4}).content.decode()
    assert f'value="{lower}"' in lower_page and f'value="{lower}"' not in upper_page
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_run_action(actor=reception, dossier_id=dossier.pk, action="receive")
    answer = client.get("/tra-cuu/", {"code": lower, "id_last4": last4})
    assert answer.status_code == 200 and "Đã tiếp nhận" in answer.content.decode()


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_a_workflow_step_retires_the_cached_answer(
    client, citizen, procedure, reception, api, django_capture_on_commit_callbacks
):
    dossier = make_submitted(citizen, procedure)
    last4 = citizen.id_number[-4:]
    before = _look(client, dossier, last4, api=api)  # now cached
    if api:
        assert before.json()["status"] == DossierStatus.SUBMITTED
    else:
        assert "Đã tiếp nhận" not in before.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_run_action(actor=reception, dossier_id=dossier.pk, action="receive")
    answer = _look(client, dossier, last4, api=api)
    if api:
        assert answer.json()["status"] == DossierStatus.RECEIVED
        assert [e["to_status"] for e in answer.json()["events"]][-1] == DossierStatus.RECEIVED
    else:
        assert "Đã tiếp nhận" in answer.content.decode()


def test_without_the_commit_nothing_is_retired(
    client, citizen, procedure, django_capture_on_commit_callbacks
):
    # The version is retired on commit, never before: a rolled-back change leaves the cache.
    dossier = make_submitted(citizen, procedure)
    last4 = citizen.id_number[-4:]
    before = _look(client, dossier, last4, api=True).json()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Dossier.objects.get(pk=dossier.pk).save()
    assert callbacks  # retiring waits for the commit
    assert _look(client, dossier, last4, api=True).json() == before


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_wrong_guesses_are_never_cached_and_always_counted(
    client, citizen, procedure, settings, api
):
    dossier = make_submitted(citizen, procedure)
    last4 = citizen.id_number[-4:]
    wrong = "0000" if last4 != "0000" else "1111"
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "tracking": "3/m"}
    assert _look(client, dossier, last4, api=api).status_code == 200  # 1: reached the database
    # A cached answer proves a right pair: following one's own dossier is not limited.
    assert [_look(client, dossier, last4, api=api).status_code for _ in range(5)] == [200] * 5
    assert [_look(client, dossier, wrong, api=api).status_code for _ in range(3)] == [404, 404, 429]
    # Over the limit, a wrong pair stays refused; the right one still comes from the cache.
    assert _look(client, dossier, wrong, api=not api).status_code == 429
    assert _look(client, dossier, last4, api=api).status_code == 200


def test_a_postal_item_change_retires_the_answer(
    client, citizen, procedure, django_capture_on_commit_callbacks
):
    dossier = make_submitted(citizen, procedure)
    last4 = citizen.id_number[-4:]
    _look(client, dossier, last4, api=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        PostalItem.objects.create(
            reference=str(dossier.pk),
            dossier_code=dossier.code,
            recipient_name="Nguyễn Văn Thử",
            address="Số 1 phố Tràng Tiền, Hà Nội",
        )
    assert len(callbacks) == 1
    version_key = f"tracking:version:{dossier.code.upper()}"
    assert cache.get(version_key) is not None
    callbacks[0]()
    assert cache.get(version_key) is None


def test_signed_in_visitors_get_their_own_page(client, citizen, procedure):
    dossier = make_submitted(citizen, procedure)
    last4 = citizen.id_number[-4:]
    Client().get("/tra-cuu/", {"code": dossier.code, "id_last4": last4})  # fills the cache
    client.force_login(citizen)
    page = client.get("/tra-cuu/", {"code": dossier.code, "id_last4": last4}).content.decode()
    assert citizen.email in page or citizen.full_name in page  # the account menu


def test_an_entry_expires_by_the_due_time_so_late_shows_on_time():
    now = timezone.now()
    dossier = Dossier(due_at=now + dt.timedelta(seconds=20))
    assert _expiry(dossier, now) == 21
    dossier.due_at = now + dt.timedelta(days=3)
    assert _expiry(dossier, now) == TRACKING_CACHE_SECONDS
    dossier.due_at = now - dt.timedelta(days=1)  # already late: nothing left to change
    assert _expiry(dossier, now) == TRACKING_CACHE_SECONDS
    dossier.completed_at = now
    dossier.due_at = now + dt.timedelta(seconds=5)
    assert _expiry(dossier, now) == TRACKING_CACHE_SECONDS
