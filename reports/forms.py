"""Forms of the quality pages: a dossier's rating, feedback (PAKN) and the officials' actions."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency

from .constants import RATING_CRITERIA, RatingScore
from .services import COMMENT_MAX_LENGTH, TEXT_MAX_LENGTH

CRITERION_CHOICES = [
    ("", _("Không đánh giá")),
    ("2", _("Tốt (2 điểm)")),
    ("1", _("Bình thường (1 điểm)")),
    ("0", _("Chưa tốt (0 điểm)")),
]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng chung"),
        choices=RatingScore.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn mức độ hài lòng.")},
    )
    comment = forms.CharField(
        label=_("Ý kiến khác (nếu có)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # TT 01/2018/TT-VPCP Điều 13: each criterion 2, 1 or 0 points; all are optional.
        for code, label in RATING_CRITERIA.items():
            self.fields[f"criterion_{code}"] = forms.ChoiceField(
                label=label, choices=CRITERION_CHOICES, required=False
            )

    def criterion_fields(self) -> list[forms.BoundField]:
        return [self[f"criterion_{code}"] for code in RATING_CRITERIA]

    def criteria(self) -> dict[str, int]:
        return {
            code: int(value)
            for code in RATING_CRITERIA
            if (value := self.cleaned_data.get(f"criterion_{code}")) not in (None, "")
        }


FORM_TOKEN_SALT = "reports.feedback-form"


def feedback_form_token() -> str:
    """Return a signed stamp of when the form was shown (the spam guard reads it back)."""
    return signing.dumps({"t": time.time()}, salt=FORM_TOKEN_SALT)


class FeedbackForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    content = forms.CharField(
        label=_("Nội dung phản ánh, kiến nghị"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    name = forms.CharField(label=_("Họ và tên"), max_length=200)
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        help_text=_("Để nhận thông báo khi có trả lời (không bắt buộc)."),
    )
    phone = forms.RegexField(
        label=_("Số điện thoại"),
        regex=r"^\+?[0-9 .]{8,15}$",
        max_length=15,
        required=False,
        error_messages={"invalid": _("Số điện thoại chỉ gồm 8–15 chữ số.")},
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan tiếp nhận"),
        queryset=Agency.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("— Để cổng chuyển đến cơ quan phù hợp —"),
        help_text=_("Nếu phản ánh về một thủ tục hoặc hồ sơ, cơ quan giải quyết sẽ tiếp nhận."),
    )
    procedure = forms.CharField(
        label=_("Mã thủ tục (nếu có)"),
        max_length=30,
        required=False,
        help_text=_("Ví dụ 1.001193, ghi trên trang thủ tục."),
    )
    dossier_code = forms.CharField(
        label=_("Mã hồ sơ (nếu có)"),
        max_length=40,
        required=False,
    )
    # Spam guard without an outside CAPTCHA: a field people never see (bots fill it) and a
    # signed stamp of when the form was shown (bots post at once, or replay an old form).
    website = forms.CharField(label=_("Để trống ô này"), required=False, max_length=200)
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial["form_token"] = feedback_form_token()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(
                _("Không gửi được phản ánh. Vui lòng tải lại trang và thử lại."), code="spam"
            )
        try:
            stamp = signing.loads(
                data.get("form_token") or "",
                salt=FORM_TOKEN_SALT,
                max_age=settings.FEEDBACK_FORM_MAX_AGE_SECONDS,
            )
            shown_at = float(stamp["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise forms.ValidationError(
                _("Biểu mẫu đã hết hạn. Vui lòng kiểm tra lại nội dung và gửi lại."),
                code="expired",
            ) from exc
        elapsed = time.time() - shown_at
        if elapsed > settings.FEEDBACK_FORM_MAX_AGE_SECONDS:
            raise forms.ValidationError(
                _("Biểu mẫu đã hết hạn. Vui lòng kiểm tra lại nội dung và gửi lại."),
                code="expired",
            )
        if elapsed < settings.FEEDBACK_FORM_MIN_SECONDS:
            raise forms.ValidationError(
                _("Biểu mẫu được gửi quá nhanh. Vui lòng kiểm tra lại nội dung và gửi lại."),
                code="too_fast",
            )
        return data


class FeedbackFollowForm(forms.Form):
    code = forms.CharField(
        label=_("Mã phản ánh, kiến nghị"),
        max_length=30,
        help_text=_("Mã được cấp khi gửi, ví dụ PAKN-261206-7KQ3MZ."),
    )


class FeedbackSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm trong các trả lời đã công khai"), max_length=100, required=False
    )


class RatingFilterForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Mức hài lòng"),
        choices=[("", _("Tất cả")), *RatingScore.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )


class FeedbackActionForm(forms.Form):
    """The text an action needs: a reason (refuse, request_info) or the answer (answer)."""

    reason = forms.CharField(
        label=_("Lý do"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer = forms.CharField(
        label=_("Nội dung trả lời"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
