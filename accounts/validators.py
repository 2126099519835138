"""Validators for identity data."""

from __future__ import annotations

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Matched whole (fullmatch): "$" would let a trailing newline through and "\d" any script's
# digits, and such a value would then be stored and compared as given.
ID_NUMBER_RE = re.compile(r"[0-9]{12}")
AGENCY_CODE_RE = re.compile(r"[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9A-Z]{2}")
PHONE_RE = re.compile(r"(0|\+84)[0-9]{9,10}")
# Mã số thuế: 10 digits, or 10 digits, a hyphen and 3 digits for a dependent unit
# (Thông tư 105/2020/TT-BTC Điều 5).
TAX_CODE_RE = re.compile(r"[0-9]{10}(-[0-9]{3})?")
# Ký hiệu biên lai: capital letters of the Vietnamese alphabet (the year and "E" follow).
RECEIPT_SERIES_RE = re.compile(r"[A-Z]{1,2}")


def validate_id_number(value: str) -> None:
    """Check a 12-digit personal identification number's structure.

    Nghị định 137/2015/NĐ-CP Điều 7 (as amended): province code 001–096, a century+gender
    digit (0–1: 1900s, 2–3: 2000s; even male, odd female), two digits of the birth year and
    six random digits. There is no checksum.
    """
    if not ID_NUMBER_RE.fullmatch(value or ""):
        raise ValidationError(_("Số định danh cá nhân phải gồm đúng 12 chữ số."), code="format")
    if not 1 <= int(value[:3]) <= 96:
        raise ValidationError(
            _("Ba chữ số đầu (mã tỉnh nơi đăng ký khai sinh) phải từ 001 đến 096."),
            code="province",
        )
    if value[3] not in "0123":
        raise ValidationError(
            _("Chữ số thứ tư (thế kỷ và giới tính) phải là 0, 1, 2 hoặc 3."), code="century"
        )


def validate_agency_code(value: str) -> None:
    """Check an electronic agency identifier such as 000.00.01.H22 (V1V2V3.Z1Z2.Y1Y2.MX1X2)."""
    if not AGENCY_CODE_RE.fullmatch(value or ""):
        raise ValidationError(
            _("Mã định danh điện tử của cơ quan phải có dạng 000.00.01.H22."), code="format"
        )


def validate_phone(value: str) -> None:
    """Check a Vietnamese phone number (0… or +84…)."""
    if not PHONE_RE.fullmatch((value or "").replace(" ", "")):
        raise ValidationError(_("Số điện thoại không hợp lệ."), code="format")


def validate_tax_code(value: str) -> None:
    """Check a tax code (mã số thuế): 10 digits, or 10 digits-3 digits."""
    if value and not TAX_CODE_RE.fullmatch(value):
        raise ValidationError(
            _("Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số."),
            code="format",
        )


def validate_receipt_series(value: str) -> None:
    """Check the letters of a receipt series (ký hiệu biên lai), e.g. AA."""
    if not RECEIPT_SERIES_RE.fullmatch(value or ""):
        raise ValidationError(
            _("Ký hiệu biên lai gồm một hoặc hai chữ cái in hoa, ví dụ AA."), code="format"
        )


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length rule, said in Vietnamese (Django's Vietnamese catalogue lacks
    the plural form of its message, so sign-up showed "This password is too short…")."""

    def get_error_message(self) -> str:
        return _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.") % {
            "min_length": self.min_length
        }

    def get_help_text(self) -> str:
        return _("Mật khẩu cần có ít nhất %(min_length)d ký tự.") % {"min_length": self.min_length}
