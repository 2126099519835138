"""Catalogue admin: search, filters, inlines, checked e-form schema and process time, export."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .constants import ProcedureLevel
from .eform import SchemaForm
from .forms_schema import parse_form_schema, validate_form_schema
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


class NoViewLinkMixin:
    """Drop the "View selected …" link of Django 5.2's related-field widget: its title has no
    Vietnamese translation yet, and the change link next to it does the same job."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield.widget, "can_view_related"):
            formfield.widget.can_view_related = False
        return formfield


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class LinesField(forms.CharField):
    """A list of texts edited as one line each (e.g. the legal basis)."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 100})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        return [line.strip() for line in str(value or "").splitlines() if line.strip()]


class LevelsField(forms.MultipleChoiceField):
    """The levels (cấp thực hiện) as checkboxes; a level outside today's list is kept."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value):
        return bool(str(value).strip())


class PlainJSONField(forms.JSONField):
    """A JSON field whose syntax errors say the line, the column and the cause in Vietnamese
    (Django's own "Enter a valid JSON." has no Vietnamese translation)."""

    def to_python(self, value):
        if isinstance(value, str) and not self.disabled:
            parse_form_schema(value)
        return super().to_python(value)


class SchemaEditorWidget(forms.Textarea):
    """The e-form's JSON Schema with a "check and preview" button (works without JavaScript)."""

    template_name = "procedures/widgets/schema_editor.html"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "rows": 24,
                "cols": 100,
                "spellcheck": "false",
                "data-schema-builder": "",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return super().format_value(value)


class ProcedureAdminForm(forms.ModelForm):
    source = forms.URLField(
        label=capfirst(_("nguồn")), required=False, max_length=500, assume_scheme="https"
    )
    levels = LevelsField(
        label=capfirst(_("cấp thực hiện")), required=False, choices=ProcedureLevel.choices
    )
    legal_basis = LinesField(
        label=capfirst(_("căn cứ pháp lý")),
        required=False,
        help_text=_("Mỗi văn bản một dòng, ví dụ: Nghị định 123/2015/NĐ-CP."),
    )

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

        widgets = {"form_schema": SchemaEditorWidget}
        field_classes = {
            "form_schema": PlainJSONField,
            "demo_fields": PlainJSONField,
            "extra": PlainJSONField,
        }
        help_texts = {
            "form_schema": _(
                "JSON Schema của tờ khai: mỗi trường có kiểu (string, integer, number, boolean, "
                "object, array) và nhãn tiếng Việt (title); ràng buộc giữa các trường đặt trong "
                '"x-rules". Bấm “Kiểm tra và xem trước” để xem tờ khai như công dân thấy.'
            ),
            "demo_fields": _("Các mục là dữ liệu minh hoạ (không lấy từ Cổng DVCQG)."),
            "extra": _("Dữ liệu gốc khác của nguồn, giữ nguyên khi xuất."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels = list(self.initial.get("levels") or [])
        known = {value for value, _label in ProcedureLevel.choices}
        self.fields["levels"].choices = [
            *ProcedureLevel.choices,
            *[(level, level) for level in levels if level not in known],
        ]

    def clean_form_schema(self):
        schema = self.cleaned_data.get("form_schema") or {}
        validate_form_schema(schema)
        return schema


class CaseInline(NoViewLinkMixin, admin.TabularInline):
    model = ProcedureCase
    extra = 0
    fields = ["position", "name", "processing_days"]


class ComponentInline(NoViewLinkMixin, admin.StackedInline):
    model = Component
    extra = 0
    fields = [
        ("case", "position"),
        "name",
        ("originals", "copies", "required", "kind"),
        ("template_file", "max_size_mb"),
        "note",
        "only_if",
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only the procedure's own cases may be chosen.
        cases = ProcedureCase.objects.filter(procedure=obj) if obj else ProcedureCase.objects.none()
        formset.form.base_fields["case"].queryset = cases
        return formset


class FeeInline(NoViewLinkMixin, admin.TabularInline):
    model = FeeItem
    extra = 0
    fields = [
        "position", "name", "amount", "online_amount", "online_from", "online_until", "case",
        "note",
    ]  # fmt: skip

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only the procedure's own cases (not the cases of every procedure in the catalogue).
        cases = ProcedureCase.objects.filter(procedure=obj) if obj else ProcedureCase.objects.none()
        formset.form.base_fields["case"].queryset = cases
        return formset


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


class StepInline(NoViewLinkMixin, admin.TabularInline):
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
class ProcedureAdmin(NoViewLinkMixin, admin.ModelAdmin):
    form = ProcedureAdminForm
    list_display = [
        "code",
        "name",
        "field",
        "online_mode",
        "processing_days",
        "version",
        "citizen_link",
    ]
    list_filter = ["online_mode", "is_published", "paperless_only", "field", "agencies"]
    list_select_related = ["field"]
    search_fields = ["code", "name"]
    # A search box (select2, translated) instead of the two-list widget with English hints.
    autocomplete_fields = ["agencies"]
    readonly_fields = ["citizen_link", "version", "search_text", "created_at", "updated_at"]
    inlines = [CaseInline, ComponentInline, FeeInline, StepInline, VersionInline]
    actions = ["export_json"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "citizen_link",
                    "code",
                    "name",
                    "field",
                    "levels",
                    "online_mode",
                    "is_published",
                ]
            },
        ),
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

    class Media:
        css = {"all": ["css/admin-procedures.css"]}
        # The e-form builder: a progressive enhancement over the JSON textarea.
        js = ["js/schema-builder.js"]

    @admin.display(description=capfirst(_("xem như công dân")))
    def citizen_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("procedures:detail", args=[obj.code]),
            _("Xem như công dân"),
        )

    def get_urls(self):
        preview = self.admin_site.admin_view(require_POST(self.schema_preview))
        return [
            path("xem-truoc-to-khai/", preview, name="procedures_procedure_schema_preview"),
            *super().get_urls(),
        ]

    def schema_preview(self, request):
        """Check the posted e-form schema and show the form as a citizen will see it."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        text = request.POST.get("form_schema", "")
        problems, form = [], None
        try:
            schema = parse_form_schema(text)
            validate_form_schema(schema)
        except ValidationError as exc:
            problems = exc.messages
        else:
            form = SchemaForm(schema, {})
        return render(
            request,
            "admin/procedures/schema_preview.html",
            {
                "problems": problems,
                "form": form,
                "required_names": form.required_names() if form else set(),
                "name": request.POST.get("name", ""),
            },
            status=400 if problems else 200,
        )

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
