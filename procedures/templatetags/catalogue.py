"""Display helpers of the catalogue pages."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt import workdays
from dvctt.formats import format_dong
from procedures.fees import online_rate_applies

register = template.Library()

# Names of the facts a demo block may complete, as a catalogue clerk reads them.
DEMO_FIELD_LABELS = {
    "field": _("lĩnh vực"),
    "levels": _("cấp thực hiện"),
    "online_mode": _("mức độ trực tuyến"),
    "processing_days": _("thời hạn giải quyết"),
    "fees": _("phí, lệ phí"),
    "form_schema": _("tờ khai điện tử"),
    "steps": _("quy trình nội bộ"),
    "agencies": _("cơ quan thực hiện"),
    "popularity": _("mức độ phổ biến"),
    "once_only": _("giấy tờ không cần nộp"),
}


@register.filter
def dong(amount: int | None) -> str:
    """Render an amount of đồng as "15.000 đ" (Vietnamese digit grouping, no line break)."""
    return format_dong(amount)


@register.filter
def demo_field_labels(fields) -> str:
    """Return the demo-completed facts in Vietnamese words (never the data keys)."""
    return ", ".join(str(DEMO_FIELD_LABELS.get(name, name)) for name in fields or [])


@register.filter
def fee_kind(fees) -> str:
    """Return "free", "paid" or "local" for a procedure's fee items."""
    amounts = [a for fee in fees for a in (fee.amount, fee.online_amount) if a is not None]
    if any(amounts):
        return "paid"
    if amounts:
        return "free"
    return "local"


@register.filter
def online_amount_today(fee) -> int | None:
    """Return what the fee costs filed online today: the online rate within its dates, else
    the full amount (a lapsed reduction no longer applies)."""
    data = (
        fee
        if isinstance(fee, dict)
        else {
            "online_amount": fee.online_amount,
            "online_from": fee.online_from,
            "online_until": fee.online_until,
        }
    )
    today = timezone.localtime(timezone.now(), workdays.VN_TZ).date()
    if online_rate_applies(data, today):
        return data["online_amount"]
    return fee["amount"] if isinstance(fee, dict) else fee.amount
