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


class IdentitySource(models.TextChoices):
    """How an account's identity was verified (docs/design.md rule 12); a typed number is none."""

    REGISTRY = "registry", _("Khớp Cơ sở dữ liệu quốc gia về dân cư")
    DESK = "desk", _("Cán bộ một cửa đã kiểm tra thẻ căn cước")
    SSO = "sso", _("Đăng nhập qua Cổng dịch vụ công quốc gia (VNeID)")
