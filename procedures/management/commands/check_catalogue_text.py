"""List the obvious typos of a catalogue file (a word repeated, a double space), with where
each sits, so that the bundled data stays clean when it is refreshed from the national portal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from procedures.text import text_typos

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "procedures.json"


def _texts(value: Any, where: str):
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            yield from _texts(item, f"{where}[{index}]")


def catalogue_typos(rows: list) -> list[str]:
    """Return one line per typo: the procedure code, the place in its row, the finding."""
    found = []
    for row in rows:
        code = row.get("code", "?") if isinstance(row, dict) else "?"
        for where, text in _texts(row, code):
            found += [f"{where}: {typo}" for typo in text_typos(text)]
    return found


class Command(BaseCommand):
    help = "Liệt kê lỗi gõ rõ ràng trong danh mục thủ tục (lặp từ, hai dấu cách liền nhau)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(BUNDLED), help="tệp JSON danh mục")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            rows = json.loads(path.read_text(encoding="utf-8")).get("procedures") or []
        except (OSError, ValueError, AttributeError) as exc:
            raise CommandError(f"Không đọc được danh mục {path}: {exc}") from exc
        found = catalogue_typos(rows)
        for line in found:
            self.stdout.write(line)
        message = f"{len(found)} lỗi gõ trong danh mục."
        if found:
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS(message))
