"""The internal process template (quy trình nội bộ) of a procedure."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.constants import StaffRoleName
from dvctt.workdays import hours_per_day

# Unit codes of a standard agency (accounts.demo): one-stop desk, specialists, leaders, clerks.
UNIT_BY_ROLE = {
    StaffRoleName.RECEPTION: "mot-cua",
    StaffRoleName.SPECIALIST: "chuyen-mon",
    StaffRoleName.LEADER: "lanh-dao",
    StaffRoleName.CLERK: "van-thu",
}


def default_process_steps(processing_days: float) -> list[dict]:
    """Return a four-step template (receive, examine, approve, return) filling the time."""
    # Four steps of at least one hour each; an unknown time (0) gets one working day.
    total = max(round(float(processing_days or 1) * hours_per_day()), 4)
    reception, clerk = 1, 1
    leader = min(4, max(1, total // 8))
    specialist = total - reception - leader - clerk
    return [
        {
            "position": 1,
            "name": "Tiếp nhận, kiểm tra hồ sơ",
            "role": StaffRoleName.RECEPTION.value,
            "unit_code": UNIT_BY_ROLE[StaffRoleName.RECEPTION],
            "duration_hours": reception,
        },
        {
            "position": 2,
            "name": "Thẩm định, đề xuất kết quả",
            "role": StaffRoleName.SPECIALIST.value,
            "unit_code": UNIT_BY_ROLE[StaffRoleName.SPECIALIST],
            "duration_hours": specialist,
        },
        {
            "position": 3,
            "name": "Phê duyệt, ký kết quả",
            "role": StaffRoleName.LEADER.value,
            "unit_code": UNIT_BY_ROLE[StaffRoleName.LEADER],
            "duration_hours": leader,
        },
        {
            "position": 4,
            "name": "Đóng dấu, trả kết quả",
            "role": StaffRoleName.CLERK.value,
            "unit_code": UNIT_BY_ROLE[StaffRoleName.CLERK],
            "duration_hours": clerk,
        },
    ]


def validate_steps(*, processing_days: float, durations: list[int]) -> None:
    """Raise ValidationError unless the step durations add up to the processing time."""
    if not durations:
        return
    # Quyết định 1085/QĐ-TTg (2022) on internal processes: the steps share exactly the time
    # the procedure promises, counted in working hours (8 per working day).
    expected = round(float(processing_days) * hours_per_day())
    total = sum(durations)
    if total != expected:
        raise ValidationError(
            _(
                "Tổng thời gian các bước (%(total)s giờ) phải bằng thời hạn giải quyết "
                "%(days)s ngày làm việc = %(expected)s giờ làm việc."
            )
            % {"total": total, "days": processing_days, "expected": expected}
        )
