"""Payment IPN benchmark: rounds of 20 concurrent IPNs through the whole Django stack.

Runs against PostgreSQL named by DATABASE_URL, in a dedicated database `<name>_bench_payments`
that it creates and drops. Each round opens 20 payments of 20 dossiers, then 20 threads (each
with its own connection) deliver their signed IPNs at once through Django's test client; a
last round replays one IPN 20 times at once and checks it confirms exactly once.
Prints `BENCH ipn_p50|ipn_p95|ipn_max` (ms) and the replay figures.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from bench.common import _emit, _percentile, bench_database

CONCURRENCY = 20
ROUNDS = int(os.environ.get("BENCH_IPN_ROUNDS", "8"))
GOAL_P95_MS = 1000.0  # docs/api.md §7: answer within a second


def _deliver_all(params_list: list[dict]) -> tuple[list[float], list[str]]:
    from django.db import connection
    from django.test import Client

    barrier = threading.Barrier(len(params_list))
    timings: list[float] = []
    codes: list[str] = []

    def deliver(params):
        client = Client()
        try:
            barrier.wait()
            began = time.perf_counter()
            answer = client.get("/payments/vnpay/ipn/", params).json()
            timings.append((time.perf_counter() - began) * 1000)
            codes.append(answer["RspCode"])
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(p,)) for p in params_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, codes


@contextmanager
def _queued_tasks() -> Iterator[None]:
    """Queue tasks on an in-memory broker in the block; later groups get Celery as it was."""
    from dvctt.celery import app

    before = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url="memory://")
    try:
        yield
    finally:
        app.conf.update(before)


def main() -> int:
    with bench_database("_payments"), _queued_tasks():
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        # As in production, the citizen's e-mail is queued, not sent inside the IPN request
        # (an in-memory broker stands in for Redis; nothing consumes it here).
        from accounts.models import User
        from dossiers.constants import DossierAction
        from dossiers.models import DossierEvent
        from payments.services import payment_start
        from tests.dossiers.conftest import make_submitted
        from tests.factories import AgencyFactory, CitizenFactory
        from tests.payments.conftest import RETURN_URL, callback
        from tests.procedures.factories import ProcedureFactory

        agency = AgencyFactory()
        procedure = ProcedureFactory(agencies=[agency])
        citizen = User.objects.get(email=CitizenFactory.create(email="bench@demo.vn").email)
        timings: list[float] = []
        codes: list[str] = []
        for _round in range(ROUNDS):
            payments = []
            for _ in range(CONCURRENCY):
                dossier = make_submitted(citizen, procedure)
                payment, _url = payment_start(
                    actor=citizen, dossier_id=dossier.pk, ip="203.0.113.7", return_url=RETURN_URL
                )
                payments.append(payment)
            connections.close_all()
            round_timings, round_codes = _deliver_all(
                [callback(p, txn_no=f"{p.txn_ref[-8:]}") for p in payments]
            )
            timings += round_timings
            codes += round_codes
        # Baseline: the same work one IPN at a time (what one request costs on this machine).
        serial: list[float] = []
        for _ in range(CONCURRENCY):
            dossier = make_submitted(citizen, procedure)
            payment, _url = payment_start(
                actor=citizen, dossier_id=dossier.pk, ip="203.0.113.7", return_url=RETURN_URL
            )
            serial += _deliver_all([callback(payment, txn_no=payment.txn_ref[-8:])])[0]
        # Replays: one IPN delivered 20 times at once must confirm exactly once.
        dossier = make_submitted(citizen, procedure)
        payment, _url = payment_start(
            actor=citizen, dossier_id=dossier.pk, ip="203.0.113.7", return_url=RETURN_URL
        )
        connections.close_all()
        replay_timings, replay_codes = _deliver_all([callback(payment)] * CONCURRENCY)
        confirmations = DossierEvent.objects.filter(
            dossier=dossier, action=DossierAction.CONFIRM_PAYMENT
        ).count()

    results = {
        "ipn_p50": statistics.median(timings),
        "ipn_p95": _percentile(timings, 95),
        "ipn_max": max(timings),
        "ipn_replay_p95": _percentile(replay_timings, 95),
        "ipn_serial_p50": statistics.median(serial),
    }
    _emit()
    _emit(
        f"Payment IPN benchmark ({ROUNDS} rounds × {CONCURRENCY} concurrent IPNs, "
        f"through the Django stack, PostgreSQL)"
    )
    _emit(
        f"confirmed {codes.count('00')}/{len(codes)}; replay codes "
        f"{replay_codes.count('00')}×00 {replay_codes.count('02')}×02; "
        f"confirmations of the replayed payment: {confirmations}"
    )
    for name, value in results.items():
        _emit(f"BENCH {name} {value:.3f} ms")
    ok = (
        results["ipn_p95"] <= GOAL_P95_MS
        and codes.count("00") == len(codes)
        and confirmations == 1
        and replay_codes.count("00") == 1
    )
    _emit(f"BENCH ipn_confirmed_once {1 if confirmations == 1 else 0} bool")
    _emit(f"BENCH ipn_goals_met {1 if ok else 0} bool")
    return 0


if __name__ == "__main__":
    sys.exit(main())
