"""Recompute the statistics table from the dossiers and their log (reports/statistics.py)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.statistics import statistics_rebuild


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "Tính lại bảng thống kê chỉ số từ hồ sơ và lịch sử xử lý (--from/--to: một khoảng ngày)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", help="ngày đầu YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="ngày cuối YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        start = _day(options["start"]) if options.get("start") else None
        end = _day(options["end"]) if options.get("end") else None
        if (start is None) != (end is None):
            raise CommandError("Cần cả --from và --to, hoặc không có cả hai.")
        if start and end and start > end:
            raise CommandError("--from phải trước --to.")
        began = time.perf_counter()
        statistics_rebuild(start=start, end=end)
        self.stdout.write(f"Đã tính lại bảng thống kê ({time.perf_counter() - began:.1f} s).")
