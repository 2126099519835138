"""Import a catalogue file (format of shared/data/procedures.json): create or update by code."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures.services import ImportRowError, procedures_import

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "procedures.json"


class Command(BaseCommand):
    help = (
        "Nhập danh mục thủ tục từ tệp JSON (tạo mới hoặc cập nhật theo mã; lỗi thì không lưu gì)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(BUNDLED), help="tệp JSON danh mục")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"Tệp {path} không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno})."
            ) from exc
        try:
            result = procedures_import(data=data)
        except ImportRowError as exc:
            raise CommandError(f"Không nhập gì cả. {exc}") from exc
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(
            self.style.SUCCESS(
                f"Danh mục: {result.created} thủ tục mới, {result.updated} cập nhật, "
                f"{result.published} phiên bản mới."
            )
        )
