"""The statistics table kept live by the dossier log's listener equals the one rebuilt from the
dossiers and their log — on a Hypothesis-generated history of workflow actions over random
days, and through `manage.py rebuild_statistics`."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossiers.errors import InvalidTransition
from dossiers.models import Dossier
from dossiers.workflow import services as workflow_services
from dvctt.errors import Forbidden, InvalidInput, NotFound
from dvctt.workdays import VN_TZ
from reports.models import DailyStatistic, DossierStatistic, MonthlyStatistic
from reports.statistics import daily_rows, months_refresh, statistics_rebuild
from reports.statistics_selectors import statistics_sums
from tests.dossiers.conftest import make_submitted
from tests.dossiers.test_workflow import BODIES, STEPS, _resolve, _walk_world
from tests.properties import examples

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)


@pytest.mark.django_db
@settings(max_examples=examples(15), deadline=None, suppress_health_check=list(HealthCheck))
@given(
    steps=STEPS,
    gaps=st.lists(st.integers(0, 80), min_size=20, max_size=20),
    fee=st.sampled_from(["council", "fixed"]),
    result=st.sampled_from(["generated", "uploaded"]),
    counter=st.booleans(),
)
def test_a_random_history_rebuilds_to_the_live_table(
    steps, gaps, fee, result, counter, citizen, agency
):
    clock = [START]
    with mock.patch.object(timezone, "now", lambda: clock[0]):
        walk, procedure = _walk_world(citizen, agency, fee, result)
        dossier = make_submitted(citizen, procedure)
        for index, step in enumerate(steps):
            clock[0] += dt.timedelta(hours=gaps[index])  # histories over days and months
            before = Dossier.objects.get(pk=dossier.pk)
            action, actor, variant = _resolve(walk, before, step)
            kwargs = BODIES[action][variant].build(walk, before)
            try:
                after = workflow_services.dossier_run_action(
                    actor=actor, dossier_id=dossier.pk, action=action, **kwargs
                )
            except (NotFound, Forbidden, InvalidTransition, InvalidInput):
                continue
            if after.is_terminal:
                dossier = make_submitted(citizen, procedure)
                if counter:
                    Dossier.objects.filter(pk=dossier.pk).update(channel="counter")
        live = daily_rows(DailyStatistic.objects.all())
        live_months = daily_rows(MonthlyStatistic.objects.all())
        facts = set(DossierStatistic.objects.values_list(*_fact_fields()))
        statistics_rebuild()
        assert daily_rows(DailyStatistic.objects.all()) == live
        assert daily_rows(MonthlyStatistic.objects.all()) == live_months
        assert set(DossierStatistic.objects.values_list(*_fact_fields())) == facts


def _fact_fields() -> list[str]:
    return [f.attname for f in DossierStatistic._meta.concrete_fields]


@pytest.mark.django_db
def test_the_command_rebuilds_a_range_and_refuses_bad_dates():
    DailyStatistic.objects.create(agency_id=1, procedure_id=1, day="2026-01-05", received=3)
    DailyStatistic.objects.create(agency_id=1, procedure_id=1, day="2026-02-05", received=3)
    out = StringIO()
    call_command("rebuild_statistics", "--from", "2026-02-01", "--to", "2026-02-28", stdout=out)
    assert "Đã tính lại" in out.getvalue()
    # No dossier of February is left: its row goes, January's stays.
    assert list(DailyStatistic.objects.values_list("day", flat=True)) == [dt.date(2026, 1, 5)]
    for args in (["--from", "2026-02-30", "--to", "2026-03-01"], ["--from", "2026-02-01"]):
        with pytest.raises(CommandError):
            call_command("rebuild_statistics", *args)
    with pytest.raises(CommandError):
        call_command("rebuild_statistics", "--from", "2026-03-01", "--to", "2026-02-01")
    call_command("rebuild_statistics", stdout=StringIO())
    assert not DailyStatistic.objects.exists()


@pytest.mark.django_db
@settings(max_examples=examples(40), deadline=None, suppress_health_check=list(HealthCheck))
@given(
    days=st.lists(st.integers(0, 500), min_size=1, max_size=30),
    period=st.tuples(st.integers(-10, 520), st.integers(0, 400)),
)
def test_period_sums_from_months_and_edge_days_equal_the_day_sums(days, period):
    DailyStatistic.objects.all().delete()
    origin = dt.date(2025, 1, 1)
    for n, offset in enumerate(sorted(set(days))):
        DailyStatistic.objects.create(
            agency_id=1, procedure_id=1, day=origin + dt.timedelta(days=offset), received=n + 1
        )
    months_refresh(origin, origin + dt.timedelta(days=500))
    start = origin + dt.timedelta(days=period[0])
    end = start + dt.timedelta(days=period[1])
    expected = sum(
        DailyStatistic.objects.filter(day__gte=start, day__lte=end).values_list(
            "received", flat=True
        )
    )
    got = statistics_sums(start=start, end=end, counters=["received"], agency_id=1)
    assert got == {"received": expected}
