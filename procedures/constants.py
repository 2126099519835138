"""Fixed sets of the catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OnlineMode(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không trực tuyến")


class ProcedureLevel(models.TextChoices):
    # Levels are data (NĐ 118/2025 moved local government to two tiers); these are the
    # values the catalogue uses today.
    MINISTRY = "Cấp bộ", _("Cấp bộ")
    PROVINCE = "Cấp tỉnh", _("Cấp tỉnh")
    COMMUNE = "Cấp xã", _("Cấp xã")
    OTHER = "Cơ quan khác", _("Cơ quan khác")


class ApplicantType(models.TextChoices):
    """Who may file a procedure (đối tượng thực hiện): people, organisations, or both."""

    CITIZEN = "citizen", _("Công dân")
    ORGANISATION = "organisation", _("Tổ chức")


def default_applicant_types() -> list[str]:
    """Citizens only, unless the catalogue lists organisations."""
    return [ApplicantType.CITIZEN.value]


class OnceOnly(models.TextChoices):
    """Why a listed document is not asked of the citizen (NĐ 107/2021/NĐ-CP Điều 1 and
    NĐ 42/2022/NĐ-CP: the state does not ask again for information it holds or exploits)."""

    STATE_DATA = "state_data", _("Cơ quan tự khai thác — không cần nộp")
    E_FORM = "e_form", _("Đã thay bằng tờ khai điện tử — không cần nộp")


class FeePaymentStage(models.TextChoices):
    SUBMISSION = "submission", _("Khi nộp hồ sơ")
    REQUEST = "request", _("Khi cơ quan yêu cầu")
