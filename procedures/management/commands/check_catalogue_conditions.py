"""List the documents of a catalogue file whose text limits who submits them in words the
import rule does not read (procedures/catalogue_file.py), so that someone places them: a
better rule, or a condition declared in the row's demo block ("only_if")."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures.catalogue_file import unplaced_conditions

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "procedures.json"


class Command(BaseCommand):
    help = "Liệt kê giấy tờ có cụm từ điều kiện (đối với…, trường hợp…, nếu…) chưa xác định được."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(BUNDLED), help="tệp JSON danh mục")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            rows = json.loads(path.read_text(encoding="utf-8")).get("procedures") or []
        except (OSError, ValueError, AttributeError) as exc:
            raise CommandError(f"Không đọc được danh mục {path}: {exc}") from exc
        unplaced = unplaced_conditions(rows)
        for code, position, phrase in unplaced:
            self.stdout.write(f"{code} giấy tờ {position}: …{phrase}…")
        message = f"{len(unplaced)} giấy tờ có cụm từ điều kiện chưa xác định được."
        if unplaced:
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS(message))
