from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Agency, MfaEnrolmentToken, StaffRole, Unit, User
from .services import mfa_enrolment_send_link


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
    actions = ["send_mfa_enrolment_link"]
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

    @admin.action(description=_("Gửi liên kết đăng ký xác thực hai lớp (cán bộ)"))
    def send_mfa_enrolment_link(self, request, queryset):
        # The link goes to the official's own address: the administrator never sees it. For a
        # code handed over in person: `manage.py mfa_enrolment_code <email>`.
        sent = sum(mfa_enrolment_send_link(user=user) for user in queryset if user.is_official)
        self.message_user(
            request,
            ngettext("Đã gửi liên kết đến %(n)d cán bộ.", "Đã gửi liên kết đến %(n)d cán bộ.", sent)
            % {"n": sent},
            messages.SUCCESS,
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


@admin.register(MfaEnrolmentToken)
class MfaEnrolmentTokenAdmin(admin.ModelAdmin):
    """Who was given an enrolment link or code, by whom, and whether it was used (read only)."""

    list_display = ["user", "issued_by", "created_at", "expires_at", "used_at"]
    list_select_related = ["user", "issued_by"]
    search_fields = ["user__email"]
    fields = ["user", "issued_by", "created_at", "expires_at", "used_at"]

    def has_add_permission(self, request):
        return False  # issued by the services only: the admin action or mfa_enrolment_code

    def has_change_permission(self, request, obj=None):
        return False
