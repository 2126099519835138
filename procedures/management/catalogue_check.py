"""The shape shared by the commands that check a catalogue file (conditions, typos)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "procedures.json"


class CatalogueCheckCommand(BaseCommand):
    """Read a catalogue file (the bundled one by default), list the findings, fail on any."""

    def findings(self, rows: list) -> list[str]:
        raise NotImplementedError

    def summary(self, count: int) -> str:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(BUNDLED), help="tệp JSON danh mục")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            rows = json.loads(path.read_text(encoding="utf-8")).get("procedures") or []
        except (OSError, ValueError, AttributeError) as exc:
            raise CommandError(f"Không đọc được danh mục {path}: {exc}") from exc
        found = self.findings(rows)
        for line in found:
            self.stdout.write(line)
        message = self.summary(len(found))
        if found:
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS(message))
