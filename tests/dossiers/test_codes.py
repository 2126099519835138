"""Dossier codes {agency_code}-{YYMMDD}-{NNNN} (Thông tư 01/2018/TT-VPCP Điều 19)."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Agency
from dossiers.filing import services
from dossiers.models import Dossier
from dvctt.workdays import VN_TZ
from tests.concurrency import run_at_once
from tests.dossiers.conftest import make_draft
from tests.properties import examples

CODE_RE = re.compile(r"^(\d{3}\.\d{2}\.\d{2}\.H\d{2})-(\d{6})-(\d{4})$")


@pytest.mark.django_db
@settings(max_examples=examples(40), deadline=None, suppress_health_check=list(HealthCheck))
@given(
    when=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2030, 12, 31)).map(
        lambda d: d.replace(tzinfo=dt.UTC)
    )
)
def test_code_format_uses_the_vietnam_date(when, agency):
    code = services.next_dossier_code(agency=agency, when=when)
    match = CODE_RE.match(code)
    assert match, code
    assert match.group(1) == agency.code
    assert match.group(2) == when.astimezone(VN_TZ).strftime("%y%m%d")
    assert 1 <= int(match.group(3)) <= 9999


@pytest.mark.django_db
def test_numbers_count_per_agency_and_day(agency):
    from tests.factories import AgencyFactory

    other = AgencyFactory()
    day1 = dt.datetime(2026, 11, 23, 2, tzinfo=dt.UTC)
    # 18:00 UTC on the 23rd is already the 24th in Vietnam: a new day, a new sequence.
    day2 = dt.datetime(2026, 11, 23, 18, tzinfo=dt.UTC)
    codes = [services.next_dossier_code(agency=agency, when=day1) for _ in range(3)]
    assert [c[-4:] for c in codes] == ["0001", "0002", "0003"]
    assert services.next_dossier_code(agency=other, when=day1).endswith("-261123-0001")
    assert services.next_dossier_code(agency=agency, when=day2).endswith("-261124-0001")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submissions_get_unique_codes(agency: Agency) -> None:
    from tests.factories import CitizenFactory
    from tests.procedures.factories import ProcedureFactory

    procedure = ProcedureFactory(agencies=[agency])
    drafts: list[Dossier] = [make_draft(CitizenFactory(), procedure) for _ in range(20)]

    def submit(dossier: Dossier) -> str:  # each draft submitted by its own applicant
        code = services.dossier_submit(actor=dossier.applicant, dossier_id=dossier.pk).code
        assert code is not None
        return code

    codes = run_at_once(*[partial(submit, draft) for draft in drafts])
    assert len(set(codes)) == 20
    assert sorted(int(c[-4:]) for c in codes) == list(range(1, 21))
    assert Dossier.objects.filter(code__in=codes).count() == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_day_counter_is_free_while_a_submission_commits(agency: Agency) -> None:
    # The number is taken in a transaction of its own: another submission to the same agency
    # can take the next one while the first still writes its event, outbox row and notices.
    from django.db import connection

    from dossiers.events import event_listener_register, event_listener_unregister
    from tests.factories import CitizenFactory
    from tests.procedures.factories import ProcedureFactory

    procedure = ProcedureFactory(agencies=[agency])
    draft = make_draft(CitizenFactory(), procedure)
    taken_meanwhile: list[str] = []

    def other_submission() -> str:
        with connection.cursor() as cursor:  # waiting for the counter's lock would fail
            cursor.execute("SET lock_timeout = '2s'")
        return services.next_dossier_code(agency=agency)

    def listener(dossier, event) -> None:  # runs inside the submission's transaction
        if event.action == "submit":
            taken_meanwhile.extend(run_at_once(other_submission))

    event_listener_register(listener)
    try:
        submitted = services.dossier_submit(actor=draft.applicant, dossier_id=draft.pk)
    finally:
        event_listener_unregister(listener)
    assert submitted.code is not None and submitted.code.endswith("-0001")
    assert [c[-4:] for c in taken_meanwhile] == ["0002"]


@pytest.mark.django_db
def test_a_refused_submission_takes_no_number(agency: Agency) -> None:
    from dossiers.errors import InvalidTransition
    from dvctt.errors import InvalidInput
    from tests.factories import CitizenFactory
    from tests.procedures.factories import ProcedureFactory

    procedure = ProcedureFactory(agencies=[agency])
    incomplete = make_draft(CitizenFactory(), procedure, complete=False)
    with pytest.raises(InvalidInput):
        services.dossier_submit(actor=incomplete.applicant, dossier_id=incomplete.pk)
    complete = make_draft(CitizenFactory(), procedure)
    first = services.dossier_submit(actor=complete.applicant, dossier_id=complete.pk)
    with pytest.raises(InvalidTransition):  # the second click on "Nộp hồ sơ"
        services.dossier_submit(actor=complete.applicant, dossier_id=complete.pk)
    assert first.code is not None and first.code.endswith("-0001")
    other = make_draft(CitizenFactory(), procedure)
    second = services.dossier_submit(actor=other.applicant, dossier_id=other.pk)
    assert second.code is not None and second.code.endswith("-0002")
