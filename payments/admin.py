"""Admin of payments: read-only lists with filters, CSV export, reconciliation reports."""

from __future__ import annotations

import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dvctt import exports, workdays

from .models import Payment, Receipt, ReconciliationReport, Refund

CSV_COLUMNS = [
    ("txn_ref", _("Mã giao dịch")),
    ("dossier__code", _("Mã hồ sơ")),
    ("amount", _("Số tiền (đồng)")),
    ("status", _("Trạng thái")),
    ("gateway", _("Cổng")),
    ("gateway_txn_no", _("Mã giao dịch tại cổng")),
    ("bank_code", _("Ngân hàng")),
    ("created_at", _("Tạo lúc")),
    ("paid_at", _("Thanh toán lúc")),
    ("refunded_amount", _("Đã hoàn (đồng)")),
    ("confirmed_via", _("Xác nhận qua")),
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
    return timezone.localtime(value, workdays.VN_TZ).strftime("%Y-%m-%d %H:%M:%S") if value else ""


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
    actions = ["export_csv"]

    @admin.action(description=_("Xuất CSV các giao dịch đã chọn"))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="giao-dich-thanh-toan.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 with a BOM
        writer = csv.writer(response)
        writer.writerow(exports.csv_row(str(label) for _key, label in CSV_COLUMNS))
        for row in queryset.order_by("created_at").values_list(*[k for k, _l in CSV_COLUMNS]):
            # A gateway's or bank's text is outside data: never a live formula (OWASP).
            writer.writerow(
                exports.csv_row(
                    _local(v) if hasattr(v, "tzinfo") and hasattr(v, "hour") else v for v in row
                )
            )
        return response


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
