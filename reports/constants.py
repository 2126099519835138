"""Choices of the quality loop: rating levels and feedback (PAKN) statuses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class RatingScore(models.IntegerChoices):
    """The five-level scale in common use beside TT 01/2018 Điều 13's criteria."""

    VERY_SATISFIED = 5, _("Rất hài lòng")
    SATISFIED = 4, _("Hài lòng")
    ACCEPTABLE = 3, _("Chấp nhận được")
    DISSATISFIED = 2, _("Không hài lòng")
    VERY_DISSATISFIED = 1, _("Rất không hài lòng")


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    ACCEPTED = "accepted", _("Đang xử lý")
    INFO_REQUESTED = "info_requested", _("Yêu cầu bổ sung thông tin")
    REFUSED = "refused", _("Từ chối xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    PUBLISHED = "published", _("Đã công khai")


# The per-dossier criteria of TT 01/2018/TT-VPCP Điều 13, each scored 2, 1 or 0 points. The
# codes are published by `GET indicators/` as `rating_criteria` and are the keys of
# Rating.criteria.
RATING_CRITERIA: dict[str, StrOrPromise] = {
    "processing_time": _("Thời gian giải quyết so với quy định"),
    "contacts_needed": _("Số lần phải liên hệ để hoàn thiện hồ sơ"),
    "agencies_contacted": _("Số cơ quan, đơn vị phải liên hệ"),
    "staff_attitude": _("Thái độ, tinh thần của cán bộ"),
    "publicity": _("Việc công khai thủ tục, kết quả giải quyết"),
    "online_service": _("Việc cung cấp dịch vụ công trực tuyến"),
}
RATING_CRITERION_POINTS = (0, 1, 2)

# A rating at or below this level tells the agency's leaders (issue of service quality: a
# "dislike" counts against the satisfaction indicator of Quyết định 766/QĐ-TTg).
LOW_RATING_MAX = RatingScore.DISSATISFIED


class FeedbackAction(models.TextChoices):
    """What an official of the addressed agency may do with a feedback (docs/api.md §9)."""

    ACCEPT = "accept", _("Tiếp nhận xử lý")
    REFUSE = "refuse", _("Từ chối xử lý")
    REQUEST_INFO = "request_info", _("Yêu cầu bổ sung thông tin")
    ANSWER = "answer", _("Trả lời")
    PUBLISH = "publish", _("Công khai trả lời")


# Events of the log that no official action causes.
FEEDBACK_EVENT_SUBMIT = "submit"

# Working days allowed for each step (Nghị định 20/2008/NĐ-CP on PAKN, as the portal's
# quality rules set them — docs/domain.md "Quality indicators"): refusing ≤ 2, asking for more
# information ≤ 5 and answering ≤ 15, counted from receipt; publishing ≤ 2 from the answer.
# Kept as data: a newer text changes these numbers, not the code.
FEEDBACK_REFUSE_DAYS = 2
FEEDBACK_REQUEST_INFO_DAYS = 5
FEEDBACK_ANSWER_DAYS = 15
FEEDBACK_PUBLISH_DAYS = 2

# Statuses still waiting for the agency; refused and published are settled.
FEEDBACK_OPEN_STATUSES = (
    FeedbackStatus.RECEIVED,
    FeedbackStatus.ACCEPTED,
    FeedbackStatus.INFO_REQUESTED,
    FeedbackStatus.ANSWERED,
)
