"""Pages of service quality: the public statistics (/thong-ke/) and the officials' dashboard
(/can-bo/chi-so/). Thin: the figures come from reports/services.py and reports/selectors.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe

from accounts.selectors import agencies_for_official
from dvctt import exports
from dvctt.errors import ApplicationError
from dvctt.pagination import CappedPaginator, query_without_page

from . import charts
from . import statistics_selectors as selectors
from .indicator_services import IndicatorQuery, indicator_query_parse, indicators_compute
from .indicators import INDICATORS
from .statistics import cache_version

# The public page's figures per year are cached: the current year's for five minutes (the
# table moves with every action), a past year's for a day.
CACHE_CURRENT_SECONDS = 300
CACHE_PAST_SECONDS = 24 * 3600
RATES = ("2.1", "4.1", "5.2")
# Short names of the three rates (legend and column headers), in the order of RATES.
RATE_NAMES = (_lazy("Đúng hạn"), _lazy("Trực tuyến"), _lazy("Hài lòng"))
RATE_COUNTERS = (
    "received",
    "received_online",
    "finished",
    "finished_on_time",
    "rated",
    "rated_satisfied",
)
PAGE_SIZE = 20


def _rate(code: str, sums: dict[str, Any]) -> float | None:
    indicator = INDICATORS[code]
    numbers = {name: int(sums.get(name) or 0) for name in RATE_COUNTERS}
    denominator = indicator.denominator(numbers)
    return indicator.numerator(numbers) / denominator if denominator else None


def _rate_rows(rows: list[dict[str, Any]], label: Any) -> list[dict[str, Any]]:
    return [
        {
            "label": label(row["key"]),
            "received": int(row["received"] or 0),
            "rates": [
                (code, _rate(code, row), charts.percent_text(_rate(code, row)), str(name))
                for code, name in zip(RATES, RATE_NAMES, strict=True)
            ],
        }
        for row in rows
    ]


def _public_figures(year: int) -> dict[str, Any]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    body = indicators_compute(IndicatorQuery(scope="province", start=start, end=end))
    by_agency = selectors.monthly_sums_by(start=start, end=end, counters=RATE_COUNTERS, by="agency")
    names = selectors.agencies_named(row["key"] for row in by_agency)
    agencies = sorted(
        _rate_rows(by_agency, lambda key: names.get(key, str(key))), key=lambda r: r["label"]
    )
    by_month = selectors.monthly_sums_by(start=start, end=end, counters=RATE_COUNTERS, by="month")
    months = _rate_rows(by_month, lambda key: f"{key:%m/%Y}")
    series = [str(name) for name in RATE_NAMES]
    return {
        "body": body,
        "agencies": agencies,
        "months": months,
        "series": series,
        "agency_chart": charts.bar_chart(
            "chart-agency",
            _("Tỷ lệ theo cơ quan, năm %(year)s") % {"year": year},
            series,
            [(row["label"], [rate for _c, rate, _t, _n in row["rates"]]) for row in agencies],
        ),
        "month_chart": charts.bar_chart(
            "chart-month",
            _("Tỷ lệ theo tháng, năm %(year)s") % {"year": year},
            series,
            [(row["label"], [rate for _c, rate, _t, _n in row["rates"]]) for row in months],
        ),
        "group_chart": charts.bar_chart(
            "chart-groups",
            _("Điểm theo nhóm chỉ số (tỷ lệ trên điểm tối đa)"),
            [_("Điểm đạt được")],
            [(group["name"], [group["points"] / group["max_points"]]) for group in body["groups"]],
        ),
    }


def _year(request: HttpRequest) -> tuple[int, str]:
    this_year = timezone.localdate().year
    raw = request.GET.get("nam", "").strip()
    if not raw:
        return this_year, ""
    if raw.isdigit() and 2000 <= int(raw) <= this_year:
        return int(raw), ""
    return this_year, _("Năm không hợp lệ, đang hiển thị năm %(year)s.") % {"year": this_year}


@require_safe
def public_statistics(request: HttpRequest) -> HttpResponse:
    """/thong-ke/: the province's score, groups and rates by agency and month (aggregates only)."""
    year, error = _year(request)
    this_year = timezone.localdate().year
    key = f"reports:thong-ke:{cache_version()}:{year}:{translation.get_language()}"
    figures = cache.get(key)
    if figures is None:
        figures = _public_figures(year)
        cache.set(key, figures, CACHE_CURRENT_SECONDS if year == this_year else CACHE_PAST_SECONDS)
    return render(
        request,
        "reports/statistics.html",
        {
            **figures,
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
            "year_error": error,
        },
    )


