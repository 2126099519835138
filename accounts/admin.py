from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Agency, StaffRole, Unit, User


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "kind", "id_number", "is_active", "is_staff"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["email", "full_name", "id_number", "phone"]
    inlines = [StaffRoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Thông tin cá nhân"),
            {"fields": ("full_name", "id_number", "date_of_birth", "phone", "address", "kind")},
        ),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2", "kind")}),
    )


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "tax_code", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name", "tax_code"]
    inlines = [UnitInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "level", "parent", "address", "phone", "is_active")}),
        (
            _("Biên lai thu phí, lệ phí"),
            {"fields": ("tax_code", "receipt_form_symbol", "receipt_series")},
        ),
    )


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "unit", "role"]
    list_filter = ["role", "agency"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "agency", "unit"]
