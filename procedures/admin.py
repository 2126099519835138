"""Catalogue admin: search, filters, inlines, checked e-form schema and process time, export."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from .forms_schema import validate_form_schema
from .models import (
    Component,
    FeeItem,
    Field,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
)
from .process import validate_steps
from .services import procedure_publish, procedures_export
from .text import fold


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class ProcedureAdminForm(forms.ModelForm):
    source = forms.URLField(label=_("nguồn"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "field",
            "levels",
            "online_mode",
            "is_published",
            "processing_days",
            "processing_calendar_days",
            "online_processing_days",
            "processing_note",
            "agency_type",
            "agencies",
            "result",
            "conditions",
            "legal_basis",
            "paperless_only",
            "form_schema",
            "popularity",
            "source",
            "demo_fields",
            "extra",
        ]

    def clean_form_schema(self):
        schema = self.cleaned_data.get("form_schema") or {}
        validate_form_schema(schema)
        return schema


class CaseInline(admin.TabularInline):
    model = ProcedureCase
    extra = 0
    fields = ["position", "name", "processing_days"]


class ComponentInline(admin.StackedInline):
    model = Component
    extra = 0
    fields = [
        ("case", "position"),
        "name",
        ("originals", "copies", "required", "kind"),
        ("template_file", "max_size_mb"),
        "note",
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only the procedure's own cases may be chosen.
        cases = ProcedureCase.objects.filter(procedure=obj) if obj else ProcedureCase.objects.none()
        formset.form.base_fields["case"].queryset = cases
        return formset


class FeeInline(admin.TabularInline):
    model = FeeItem
    extra = 0
    fields = [
        "position", "name", "amount", "online_amount", "online_from", "online_until", "case",
        "note",
    ]  # fmt: skip


class StepFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        durations = [
            form.cleaned_data["duration_hours"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("duration_hours") is not None
        ]
        try:
            validate_steps(processing_days=self.instance.processing_days or 0, durations=durations)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class StepInline(admin.TabularInline):
    model = ProcessStep
    formset = StepFormSet
    extra = 0
    fields = ["position", "name", "role", "unit_code", "duration_hours"]


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    fields = ["number", "published_at"]
    readonly_fields = ["number", "published_at"]
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureAdminForm
    list_display = ["code", "name", "field", "online_mode", "processing_days", "version"]
    list_filter = ["online_mode", "is_published", "paperless_only", "field", "agencies"]
    list_select_related = ["field"]
    search_fields = ["code", "name"]
    filter_horizontal = ["agencies"]
    readonly_fields = ["version", "search_text", "created_at", "updated_at"]
    inlines = [CaseInline, ComponentInline, FeeInline, StepInline, VersionInline]
    actions = ["export_json"]
    fieldsets = [
        (None, {"fields": ["code", "name", "field", "levels", "online_mode", "is_published"]}),
        (
            _("Thời hạn, cơ quan, kết quả"),
            {
                "fields": [
                    "processing_days",
                    "processing_calendar_days",
                    "online_processing_days",
                    "processing_note",
                    "agency_type",
                    "agencies",
                    "result",
                    "conditions",
                    "legal_basis",
                    "paperless_only",
                    "fee_payment_stage",
                ]
            },
        ),
        (_("Biểu mẫu điện tử"), {"fields": ["form_schema"]}),
        (
            _("Khác"),
            {
                "classes": ["collapse"],
                "fields": [
                    "popularity",
                    "source",
                    "demo_fields",
                    "extra",
                    "version",
                    "search_text",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]

    def get_search_results(self, request, queryset, search_term):
        base = queryset
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = fold(search_term)
        if folded:
            # Also match the folded text, so that "dang ky khai sinh" finds "Đăng ký khai sinh".
            queryset = queryset | base.filter(search_text__contains=folded)
        return queryset, may_have_duplicates

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Every saved edit becomes a new version; dossiers keep the version they were filed under.
        procedure_publish(procedure=form.instance, actor=request.user)

    @admin.action(description=_("Xuất JSON"))
    def export_json(self, request, queryset):
        data = procedures_export(procedures=queryset.order_by("code"))
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="thu-tuc.json"'
        return response
