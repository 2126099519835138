"""List the documents of a catalogue file whose text limits who submits them in words the
import rule does not read (procedures/catalogue_file.py), so that someone places them: a
better rule, or a condition declared in the row's demo block ("only_if")."""

from __future__ import annotations

from procedures.catalogue_file import unplaced_conditions
from procedures.management.catalogue_check import CatalogueCheckCommand


class Command(CatalogueCheckCommand):
    help = "Liệt kê giấy tờ có cụm từ điều kiện (đối với…, trường hợp…, nếu…) chưa xác định được."

    def findings(self, rows: list) -> list[str]:
        return [
            f"{code} giấy tờ {position}: …{phrase}…"
            for code, position, phrase in unplaced_conditions(rows)
        ]

    def summary(self, count: int) -> str:
        return f"{count} giấy tờ có cụm từ điều kiện chưa xác định được."
