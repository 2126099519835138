"""The indicators of a scope and a period (docs/api.md §9), and their export.

Nothing here writes: the figures are sums of the statistics table (reports/selectors.py)
put through the definitions of reports/indicators.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Agency
from dvctt import exports
from dvctt.errors import InvalidInput
from procedures.models import Procedure

from . import indicators
from . import statistics_selectors as selectors
from .constants import RATING_CRITERIA
from .statistics import ALL_COUNTERS

SCOPES = ("province", "agency", "procedure")
# A period longer than this is refused: the table answers it, but nobody reports over decades.
MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class IndicatorQuery:
    scope: str
    start: dt.date
    end: dt.date
    agency: Agency | None = None
    procedure: Procedure | None = None


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _date(params: Mapping[str, Any], name: str, default: dt.date) -> dt.date:
    if name not in params:
        return default
    raw = str(params.get(name) or "").strip()
    try:
        return dt.date.fromisoformat(raw) if len(raw) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)


def _bad_date(name: str) -> dt.date:
    raise _invalid(name, _("Ngày không hợp lệ, hãy nhập theo dạng YYYY-MM-DD."))


def indicator_query_parse(
    params: Mapping[str, Any], *, agency: Agency | None = None
) -> IndicatorQuery:
    """Read `scope, agency, procedure, from, to` (docs/api.md §9); default this year.

    `agency` given by the caller (the officials' dashboard) fixes the agency.
    """
    if "scope" in params:
        scope = str(params.get("scope") or "").strip()
    else:
        scope = "agency" if agency else "province"
    if scope not in SCOPES:
        raise _invalid("scope", _("Phạm vi phải là province, agency hoặc procedure."))
    today = timezone.localdate()
    start = _date(params, "from", dt.date(today.year, 1, 1))
    end = _date(params, "to", dt.date(today.year, 12, 31))
    if start > end:
        raise _invalid("from", _("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise _invalid("to", _("Khoảng thời gian tối đa là ba năm."))
    if agency is None and (code := str(params.get("agency") or "").strip()):
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise _invalid("agency", _("Không tìm thấy cơ quan có mã này."))
    procedure = None
    if code := str(params.get("procedure") or "").strip():
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            raise _invalid("procedure", _("Không tìm thấy thủ tục có mã này."))
    if scope == "agency" and agency is None:
        raise _invalid("agency", _("Phạm vi cơ quan cần mã cơ quan (agency)."))
    if scope == "procedure" and procedure is None:
        raise _invalid("procedure", _("Phạm vi thủ tục cần mã thủ tục (procedure)."))
    if scope == "province":
        agency, procedure = None, None
    elif scope == "agency":
        procedure = None
    return IndicatorQuery(scope=scope, start=start, end=end, agency=agency, procedure=procedure)


def _ratio(numerator: int, denominator: int) -> float | None:
    if denominator <= 0:
        return None
    return round(min(1.0, max(0.0, numerator / denominator)), 4)


def indicators_from_sums(sums: Mapping[str, int]) -> dict[str, Any]:
    """Groups and total of the indicators for counters already summed."""
    groups = []
    total = 0.0
    for group in indicators.GROUPS:
        rows = []
        group_points = 0.0
        for indicator in group.indicators:
            numerator = indicator.numerator(dict(sums))
            denominator = indicator.denominator(dict(sums))
            value = _ratio(numerator, denominator)
            points = round((value or 0.0) * indicator.max_points, 2)
            group_points += points
            rows.append(
                {
                    "code": indicator.code,
                    "name": str(indicator.name),
                    "value": value,
                    "numerator": numerator,
                    "denominator": denominator,
                    "points": points,
                    "max_points": indicator.max_points,
                }
            )
        total += group_points
        groups.append(
            {
                "code": group.code,
                "name": str(group.name),
                "points": round(group_points, 2),
                "max_points": group.max_points,
                "indicators": rows,
            }
        )
    return {"total_points": round(total, 2), "max_points": indicators.MAX_POINTS, "groups": groups}


def indicators_compute(query: IndicatorQuery) -> dict[str, Any]:
    """The body of `GET indicators/` (docs/api.md §9): two queries on the statistics tables."""
    sums = selectors.statistics_sums(
        start=query.start,
        end=query.end,
        counters=ALL_COUNTERS,
        agency_id=query.agency.pk if query.agency else None,
        procedure_id=query.procedure.pk if query.procedure else None,
    )
    body: dict[str, Any] = {
        "scope": query.scope,
        "from": query.start.isoformat(),
        "to": query.end.isoformat(),
    }
    if query.agency is not None:
        body["agency"] = query.agency.code
    if query.procedure is not None:
        body["procedure"] = query.procedure.code
    body.update(indicators_from_sums(sums))
    body["rating_criteria"] = [
        {"code": code, "name": str(name)} for code, name in RATING_CRITERIA.items()
    ]
    return body


def indicators_report(body: Mapping[str, Any]) -> exports.Report:
    """The same rows as a table for the government reporting system (CSV or XLSX)."""
    columns = [
        exports.Column(_("Phạm vi"), 12),
        exports.Column(_("Từ ngày"), 12),
        exports.Column(_("Đến ngày"), 12),
        exports.Column(_("Nhóm"), 8),
        exports.Column(_("Tên nhóm"), 28),
        exports.Column(_("Mã chỉ số"), 10),
        exports.Column(_("Chỉ số"), 60),
        exports.Column(_("Tử số"), 10),
        exports.Column(_("Mẫu số"), 10),
        exports.Column(_("Tỷ lệ"), 10),
        exports.Column(_("Điểm"), 8),
        exports.Column(_("Điểm tối đa"), 10),
    ]
    scope = body["scope"]
    where = body.get("agency") or body.get("procedure") or ""
    label = f"{scope}:{where}" if where else scope
    rows = [
        [
            label,
            dt.date.fromisoformat(body["from"]),
            dt.date.fromisoformat(body["to"]),
            group["code"],
            group["name"],
            row["code"],
            row["name"],
            row["numerator"],
            row["denominator"],
            row["value"],
            row["points"],
            row["max_points"],
        ]
        for group in body["groups"]
        for row in group["indicators"]
    ]
    rows.append(
        [label, None, None, "", _("Tổng điểm"), "", "", None, None, None, body["total_points"], 100]
    )
    return exports.Report(
        title=_("Chỉ số 766"),
        filename=f"chi-so-{body['from']}-{body['to']}",
        columns=columns,
        rows=rows,
    )
