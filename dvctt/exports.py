"""Cells of the portal's spreadsheet exports (CSV and XLSX), safe to open in a spreadsheet.

Every export (the register, Mẫu 06; the payments list; any later one) writes its cells through
these helpers. Text from people — an applicant's name, an address, a bank's reference — may
start with a character a spreadsheet reads as the start of a formula (`=HYPERLINK(…)`,
`+cmd|…`, `@SUM(…)`): opened in Excel or LibreOffice it would run. The OWASP "CSV injection"
rule is applied: in CSV such text gets a leading single quote, so it is shown as text; in XLSX
the cell is written as an explicit string cell (never a formula, never an error value), so
the text is kept exactly as it was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# OWASP, CSV injection: the characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Return `value` as a CSV cell: text that could start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """Return a row of CSV cells (see csv_cell); numbers and dates pass unchanged."""
    return [csv_cell(value) for value in values]


# Vietnamese spreadsheets show dates day first; the cell still holds a real date (sortable,
# filterable), only its display format is set.
XLSX_DATE_FORMAT = "dd/mm/yyyy"
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """Return `value` as an XLSX cell: text is always a string cell, never a formula; a date
    or a time is a real date cell shown dd/mm/yyyy."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, dt.datetime | dt.date):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)  # XLSX has no zones: the caller passes local time
        date_cell: WriteOnlyCell = WriteOnlyCell(sheet, value=value)
        date_cell.number_format = (
            XLSX_DATETIME_FORMAT if isinstance(value, dt.datetime) else XLSX_DATE_FORMAT
        )
        return date_cell
    if not isinstance(value, str):
        return value  # numbers, None: openpyxl types them itself
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # openpyxl makes any text starting with "=" a formula and "#N/A"-like text an error value;
    # setting the type after the value keeps it a plain string. Control characters XML cannot
    # hold are dropped (they are cleaned at input anyway; an export never fails on one).
    cell: WriteOnlyCell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def xlsx_row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    """Return a row for `sheet.append`, every text value as a string cell (see xlsx_cell)."""
    return [xlsx_cell(sheet, value) for value in values]
