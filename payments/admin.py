"""Admin of payments: read-only lists with filters, CSV and XLSX export, reconciliation reports."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dvctt import exports, workdays

from .models import Payment, Receipt, ReconciliationReport, Refund

# The payments export: (field, column) in order; widths fit a date-time "dd/mm/yyyy hh:mm".
EXPORT_COLUMNS = [
    ("txn_ref", exports.Column(_("Mã giao dịch"), 24)),
    ("dossier__code", exports.Column(_("Mã hồ sơ"), 22)),
    ("amount", exports.Column(_("Số tiền (đồng)"), 14)),
    ("status", exports.Column(_("Trạng thái"), 12)),
    ("gateway", exports.Column(_("Cổng"), 10)),
    ("gateway_txn_no", exports.Column(_("Mã giao dịch tại cổng"), 22)),
    ("bank_code", exports.Column(_("Ngân hàng"), 12)),
    ("created_at", exports.Column(_("Tạo lúc"), 18)),
    ("paid_at", exports.Column(_("Thanh toán lúc"), 18)),
    ("refunded_amount", exports.Column(_("Đã hoàn (đồng)"), 14)),
    ("confirmed_via", exports.Column(_("Xác nhận qua"), 12)),
]


class ReadOnlyAdmin(admin.ModelAdmin):
    # Every change goes through the services (a callback, reconciliation, a refund).
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


REFUND_FIELDS = ("amount", "status", "reason", "created_by", "created_at", "done_at")


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = REFUND_FIELDS
    readonly_fields = REFUND_FIELDS

    def has_add_permission(self, request, obj=None):
        return False


def _local(value):
    # Times are shown in Vietnam's time (an XLSX cell has no zone).
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, workdays.VN_TZ)
    return value


def payments_report(queryset) -> exports.Report:
    """Return the selected payments as a report (CSV or XLSX, dvctt/exports.py)."""
    rows = queryset.order_by("created_at").values_list(*[field for field, _c in EXPORT_COLUMNS])
    return exports.Report(
        title=_("Giao dịch thanh toán"),
        filename="giao-dich-thanh-toan",
        columns=[column for _f, column in EXPORT_COLUMNS],
        # A gateway's or bank's text is outside data: never a live formula (OWASP).
        rows=([_local(value) for value in row] for row in rows),
        csv_datetime_format="%Y-%m-%d %H:%M:%S",
    )


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "txn_ref", "dossier", "amount", "status", "gateway", "method", "created_at", "paid_at",
        "confirmed_via", "receipt_no",
    ]  # fmt: skip
    list_filter = [
        "status", "gateway", "method", "confirmed_via", ("created_at", admin.DateFieldListFilter),
    ]  # fmt: skip
    search_fields = ["txn_ref", "gateway_txn_no", "dossier__code", "receipt_no", "reference"]
    date_hierarchy = "created_at"
    list_select_related = ["dossier"]
    inlines = [RefundInline]
    actions = ["export_csv", "export_xlsx"]

    @admin.action(description=_("Xuất CSV các giao dịch đã chọn"))
    def export_csv(self, request, queryset):
        return payments_report(queryset).csv_response()

    @admin.action(description=_("Xuất XLSX các giao dịch đã chọn"))
    def export_xlsx(self, request, queryset):
        return payments_report(queryset).xlsx_response()


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    # Issued by the services when a payment becomes paid; a receipt is never edited.
    list_display = ["__str__", "agency", "year", "number", "payer_name", "issued_at"]
    list_filter = ["year", "agency"]
    search_fields = ["payment__txn_ref", "payment__dossier__code", "payer_name"]
    list_select_related = ["agency"]
    date_hierarchy = "issued_at"


@admin.register(ReconciliationReport)
class ReconciliationReportAdmin(ReadOnlyAdmin):
    list_display = ["day", "checked", "mismatch_count", "created_at"]
    readonly_fields = ["day", "checked", "mismatches", "created_at"]

    @admin.display(description=_("Số chênh lệch"))
    def mismatch_count(self, obj) -> int:
        return len(obj.mismatches)
