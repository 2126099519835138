"""Each indicator's formula on hand-built histories (reports/indicators.py), read through the
statistics table the dossier log's listener keeps (reports/statistics.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from accounts.constants import IdentitySource
from dossiers.constants import DocumentKind, DossierStatus
from dossiers.models import Attachment, Dossier, DossierDocument
from dossiers.workflow import services as workflow_services
from integrations.constants import OutboxStatus
from integrations.models import HubOutboxEvent
from payments.constants import GatewayName, PaymentMethod, PaymentStatus
from payments.models import Payment
from reports.constants import FeedbackStatus
from reports.indicator_services import IndicatorQuery, indicators_compute
from reports.models import DailyStatistic, DossierStatistic, Feedback, MonthlyStatistic, Rating
from reports.statistics import (
    ALL_COUNTERS,
    daily_rows,
    dossier_event_counted,
    statistics_rebuild,
    statistics_refresh,
)
from tests.dossiers.factories import dossier_in
from tests.procedures.factories import ProcedureFactory

from .conftest import vn

pytestmark = pytest.mark.django_db

YEAR = IndicatorQuery(scope="province", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))


def run(actor, dossier, action, **data):
    return workflow_services.dossier_run_action(
        actor=actor, dossier_id=dossier.pk, action=action, note="Ý kiến", data=data
    )


def figures(query: IndicatorQuery = YEAR) -> dict[str, dict]:
    body = indicators_compute(query)
    return {row["code"]: row for group in body["groups"] for row in group["indicators"]}


def sums() -> dict[str, int]:
    totals = dict.fromkeys(ALL_COUNTERS, 0)
    for row in DailyStatistic.objects.all():
        for name in ALL_COUNTERS:
            totals[name] += getattr(row, name)
    return totals


def assert_rebuilt_equals_live() -> None:
    live = daily_rows(DailyStatistic.objects.all())
    live_months = daily_rows(MonthlyStatistic.objects.all())
    statistics_rebuild()
    assert daily_rows(DailyStatistic.objects.all()) == live
    assert daily_rows(MonthlyStatistic.objects.all()) == live_months


def issued(agency, officials, clock, *, issue_at, procedure=None, before=None):
    """A dossier received on 25/11 08:00 whose result is issued at `issue_at`."""
    dossier = dossier_in(
        DossierStatus.APPROVED,
        agency=agency,
        officials=officials,
        procedure=procedure or ProcedureFactory(free=True, agencies=[agency]),
    )
    if before:
        dossier = before(dossier)
    clock.set(*issue_at)
    return run(officials["clerk"], dossier, "issue_result")


@pytest.fixture
def officials(reception, specialist, leader, clerk):
    return {"reception": reception, "specialist": specialist, "leader": leader, "clerk": clerk}


# --- denominators of zero --------------------------------------------------------------------


def test_nothing_measured_is_null_with_no_points():
    body = indicators_compute(YEAR)
    assert body["max_points"] == 100 and body["total_points"] == 0
    assert sum(g["max_points"] for g in body["groups"]) == 100
    assert [g["name"] for g in body["groups"]]  # five groups, named
    assert len(body["groups"]) == 5
    for group in body["groups"]:
        for row in group["indicators"]:
            assert row["denominator"] == 0 and row["value"] is None and row["points"] == 0


# --- 2.1 on time, 2.2 apology -----------------------------------------------------------------


def test_on_time_and_late_over_finished(clock, agency, officials):
    # Received Wed 25/11 08:00, due five working days later (Wed 2/12 08:00).
    issued(agency, officials, clock, issue_at=(2026, 11, 26, 9, 0))
    issued(agency, officials, clock, issue_at=(2026, 12, 7, 9, 0))
    dossier_in(DossierStatus.IN_PROGRESS, agency=agency, officials=officials)  # not finished
    row = figures()["2.1"]
    assert (row["numerator"], row["denominator"], row["value"]) == (1, 2, 0.5)
    assert row["points"] == 7.0  # half of 14
    assert figures()["2.2"]["denominator"] == 1 and figures()["2.2"]["numerator"] == 0
    assert_rebuilt_equals_live()


def test_a_late_dossier_with_an_apology_is_still_late_but_counted_in_2_2(clock, agency, officials):
    def apologise(dossier):
        return run(
            officials["leader"], dossier, "apologize", reason="Chậm", new_due_at="10/12/2026 09:00"
        )

    issued(agency, officials, clock, issue_at=(2026, 12, 7, 9, 0), before=apologise)
    rows = figures()
    assert (rows["2.1"]["numerator"], rows["2.1"]["denominator"]) == (0, 1)
    assert (rows["2.2"]["numerator"], rows["2.2"]["denominator"], rows["2.2"]["value"]) == (
        1,
        1,
        1.0,
    )
    assert_rebuilt_equals_live()


def test_paused_time_is_not_counted_against_the_agency(clock, agency, officials):
    # Waiting for the fee from Wed 25/11 08:00 to Tue 1/12 08:00 (32 working hours) moves the
    # original due date to Fri 4/12 08:00: a result on Thu 3/12 is on time.
    dossier = dossier_in(DossierStatus.AWAITING_PAYMENT, agency=agency, officials=officials)
    clock.set(2026, 12, 1, 8, 0)
    dossier = run(officials["reception"], dossier, "confirm_payment")
    dossier = run(officials["reception"], dossier, "forward")
    dossier = run(officials["specialist"], dossier, "forward", proposal="approve")
    dossier = run(officials["leader"], dossier, "approve")
    clock.set(2026, 12, 3, 9, 0)
    dossier = run(officials["clerk"], dossier, "issue_result")
    assert dossier.on_time is True
    assert figures()["2.1"]["numerator"] == figures()["2.1"]["denominator"] == 1


def test_one_supplement_request_may_be_on_time_two_are_late(clock, agency, officials):
    def once(dossier):
        Dossier.objects.filter(pk=dossier.pk).update(supplement_count=1)
        return dossier

    def twice(dossier):
        Dossier.objects.filter(pk=dossier.pk).update(supplement_count=2)
        return dossier

    issued(agency, officials, clock, issue_at=(2026, 11, 26, 9, 0), before=once)
    issued(agency, officials, clock, issue_at=(2026, 11, 26, 9, 0), before=twice)
    row = figures()["2.1"]
    assert (row["numerator"], row["denominator"]) == (1, 2)


def test_withdrawn_counts_as_received_never_as_finished(clock, agency, officials, citizen):
    dossier = dossier_in(
        DossierStatus.RECEIVED, agency=agency, officials=officials, citizen=citizen
    )
    workflow_services.dossier_withdraw(actor=citizen, dossier_id=dossier.pk, note="Không cần nữa")
    totals = sums()
    assert (totals["received"], totals["withdrawn"], totals["finished"]) == (1, 1, 0)
    assert figures()["2.1"]["value"] is None
    # Withdrawn before reception: never received, counts for nothing.
    dossier_in(DossierStatus.WITHDRAWN, agency=agency, officials=officials)
    assert sums()["received"] == 1
    assert_rebuilt_equals_live()


# --- 4.1 online, 4.2 online payment ----------------------------------------------------------


def test_counter_and_online_dossiers(clock, agency, officials):
    dossier_in(DossierStatus.RECEIVED, agency=agency, officials=officials)
    counter = dossier_in(DossierStatus.SUBMITTED, agency=agency, officials=officials)
    Dossier.objects.filter(pk=counter.pk).update(channel="counter")
    run(officials["reception"], counter, "receive")
    row = figures()["4.1"]
    assert (row["numerator"], row["denominator"], row["value"]) == (1, 2, 0.5)
    assert row["points"] == 6.0


def test_online_payment_over_fee_bearing_dossiers(clock, agency, officials):
    paid = dossier_in(DossierStatus.AWAITING_PAYMENT, agency=agency, officials=officials)
    Payment.objects.create(
        dossier=paid,
        amount=paid.fee_amount,
        gateway=GatewayName.SANDBOX,
        txn_ref="T1",
        status=PaymentStatus.PAID,
        method=PaymentMethod.ONLINE,
    )
    workflow_services.dossier_settle_fee(dossier_id=paid.pk, amount=paid.fee_amount, reference="T1")
    dossier_in(DossierStatus.AWAITING_PAYMENT, agency=agency, officials=officials)  # not paid
    dossier_in(
        DossierStatus.RECEIVED,
        agency=agency,
        officials=officials,
        procedure=ProcedureFactory(free=True, agencies=[agency]),
    )  # no fee: not in the denominator
    row = figures()["4.2"]
    assert (row["numerator"], row["denominator"]) == (1, 2)
    assert_rebuilt_equals_live()


# --- 3.x digitisation --------------------------------------------------------------------------


def test_digitised_reused_vneid_and_e_results(clock, agency, officials, citizen):
    citizen.identity_verified_via = IdentitySource.SSO
    citizen.identity_verified_at = clock.now
    citizen.save()
    paper = dossier_in(DossierStatus.SUBMITTED, agency=agency, officials=officials)
    Attachment.objects.filter(dossier=paper).update(digitised=False)
    run(officials["reception"], paper, "receive")
    reused = dossier_in(
        DossierStatus.SUBMITTED, agency=agency, citizen=citizen, officials=officials
    )
    Attachment.objects.filter(dossier=reused).update(reused=True)
    run(officials["reception"], reused, "receive")
    done = issued(agency, officials, clock, issue_at=(2026, 11, 26, 9, 0))
    issued(agency, officials, clock, issue_at=(2026, 11, 26, 9, 0))
    # The result paper is rendered after the commit: the task counts it.
    DossierDocument.objects.create(
        dossier=done,
        kind=DocumentKind.RESULT,
        file=ContentFile(b"%PDF", name="kq.pdf"),
        size=4,
        sha256="0" * 64,
        source_hash="0" * 64,
        issued_at=clock.now,
    )
    assert figures()["3.1"]["numerator"] == 0
    statistics_refresh(today=dt.date(2026, 11, 30))
    rows = figures()
    assert (rows["3.2"]["numerator"], rows["3.2"]["denominator"]) == (3, 4)
    assert (rows["3.3"]["numerator"], rows["3.3"]["denominator"]) == (1, 4)
    assert (rows["3.4"]["numerator"], rows["3.4"]["denominator"]) == (1, 4)
    assert (rows["3.1"]["numerator"], rows["3.1"]["denominator"]) == (1, 2)
    assert_rebuilt_equals_live()


# --- the task's counters: sync, ratings, feedback ----------------------------------------------


def test_sync_ratings_and_feedback_come_from_the_task(clock, agency, officials):
    done = issued(agency, officials, clock, issue_at=(2026, 11, 26, 9, 0))
    late = issued(agency, officials, clock, issue_at=(2026, 12, 7, 9, 0))
    HubOutboxEvent.objects.filter(dossier_code=done.code).update(status=OutboxStatus.DELIVERED)
    Rating.objects.create(dossier=done, agency=agency, procedure=done.procedure, score=5)
    Rating.objects.create(dossier=late, agency=agency, procedure=late.procedure, score=1)
    base = {"content": "Nội dung", "name": "Người gửi", "agency": agency}
    Feedback.objects.create(
        code="PA1",
        title="Chậm",
        dossier_code=late.code,
        received_at=vn(2026, 12, 1, 9),
        due_at=vn(2026, 12, 22, 17),
        status=FeedbackStatus.PUBLISHED,
        answered_at=vn(2026, 12, 3, 9),
        published_at=vn(2026, 12, 4, 9),
        **base,
    )
    Feedback.objects.create(
        code="PA2",
        title="Hỏi",
        received_at=vn(2026, 11, 2, 9),
        due_at=vn(2026, 11, 20, 17),
        status=FeedbackStatus.ANSWERED,
        answered_at=vn(2026, 11, 25, 9),
        **base,
    )
    Feedback.objects.create(
        code="PA3",
        title="Mới",
        received_at=vn(2026, 12, 7, 8),
        due_at=vn(2026, 12, 28, 17),
        **base,
    )
    before = figures()
    assert before["1.1"]["numerator"] == 0 and before["5.2"]["denominator"] == 0
    statistics_refresh(today=dt.date(2026, 12, 7))
    rows = figures()
    assert (rows["1.1"]["numerator"], rows["1.1"]["denominator"]) == (1, 2)
    assert (rows["5.2"]["numerator"], rows["5.2"]["denominator"]) == (1, 2)
    assert (rows["1.2"]["numerator"], rows["1.2"]["denominator"]) == (1, 2)
    # Due: the two settled ones (PA3 is not due yet); PA2 was answered after its deadline.
    assert (rows["5.1"]["numerator"], rows["5.1"]["denominator"]) == (1, 2)
    # 5.3: 2 finished − (1 late + 1 "dislike" + 1 complaint) → 0, never below.
    assert (rows["5.3"]["numerator"], rows["5.3"]["denominator"]) == (0, 2)
    # Running it again changes nothing; the rebuild agrees.
    statistics_refresh(today=dt.date(2026, 12, 7))
    assert figures() == rows
    assert_rebuilt_equals_live()


# --- the listener: idempotent, scoped ----------------------------------------------------------


def test_the_listener_is_idempotent_per_event(clock, agency, officials):
    dossier = issued(agency, officials, clock, issue_at=(2026, 11, 26, 9, 0))
    live = daily_rows(DailyStatistic.objects.all())
    event = dossier.events.last()
    dossier_event_counted(dossier, event)
    dossier_event_counted(dossier, event)
    assert daily_rows(DailyStatistic.objects.all()) == live
    assert DossierStatistic.objects.get(pk=dossier.pk).on_time is True


def test_scopes_split_by_agency_and_procedure(clock, agency, officials):
    from tests.factories import AgencyFactory

    other = AgencyFactory()
    procedure = ProcedureFactory(free=True, agencies=[agency])
    issued(agency, officials, clock, issue_at=(2026, 11, 26, 9, 0), procedure=procedure)
    dossier_in(DossierStatus.RECEIVED, agency=other)
    assert figures()["4.1"]["denominator"] == 2
    by_agency = IndicatorQuery(scope="agency", start=YEAR.start, end=YEAR.end, agency=agency)
    assert figures(by_agency)["4.1"]["denominator"] == 1
    by_procedure = IndicatorQuery(
        scope="procedure", start=YEAR.start, end=YEAR.end, procedure=procedure
    )
    assert figures(by_procedure)["2.1"]["denominator"] == 1
    # The period: days of reception and of result decide which period a dossier counts in.
    # The first was received on 25/11 and issued on 26/11, the other received on 26/11.
    november = IndicatorQuery(
        scope="province", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 25)
    )
    assert figures(november)["4.1"]["denominator"] == 1
    assert figures(november)["2.1"]["denominator"] == 0


def test_rebuild_of_a_range_keeps_the_other_days(clock, agency, officials):
    issued(agency, officials, clock, issue_at=(2026, 11, 26, 9, 0))
    live = daily_rows(DailyStatistic.objects.all())
    # Retention deleted the dossier: the rows stay, and a rebuild of other days keeps them.
    Dossier.objects.all().delete()
    statistics_rebuild(start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31))
    assert daily_rows(DailyStatistic.objects.all()) == live
    statistics_rebuild(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    assert daily_rows(DailyStatistic.objects.all()) == {}
    assert daily_rows(MonthlyStatistic.objects.all()) == {}
