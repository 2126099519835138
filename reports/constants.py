"""Choices of the quality loop: rating levels and feedback (PAKN) statuses."""

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
RATING_CRITERIA: "dict[str, StrOrPromise]" = {
    "processing_time": _("Thời gian giải quyết so với quy định"),
    "contacts_needed": _("Số lần phải liên hệ để hoàn thiện hồ sơ"),
    "agencies_contacted": _("Số cơ quan, đơn vị phải liên hệ"),
    "staff_attitude": _("Thái độ, tinh thần của cán bộ"),
    "publicity": _("Việc công khai thủ tục, kết quả giải quyết"),
    "online_service": _("Việc cung cấp dịch vụ công trực tuyến"),
}
RATING_CRITERION_POINTS = (0, 1, 2)
