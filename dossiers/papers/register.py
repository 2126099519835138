"""The register of dossiers (Sổ theo dõi hồ sơ, Mẫu 06 of Thông tư 01/2018/TT-VPCP).

One row per dossier the agency received in a period, streamed from the database in chunks so a
year of a big agency never sits in memory: CSV is written row by row into the response, XLSX
through openpyxl's write-only mode into a temporary file that is then streamed. Both are the
one report interface of dvctt/exports.py (`Report`), so that no applicant's text becomes a
formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.constants import StaffRoleName
from accounts.models import User
from accounts.selectors import agency_ids_for_official
from dvctt import exports, workdays
from dvctt.db_router import replica_alias
from dvctt.errors import Forbidden

from ..constants import DossierAction, DossierStatus
from ..models import Dossier, DossierEvent

# Reception keeps the register; leaders read it (Thông tư 01/2018/TT-VPCP Điều 10).
REGISTER_ROLES = (StaffRoleName.RECEPTION, StaffRoleName.LEADER)
CHUNK = 2000


def register_columns() -> list[str]:
    """Return the column titles of Mẫu 06 (docs/domain.md, papers)."""
    return [
        _("STT"),
        _("Mã hồ sơ"),
        _("Tên thủ tục hành chính"),
        _("Số lượng hồ sơ (bộ)"),
        _("Tên cá nhân, tổ chức"),
        _("Địa chỉ"),
        _("Số điện thoại"),
        _("Địa bàn"),
        _("Ngày, giờ tiếp nhận"),
        _("Ngày hẹn trả kết quả"),
        _("Chuyển hồ sơ đến cơ quan giải quyết"),
        _("Ngày có kết quả"),
        _("Ngày, giờ trả kết quả"),
        _("Cán bộ tiếp nhận"),
        _("Cơ quan giải quyết"),
        _("Ghi chú"),
    ]


# The words that open a commune- or province-level part of a Vietnamese address (two-tier local
# government since 1 July 2025; "quận/huyện/thị xã" kept for addresses written before it).
LOCALITY_WORDS = (
    "xã ",
    "phường ",
    "thị trấn ",
    "đặc khu ",
    "quận ",
    "huyện ",
    "thị xã ",
    "thành phố ",
    "tp ",
    "tp. ",
    "tỉnh ",
)


def address_locality(address: str) -> str:
    """Return the locality (địa bàn) of an address: its parts from the commune level on."""
    parts = [part.strip() for part in address.split(",") if part.strip()]
    for index, part in enumerate(parts):
        if part.lower().startswith(LOCALITY_WORDS):
            return ", ".join(parts[index:])
    # No administrative word: the last two parts are the commune and the province by convention.
    return ", ".join(parts[-2:]) if len(parts) > 2 else ""


def register_agency_ids(*, user: User) -> list[int]:
    """Return the agencies whose register the official may read; Forbidden for anyone else."""
    ids = []
    if user.is_authenticated and user.is_official:
        ids = agency_ids_for_official(user=user, roles=REGISTER_ROLES)
    if not ids:
        raise Forbidden(_("Chỉ cán bộ tiếp nhận và lãnh đạo được xem sổ theo dõi hồ sơ."))
    return ids


def _period(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=workdays.VN_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=workdays.VN_TZ)
    return start, end


# code, procedure, name, address, phone, registered, due, completed, returned, status, handed
# over, officer, agency: the values register_queryset reads for one row of Mẫu 06.
RegisterValues = tuple[
    str | None,
    str,
    str,
    str,
    str,
    dt.datetime | None,
    dt.datetime | None,
    dt.datetime | None,
    dt.datetime | None,
    str,
    dt.datetime | None,
    str | None,
    str,
]


def register_queryset(
    *, agency_ids: list[int], date_from: dt.date, date_to: dt.date
) -> QuerySet[Dossier, RegisterValues]:
    """Return the register's dossiers: filed at the agencies, received (or filed) in the period."""
    start, end = _period(date_from, date_to)
    events = DossierEvent.objects.filter(dossier=OuterRef("pk"))
    return (
        # An export of past days: the read replica's second of lag does not matter here.
        Dossier.objects.using(replica_alias())
        .filter(agency_id__in=agency_ids)
        .exclude(status=DossierStatus.DRAFT)
        # A dossier refused at the desk was never received: it is registered on its filing day.
        .annotate(registered_at=Coalesce("received_at", "submitted_at"))
        .filter(registered_at__gte=start, registered_at__lt=end)
        .annotate(
            officer=Subquery(
                events.filter(action=DossierAction.RECEIVE).order_by("at").values("actor_name")[:1]
            ),
            handed_over_at=Subquery(
                events.filter(action__in=[DossierAction.ASSIGN, DossierAction.FORWARD])
                .order_by("at")
                .values("at")[:1]
            ),
        )
        .order_by("registered_at", "code")
        .values_list(
            "code",
            "procedure__name",
            "applicant_name",
            "applicant_address",
            "applicant_phone",
            "registered_at",
            "due_at",
            "completed_at",
            "returned_at",
            "status",
            "handed_over_at",
            "officer",
            "agency__name",
        )
    )


