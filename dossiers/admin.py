"""Admin views of dossiers: read-only, since every change must go through the services."""

from __future__ import annotations

from django.contrib import admin

from .models import Attachment, Dossier, DossierDocument, DossierEvent


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


EVENT_FIELDS = ("at", "action", "from_status", "to_status", "actor_name", "note")
ATTACHMENT_FIELDS = ("component_name", "original_name", "size", "content_type", "is_current")


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ATTACHMENT_FIELDS
    readonly_fields = ATTACHMENT_FIELDS


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["code", "procedure", "agency", "status", "channel", "submitted_at", "due_at"]
    list_filter = ["status", "channel", "agency"]
    search_fields = ["code", "applicant_name", "applicant_id_number", "procedure__code"]
    list_select_related = ["procedure", "agency"]
    inlines = [AttachmentInline, EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Dossier._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DossierDocument)
class DossierDocumentAdmin(admin.ModelAdmin):
    """Papers are evidence: listed and looked up here, never edited."""

    list_display = (
        "dossier",
        "kind",
        "issued_at",
        "sha256",
        "is_uploaded",
        "signed_at",
        "created_at",
    )
    list_filter = ("kind", "is_uploaded")
    search_fields = ("dossier__code", "sha256", "token")
    readonly_fields = [f.name for f in DossierDocument._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
