from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "address", "channel", "status", "created_at", "sent_at"]
    list_filter = ["channel", "status"]
    search_fields = ["subject", "address", "key"]
    readonly_fields = [f.name for f in Notification._meta.fields]