def _local(value: dt.datetime | None) -> dt.datetime | None:
    # Spreadsheet cells carry no time zone: Vietnam time, as the desk reads it.
    return value.astimezone(workdays.VN_TZ).replace(tzinfo=None) if value else None


def register_rows(
    *, agency_ids: list[int], date_from: dt.date, date_to: dt.date
) -> Iterator[list[Any]]:
    """Yield the register's rows in Mẫu 06 column order (times naive, Vietnam time)."""
    qs = register_queryset(agency_ids=agency_ids, date_from=date_from, date_to=date_to)
    labels = dict(DossierStatus.choices)
    done = {DossierStatus.RESULT_ISSUED, DossierStatus.RETURNED}
    for number, row in enumerate(qs.iterator(chunk_size=CHUNK), start=1):
        (code, procedure, name, address, phone, registered, due, completed, returned, status,
         handed, officer, agency) = row  # fmt: skip
        yield [
            number,
            code,
            procedure,
            1,
            name,
            address,
            phone,
            address_locality(address),
            _local(registered),
            _local(due),
            _local(handed),
            _local(completed) if status in done else None,
            # Mẫu 06 "Trả kết quả cho cá nhân, tổ chức": when the result was handed over.
            _local(returned) if status == DossierStatus.RETURNED else None,
            officer or "",
            agency,
            str(labels.get(status, status)),
        ]


# Column widths of the XLSX register (in characters), in the order of register_columns():
# dates and times fit "dd/mm/yyyy hh:mm", names and addresses get room to read.
REGISTER_XLSX_WIDTHS = (6, 22, 40, 10, 26, 40, 14, 22, 18, 18, 30, 18, 18, 24, 32, 24)


def register_report(
    *, agency_ids: list[int], date_from: dt.date, date_to: dt.date
) -> exports.Report:
    """Return the register as a report (dvctt/exports.py): Mẫu 06's columns, rows streamed."""
    # Names and addresses are the applicant's own text: the report's cells never become a
    # live formula (OWASP), and its rows are read lazily, a chunk at a time.
    return exports.Report(
        title=_("Sổ theo dõi hồ sơ"),
        filename=f"so-theo-doi-{date_from:%Y%m%d}-{date_to:%Y%m%d}",
        columns=[
            exports.Column(title, width)
            for title, width in zip(register_columns(), REGISTER_XLSX_WIDTHS, strict=True)
        ],
        rows=register_rows(agency_ids=agency_ids, date_from=date_from, date_to=date_to),
    )


def register_csv(*, agency_ids: list[int], date_from: dt.date, date_to: dt.date) -> Iterator[str]:
    """Yield the register as CSV text, a line at a time (with a BOM so Excel reads UTF-8)."""
    return register_report(agency_ids=agency_ids, date_from=date_from, date_to=date_to).csv_lines()


def register_xlsx(*, agency_ids: list[int], date_from: dt.date, date_to: dt.date) -> IO[bytes]:
    """Return a temporary file holding the register as XLSX (openpyxl write-only mode)."""
    return register_report(agency_ids=agency_ids, date_from=date_from, date_to=date_to).xlsx_file()


def register_link_context(*, roles: list[tuple[int, str]]) -> dict:
    """Return what the workspace needs to offer the register: may the user read it (from the
    (agency id, role) pairs the workspace already loaded), and the default period (the current
    month, Vietnam time)."""
    readable = any(role in REGISTER_ROLES for _agency, role in roles)
    today = dt.datetime.now(workdays.VN_TZ).date()
    return {
        "can_read_register": readable,
        "register_from": today.replace(day=1),
        "register_to": today,
    }
