"""The service-quality indicators of Quyết định 766/QĐ-TTg (Bộ chỉ số chỉ đạo, điều hành và
đánh giá chất lượng phục vụ người dân, doanh nghiệp), as far as the portal's data supports them.

One place for every definition: its code, name, group, formula (numerator ÷ denominator over the
counters of the statistics table, reports/models/statistics.py) and points. 766 scores six
groups (công khai minh bạch 18, tiến độ 20, dịch vụ trực tuyến 12, thanh toán trực tuyến 10,
mức độ hài lòng 18, số hoá 22); the portal's contract (docs/api.md §9) publishes five — online
service and online payment are one group of 12 + 10 = 22 — so the total stays 100.

Points: value × max_points (linear; 766's tables grade by bands of the same ratio), 0 when
nothing was measured (denominator 0, value null).

What the data cannot support, and so is not here: 766 1.1 (procedures published on time — the
catalogue keeps no publication deadline), 1.3 (national portal's own page views), 3.1 (share of
procedures offered online is a catalogue fact, not a figure of the period) and the survey-based
parts of satisfaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Sums = dict[str, int]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    source: str  # the indicator of Quyết định 766/QĐ-TTg it follows
    numerator: Callable[[Sums], int]
    denominator: Callable[[Sums], int]
    max_points: float


@dataclass(frozen=True)
class Group:
    code: str
    name: Promise
    indicators: tuple[Indicator, ...]

    @property
    def max_points(self) -> float:
        return sum(i.max_points for i in self.indicators)


def _late(s: Sums) -> int:
    return s["finished"] - s["finished_on_time"]


def _satisfaction_numerator(s: Sums) -> int:
    # DOMAIN: 100 % − (late-dossier rate + rate of dossiers with complaints or "dislike"), over
    # the dossiers finished in the period; never below 0.
    unhappy = _late(s) + s["rated_dissatisfied"] + s["feedback_complaints"]
    return max(0, s["finished"] - unhappy)


GROUPS: tuple[Group, ...] = (
    Group(
        "1",
        _("Công khai, minh bạch"),
        (
            # 766 1.2: dossiers whose progress is published on the national portal ÷ received.
            Indicator(
                "1.1",
                _("Hồ sơ đồng bộ trạng thái lên Cổng Dịch vụ công quốc gia"),
                "766: 1.2",
                lambda s: s["synced"],
                lambda s: s["received"],
                12,
            ),
            # 766 1.x (công khai kết quả xử lý PAKN): answers published ÷ answers given.
            Indicator(
                "1.2",
                _("Trả lời phản ánh, kiến nghị được công khai"),
                "766: 1.3 (công khai kết quả xử lý phản ánh, kiến nghị)",
                lambda s: s["feedback_published"],
                lambda s: s["feedback_answered"],
                6,
            ),
        ),
    ),
    Group(
        "2",
        _("Tiến độ giải quyết"),
        (
            # 766 2.1: finished on time (supplement time subtracted; more than one supplement
            # request counts late: Dossier.on_time) ÷ finished (result issued) in the period.
            Indicator(
                "2.1",
                _("Hồ sơ giải quyết đúng hạn"),
                "766: 2.1",
                lambda s: s["finished_on_time"],
                lambda s: s["finished"],
                14,
            ),
            # NĐ 61/2018 Điều 19.6, 766 2.2: a late dossier carries an apology (Mẫu 04).
            Indicator(
                "2.2",
                _("Hồ sơ quá hạn có văn bản xin lỗi, hẹn lại"),
                "766: 2.2",
                lambda s: s["finished_late_apology"],
                _late,
                6,
            ),
        ),
    ),
    Group(
        "3",
        _("Số hoá hồ sơ"),
        (
            # 766 6.1: results issued as an electronic document ÷ results issued.
            Indicator(
                "3.1",
                _("Hồ sơ có kết quả điện tử"),
                "766: 6.1",
                lambda s: s["finished_e_result"],
                lambda s: s["finished"],
                7,
            ),
            # 766 6.2: dossiers whose components are all files (digitised) ÷ received.
            Indicator(
                "3.2",
                _("Hồ sơ có thành phần được số hoá"),
                "766: 6.2",
                lambda s: s["digitised"],
                lambda s: s["received"],
                6,
            ),
            # 766 6.3: dossiers reusing stored (digitised) documents ÷ received.
            Indicator(
                "3.3",
                _("Hồ sơ sử dụng lại dữ liệu số hoá"),
                "766: 6.3",
                lambda s: s["reused"],
                lambda s: s["received"],
                5,
            ),
            # Đề án 06: applicants identified through the population database (VNeID).
            Indicator(
                "3.4",
                _("Hồ sơ của người nộp đã xác thực qua VNeID"),
                "766: 6.3 (khai thác dữ liệu dân cư, Đề án 06)",
                lambda s: s["vneid"],
                lambda s: s["received"],
                4,
            ),
        ),
    ),
    Group(
        "4",
        _("Dịch vụ trực tuyến"),
        (
            # 766 3.2: dossiers filed online ÷ received.
            Indicator(
                "4.1",
                _("Hồ sơ nộp trực tuyến"),
                "766: 3.2",
                lambda s: s["received_online"],
                lambda s: s["received"],
                12,
            ),
            # 766 4.2: dossiers paid online ÷ dossiers with a fee.
            Indicator(
                "4.2",
                _("Hồ sơ thanh toán trực tuyến"),
                "766: 4.2",
                lambda s: s["paid_online"],
                lambda s: s["fee_bearing"],
                10,
            ),
        ),
    ),
    Group(
        "5",
        _("Mức độ hài lòng"),
        (
            # 766 5.1: feedback (PAKN) settled within its deadline ÷ feedback due.
            Indicator(
                "5.1",
                _("Phản ánh, kiến nghị được xử lý đúng hạn"),
                "766: 5.1",
                lambda s: s["feedback_on_time"],
                lambda s: s["feedback_due"],
                6,
            ),
            # 766 5.2, TT 01/2018 Điều 13: ratings "satisfied" or "very satisfied" ÷ ratings.
            Indicator(
                "5.2",
                _("Đánh giá hài lòng về giải quyết hồ sơ"),
                "766: 5.2",
                lambda s: s["rated_satisfied"],
                lambda s: s["rated"],
                8,
            ),
            # DOMAIN: 1 − (late rate + rate of complaints or "dislike"), over finished dossiers.
            Indicator(
                "5.3",
                _("Mức độ hài lòng tổng hợp (trừ hồ sơ trễ hạn, phản ánh, không hài lòng)"),
                "766: 5.2 (tổng hợp)",
                _satisfaction_numerator,
                lambda s: s["finished"],
                4,
            ),
        ),
    ),
)

INDICATORS: dict[str, Indicator] = {i.code: i for g in GROUPS for i in g.indicators}
MAX_POINTS = sum(g.max_points for g in GROUPS)
assert MAX_POINTS == 100, MAX_POINTS
