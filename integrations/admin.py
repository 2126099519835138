"""Admin: the hub outbox with its dead-letter list and retry button, and the stand-in's record."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .constants import OutboxStatus
from .models import HubOutboxEvent, HubReceivedEvent, PostalItem
from .outbox import hub_event_retry


@admin.register(HubOutboxEvent)
class HubOutboxEventAdmin(admin.ModelAdmin):
    list_display = [
        "dossier_code",
        "sequence",
        "event_status",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "last_status_code"]
    search_fields = ["dossier_code", "event_id", "stream"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in HubOutboxEvent._meta.fields]
    actions = ["retry_events"]
    list_per_page = 50

    @admin.display(description=_("trạng thái hồ sơ"))
    def event_status(self, obj: HubOutboxEvent) -> str:
        return str(obj.payload.get("status") or "")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: HubOutboxEvent | None = None
    ) -> bool:
        return False

    @admin.action(description=_("Gửi lại các sự kiện lỗi đã chọn"))
    def retry_events(self, request: HttpRequest, queryset: QuerySet[HubOutboxEvent]) -> None:
        count = hub_event_retry(
            event_ids=list(queryset.filter(status=OutboxStatus.DEAD).values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext(
                "Đã đưa %(n)d sự kiện trở lại hàng đợi.",
                "Đã đưa %(n)d sự kiện trở lại hàng đợi.",
                count,
            )
            % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(HubReceivedEvent)
class HubReceivedEventAdmin(admin.ModelAdmin):
    list_display = ["dossier_code", "sequence", "status", "national_status", "received_at"]
    list_filter = ["status", "national_status"]
    search_fields = ["dossier_code", "event_id"]
    readonly_fields = [f.name for f in HubReceivedEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PostalItem)
class PostalItemAdmin(admin.ModelAdmin):
    """Results sent by post: read-only (the handover task and the callback write them)."""

    list_display = ["dossier_code", "item_number", "status", "attempts", "created_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["dossier_code", "item_number", "reference"]
    readonly_fields = [f.name for f in PostalItem._meta.fields]
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
