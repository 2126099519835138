"""Admin: notifications with filters and a retry button; preferences; the SMS stand-in's log."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .constants import NotificationStatus
from .models import ChannelPreference, Notification, SmsMessage
from .services import notification_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "address",
        "channel",
        "template",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["channel", "status", "template"]
    search_fields = ["subject", "address", "key"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry_failed"]
    list_per_page = 50

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Gửi lại các thông báo lỗi đã chọn"))
    def retry_failed(self, request, queryset) -> None:
        ids = list(queryset.filter(status=NotificationStatus.FAILED).values_list("pk", flat=True))
        count = notification_retry(notification_ids=ids)
        self.message_user(
            request,
            _("Đã đưa %(n)d thông báo trở lại hàng đợi.") % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "channel", "enabled", "updated_at"]
    list_filter = ["channel", "enabled"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ["to", "text", "sent_at"]
    search_fields = ["to", "text"]
    readonly_fields = ["to", "text", "sent_at"]

    def has_add_permission(self, request) -> bool:
        return False
