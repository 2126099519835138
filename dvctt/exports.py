"""Cells of the portal's spreadsheet exports (CSV and XLSX), safe to open in a spreadsheet.

Every export (the register, Mẫu 06; the payments list; any later one) writes its cells through
these helpers; `Report` (columns with titles and widths, rows → a CSV or XLSX response) is the
one small interface an export is written against.

Text from people — an applicant's name, an address, a bank's reference — may start with a
character a spreadsheet reads as the start of a formula (`=HYPERLINK(…)`, `+cmd|…`,
`@SUM(…)`): opened in Excel or LibreOffice it would run. The OWASP "CSV injection"
rule is applied: in CSV such text gets a leading single quote, so it is shown as text; in XLSX
the cell is written as an explicit string cell (never a formula, never an error value), so
the text is kept exactly as it was typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.http import FileResponse, HttpResponse

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


# --- one small report interface: columns and rows → CSV or XLSX -----------------------------


@dataclass(frozen=True)
class Column:
    """One column of a report: its title (the header cell) and its XLSX width in characters."""

    title: Any
    width: int = 16


@dataclass
class Report:
    """A table to export: titled columns and rows of values, written as CSV or XLSX.

    Every cell goes through csv_cell / xlsx_cell, so no outside text becomes a formula; dates
    are real XLSX date cells shown dd/mm/yyyy. Rows hold local times (XLSX has no zones).
    """

    title: Any  # the sheet's name
    filename: str  # without extension
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    # How a CSV shows a date-time (a CSV cell is text); dates show day first.
    csv_datetime_format: str = "%d/%m/%Y %H:%M"

    def _csv_text(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.strftime(self.csv_datetime_format)
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        return "" if value is None else value

    def csv_lines(self) -> Iterator[str]:
        """Yield the report as CSV text, a line at a time (with a BOM so Excel reads UTF-8)."""
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(csv_row(str(column.title) for column in self.columns))
        for row in self.rows:
            yield writer.writerow(csv_row(self._csv_text(value) for value in row))

    def csv_response(self) -> HttpResponse:
        """Return the report as a CSV attachment."""
        response = HttpResponse("".join(self.csv_lines()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename}.csv"'
        return response

    def xlsx_file(self) -> IO[bytes]:
        """Return a temporary file holding the report as XLSX (openpyxl write-only mode)."""
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(str(self.title)[:31])  # Excel's limit on a sheet name
        # Write-only sheets take their column widths before the first row.
        for index, column in enumerate(self.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        header = []
        for column in self.columns:
            cell = xlsx_cell(sheet, str(column.title))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in self.rows:
            sheet.append(xlsx_row(sheet, row))
        output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
        workbook.save(output)
        output.seek(0)
        return output

    def xlsx_response(self) -> FileResponse:
        """Return the report as an XLSX attachment."""
        return FileResponse(
            self.xlsx_file(),
            as_attachment=True,
            filename=f"{self.filename}.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """A file-like object csv.writer writes to, handing each line back."""

    def write(self, value: str) -> str:
        return value
