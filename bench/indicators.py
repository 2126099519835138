"""Indicators benchmark: the province's indicators for a year over 1,000,000 dossiers.

Runs against PostgreSQL named by DATABASE_URL, in a dedicated database `<name>_benchi` that it
creates and drops. The dossiers are the queue benchmark's (bench/queue.py: 30 agencies, three
years of filings, most settled). It then
- rebuilds the statistics table from them (`manage.py rebuild_statistics`, timed: the figure
  an operator waits for after a restore);
- asks `GET /api/v1/indicators/` for the province over the last 365 days, server-side through
  Django's test client, p50/p95 over repeated runs (goal p95 ≤ 100 ms).
Size: BENCH_INDICATORS_SIZE (default 1000000). Prints a table and `BENCH` lines.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time

from bench.common import _emit, _percentile, bench_database

RUNS = 30
GOAL_MS = 100.0


def _label(size: int) -> str:
    return f"{size // 1_000_000}m" if size >= 1_000_000 else f"{size // 1000}k"


def main() -> int:
    """Build the dossiers, rebuild the statistics, measure the indicators, print the report."""
    from bench import queue

    size = int(os.environ.get("BENCH_INDICATORS_SIZE", "1000000"))
    label = _label(size)
    results: dict[str, float] = {}
    with bench_database("i", test_environment=False):
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from reports.statistics import statistics_rebuild

        call_command("migrate", verbosity=0)
        world = queue._setup_world()
        began = time.perf_counter()
        queue._fill(size, world, random.Random(20261206), {})
        results[f"indicators_build_{label}"] = time.perf_counter() - began
        began = time.perf_counter()
        statistics_rebuild()
        results[f"statistics_rebuild_{label}"] = time.perf_counter() - began
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_dailystatistic")
            cursor.execute("SELECT count(*) FROM reports_dailystatistic")
            rows = cursor.fetchone()[0]
        today = dt.date.today()
        params = {"from": (today - dt.timedelta(days=364)).isoformat(), "to": today.isoformat()}
        client = Client()
        first = client.get("/api/v1/indicators/", params)
        assert first.status_code == 200, first.content
        received = next(
            row["denominator"]
            for group in first.json()["groups"]
            for row in group["indicators"]
            if row["code"] == "4.1"
        )
        timings = []
        for _ in range(RUNS):
            began = time.perf_counter()
            response = client.get("/api/v1/indicators/", params)
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get("/api/v1/indicators/", params)
        results[f"indicators_p50_{label}"] = statistics.median(timings)
        results[f"indicators_p95_{label}"] = _percentile(timings, 95)
        results[f"indicators_queries_{label}"] = float(len(queries))

    _emit()
    _emit(f"Indicators benchmark ({RUNS} runs, server-side, goal p95 {GOAL_MS} ms)")
    _emit(
        f"{size} dossiers, {rows} statistics rows, {received} received in the year; "
        f"rebuild {results[f'statistics_rebuild_{label}']:.1f} s; "
        f"indicators p50 {results[f'indicators_p50_{label}']:.2f} ms, "
        f"p95 {results[f'indicators_p95_{label}']:.2f} ms"
    )
    _emit()
    for name, value in results.items():
        unit = (
            "s"
            if ("build" in name or "rebuild" in name)
            else "queries"
            if "queries" in name
            else "ms"
        )
        _emit(f"BENCH {name} {value:.3f} {unit}")
    return 0
