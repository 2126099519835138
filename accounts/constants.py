"""Fixed sets of the accounts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    OFFICIAL = "official", _("Cán bộ, công chức")


class AgencyLevel(models.TextChoices):
    # Since 1/7/2025 local government has two tiers; "district" stays for older records.
    MINISTRY = "ministry", _("Cấp bộ")
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class StaffRoleName(models.TextChoices):
    RECEPTION = "reception", _("Tiếp nhận (một cửa)")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    CLERK = "clerk", _("Văn thư")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
