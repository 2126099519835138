"""What each status means to the citizen, what happens next, and the one button to press.

Kept as data next to the statuses so that the dossier page, the list and tests read the same
words; the button follows the workflow (available actions) and the payment flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .constants import TERMINAL_STATUSES, DossierAction, DossierStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

S = DossierStatus

# status → (what it means, what happens next or what to do, short "to do" for the list)
TEXTS: dict[str, tuple] = {
    S.DRAFT: (
        _("Hồ sơ chưa được gửi; cơ quan chưa nhận được hồ sơ này."),
        _("Hoàn thành các bước còn lại rồi bấm “Nộp hồ sơ”. Không cần nữa thì bạn có thể xoá."),
        _("Cần hoàn thành và nộp"),
    ),
    S.SUBMITTED: (
        _("Hồ sơ đã gửi đến Bộ phận Một cửa và đang chờ cán bộ kiểm tra."),
        _(
            "Cán bộ kiểm tra tính đầy đủ rồi tiếp nhận hoặc hướng dẫn bổ sung; bạn sẽ nhận "
            "thông báo. Bạn chưa cần làm gì thêm."
        ),
        _("Chờ tiếp nhận"),
    ),
    S.RECEIVED: (
        _("Hồ sơ đã được tiếp nhận; ngày hẹn trả kết quả tính từ lúc tiếp nhận."),
        _("Hồ sơ được chuyển đến bộ phận chuyên môn giải quyết. Bạn chưa cần làm gì thêm."),
        _("Chờ giải quyết"),
    ),
    S.IN_PROGRESS: (
        _("Hồ sơ đang được bộ phận chuyên môn thẩm định, giải quyết."),
        _("Bạn sẽ nhận thông báo khi có kết quả hoặc nếu cần bổ sung. Bạn chưa cần làm gì thêm."),
        _("Chờ giải quyết"),
    ),
    S.SUPPLEMENT_REQUESTED: (
        _(
            "Cơ quan cần bạn bổ sung, hoàn thiện hồ sơ. Thời gian chờ bổ sung không tính vào "
            "thời hạn giải quyết."
        ),
        _("Xem yêu cầu, tải lên giấy tờ được nêu rồi bấm “Gửi hồ sơ bổ sung”."),
        _("Cần bổ sung hồ sơ"),
    ),
    S.AWAITING_PAYMENT: (
        _("Hồ sơ đang chờ bạn nộp phí, lệ phí."),
        _("Nộp phí trực tuyến; hồ sơ được giải quyết tiếp ngay khi cơ quan nhận được khoản nộp."),
        _("Cần nộp phí, lệ phí"),
    ),
    S.APPROVED: (
        _("Hồ sơ đã được lãnh đạo phê duyệt."),
        _("Cơ quan đang ban hành kết quả; bạn sẽ nhận thông báo khi có kết quả."),
        _("Chờ kết quả"),
    ),
    S.RESULT_ISSUED: (
        _("Đã có kết quả giải quyết hồ sơ."),
        _("Tải kết quả điện tử, hoặc nhận bản giấy tại Bộ phận Một cửa theo ngày hẹn."),
        _("Nhận kết quả"),
    ),
    S.RETURNED: (
        _("Bạn đã nhận kết quả; hồ sơ đã hoàn thành."),
        _("Bạn có thể tải lại kết quả điện tử bất cứ lúc nào."),
        _("Đã hoàn thành"),
    ),
    S.REJECTED: (
        _("Cơ quan không tiếp nhận hồ sơ; lý do ghi trong quá trình xử lý."),
        _("Bạn có thể nộp hồ sơ mới sau khi khắc phục lý do đã nêu."),
        _("Không được tiếp nhận"),
    ),
    S.STOPPED: (
        _("Cơ quan đã dừng xử lý hồ sơ; lý do ghi trong quá trình xử lý."),
        _("Liên hệ Bộ phận Một cửa nếu cần hướng dẫn; bạn có thể nộp hồ sơ mới."),
        _("Đã dừng xử lý"),
    ),
    S.WITHDRAWN: (
        _("Bạn đã rút hồ sơ; cơ quan không xử lý tiếp."),
        _("Bạn có thể nộp hồ sơ mới bất cứ lúc nào."),
        _("Đã rút"),
    ),
}


@dataclass(frozen=True)
class Button:
    label: StrOrPromise
    url: str
    method: str = "get"  # "post" renders a small form (payment start writes a Payment)


@dataclass(frozen=True)
class StatusGuide:
    meaning: str
    next_step: str
    todo: str
    button: Button | None
    needs_action: bool


def _button(dossier, actions) -> Button | None:
    if dossier.status == S.DRAFT:
        step = dossier.draft_step if dossier.draft_step and dossier.draft_step > 1 else 2
        return Button(_("Tiếp tục hồ sơ nháp"), reverse("dossiers:step", args=[dossier.pk, step]))
    if DossierAction.SUPPLEMENT in actions:
        return Button(_("Bổ sung hồ sơ"), reverse("dossiers:my_supplement", args=[dossier.pk]))
    if dossier.status == S.AWAITING_PAYMENT or (
        dossier.payment_due and dossier.status not in TERMINAL_STATUSES
    ):
        # The payments app (payments:start) takes a POST and redirects to the gateway.
        return Button(_("Nộp phí, lệ phí"), f"/thanh-toan/ho-so/{dossier.pk}/", "post")
    if dossier.status in (S.RESULT_ISSUED, S.RETURNED):
        return Button(_("Tải kết quả"), f"/ho-so-cua-toi/{dossier.pk}/giay-to/result/")
    return None


def citizen_guide(dossier, actions) -> StatusGuide:
    """Return the words and the one button for the citizen in the dossier's status."""
    meaning, next_step, todo = TEXTS[dossier.status]
    button = _button(dossier, actions)
    if button and button.method == "post" and dossier.status != S.AWAITING_PAYMENT:
        # NĐ 61/2018 Điều 22: fees may be paid online at any point before the result.
        next_step = _("Hồ sơ có phí, lệ phí chưa nộp; bạn có thể nộp trực tuyến ngay.")
    return StatusGuide(
        meaning=str(meaning),
        next_step=str(next_step),
        todo=str(button.label if button else todo),
        button=button,
        needs_action=button is not None and dossier.status != S.RETURNED,
    )
