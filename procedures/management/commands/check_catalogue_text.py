"""List the obvious typos of a catalogue file (a word repeated, a double space), with where
each sits, so that the bundled data stays clean when it is refreshed from the national portal."""

from __future__ import annotations

from typing import Any

from procedures.management.catalogue_check import CatalogueCheckCommand
from procedures.text import text_typos


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


class Command(CatalogueCheckCommand):
    help = "Liệt kê lỗi gõ rõ ràng trong danh mục thủ tục (lặp từ, hai dấu cách liền nhau)."

    def findings(self, rows: list) -> list[str]:
        return catalogue_typos(rows)

    def summary(self, count: int) -> str:
        return f"{count} lỗi gõ trong danh mục."