# --- the officials' dashboard ------------------------------------------------------------------

EXPORT_COLUMNS = (
    exports.Column(_("Mã hồ sơ"), 26),
    exports.Column(_("Thủ tục"), 50),
    exports.Column(_("Kênh nộp"), 14),
    exports.Column(_("Ngày tiếp nhận"), 18),
    exports.Column(_("Hẹn trả ban đầu"), 18),
    exports.Column(_("Ngày có kết quả"), 18),
    exports.Column(_("Đúng hạn"), 10),
)


def _export(rows: Any, kind: str, query: IndicatorQuery, fmt: str) -> HttpResponseBase:
    zone = selectors.local_zone()

    def local(value: dt.datetime | None) -> dt.datetime | None:
        return value.astimezone(zone) if value else None

    report = exports.Report(
        title=_("Hồ sơ"),
        filename=f"ho-so-{kind}-{query.start}-{query.end}",
        columns=EXPORT_COLUMNS,
        rows=(
            [
                d.code,
                d.procedure.name,
                d.get_channel_display(),
                local(d.received_at),
                local(d.original_due_at),
                local(d.completed_at),
                _("Có") if d.on_time else _("Không"),
            ]
            for d in rows.iterator(chunk_size=500)
        ),
    )
    return report.xlsx_response() if fmt == "xlsx" else report.csv_response()


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponseBase:
    """/can-bo/chi-so/: the indicators of the official's agency, with the dossiers behind them."""
    user: Any = request.user
    if not user.is_official:
        raise PermissionDenied(_("Trang chỉ số chỉ dành cho cán bộ, công chức."))
    agencies = list(agencies_for_official(user=user).order_by("name"))
    if not agencies:
        return render(request, "reports/dashboard.html", {"agencies": []})
    chosen = request.GET.get("agency", "")
    agency = next((a for a in agencies if a.code == chosen), agencies[0])
    error = ""
    try:
        query = indicator_query_parse(
            {k: request.GET[k] for k in ("from", "to") if request.GET.get(k)}, agency=agency
        )
    except ApplicationError as exc:
        error = exc.message
        query = indicator_query_parse({}, agency=agency)
    kind = request.GET.get("xem", "")
    behind = None
    if kind in selectors.DRILL_DOWNS:
        behind = selectors.dossiers_behind(
            user=user, agency_id=agency.pk, kind=kind, start=query.start, end=query.end
        )
        fmt = request.GET.get("format", "")
        if fmt in ("csv", "xlsx"):
            return _export(behind, kind, query, fmt)
    body = indicators_compute(query)
    period = {"agency": agency.code, "from": query.start.isoformat(), "to": query.end.isoformat()}
    page = (
        CappedPaginator(behind, PAGE_SIZE).get_page(request.GET.get("page"))
        if behind is not None
        else None
    )
    labels = {
        "tre-han": _("Hồ sơ trễ hạn"),
        "chua-danh-gia": _("Hồ sơ chưa được đánh giá"),
        "khong-hai-long": _("Hồ sơ bị đánh giá không hài lòng"),
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "agencies": agencies,
            "agency": agency,
            "body": body,
            "query": query,
            "period": period,
            "error": error,
            "kind": kind,
            "kind_label": labels.get(kind, ""),
            "drill_downs": labels,
            "page": page,
            "querystring": query_without_page(request),
            "now": timezone.now(),
        },
    )
