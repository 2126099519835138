"""The procedure catalogue: fields, procedures, their cases, documents, fees and steps."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.constants import StaffRoleName
from accounts.models import Agency

from .constants import FeePaymentStage, OnceOnly, OnlineMode, default_applicant_types
from .deadlines import DaysField
from .text import fold


class Field(models.Model):
    """A policy field (lĩnh vực) such as Hộ tịch or Cư trú."""

    code = models.SlugField(_("mã"), max_length=80, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SearchWord(models.Model):
    """A word of the folded catalogue texts; query words are matched to it for typos."""

    word = models.CharField(max_length=40, unique=True)

    class Meta:
        verbose_name = _("từ tìm kiếm")
        verbose_name_plural = _("từ tìm kiếm")

    def __str__(self) -> str:
        return self.word


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) of the national catalogue."""

    code = models.CharField(_("mã thủ tục"), max_length=30, unique=True)
    name = models.TextField(_("tên thủ tục"))
    # name folded to lower-case ASCII (đ→d, no diacritics) for indexed, accent-blind search.
    search_text = models.TextField(_("văn bản tìm kiếm"), blank=True, editable=False)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("lĩnh vực")
    )
    levels = models.JSONField(_("cấp thực hiện"), default=list, blank=True)
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="procedures", verbose_name=_("cơ quan thực hiện")
    )
    agency_type = models.TextField(_("cơ quan thực hiện (mô tả)"), blank=True)
    online_mode = models.CharField(
        _("mức độ trực tuyến"),
        max_length=10,
        choices=OnlineMode.choices,
        default=OnlineMode.PARTIAL,
    )
    # A fraction is part of a working day (0.5 = 4 working hours).
    processing_days = DaysField(_("thời hạn giải quyết (ngày làm việc)"), default=0)
    # Some procedures count calendar days ("ngày", not "ngày làm việc") in the catalogue.
    processing_calendar_days = models.BooleanField(_("tính theo ngày lịch"), default=False)
    # The online channel may have its own, shorter time (catalogue "Trực tuyến: N ngày").
    online_processing_days = DaysField(_("thời hạn giải quyết trực tuyến"), null=True, blank=True)
    processing_note = models.TextField(_("ghi chú thời hạn"), blank=True)
    result = models.TextField(_("kết quả"), blank=True)
    conditions = models.TextField(_("điều kiện thực hiện"), blank=True)
    legal_basis = models.JSONField(_("căn cứ pháp lý"), default=list, blank=True)
    form_schema = models.JSONField(_("biểu mẫu điện tử (JSON Schema)"), default=dict, blank=True)
    paperless_only = models.BooleanField(_("chỉ nhận hồ sơ điện tử"), default=False)
    # Đối tượng thực hiện: "citizen" and/or "organisation" (procedures.constants.ApplicantType).
    # The national catalogue's source data has no such field; the bundled file sets it.
    applicant_types = models.JSONField(
        _("đối tượng thực hiện"), default=default_applicant_types, blank=True
    )
    # When the citizen pays the fee online: right after submitting, or when an official asks
    # (request_payment). NĐ 61/2018 Điều 22 leaves it to the procedure.
    fee_payment_stage = models.CharField(
        _("thời điểm nộp phí"),
        max_length=12,
        choices=FeePaymentStage.choices,
        default=FeePaymentStage.SUBMISSION,
    )
    is_published = models.BooleanField(_("đã công bố"), default=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    source = models.URLField(_("nguồn"), max_length=500, blank=True)
    # which facts were completed for the demo rather than taken from the source
    demo_fields = models.JSONField(_("trường dữ liệu mẫu"), default=list, blank=True)
    # how often citizens use the procedure; orders the home page and breaks search ties
    popularity = models.PositiveIntegerField(_("mức độ phổ biến"), default=0)
    extra = models.JSONField(_("dữ liệu gốc khác"), default=dict, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lần cuối"), auto_now=True)
    # not a column: the number of all matches, set on search results (selectors.py)
    total_count: int

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from .forms_schema import with_field_order

        self.form_schema = with_field_order(self.form_schema) if self.form_schema else {}
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        # The search text is a column derived from the row, kept here so no write can leave it
        # stale; the lexicon of words (typo tolerance) is the services' business.
        super().save(*args, **kwargs)

    def clean(self):
        from .forms_schema import validate_form_schema

        try:
            validate_form_schema(self.form_schema)
        except ValidationError as exc:
            raise ValidationError({"form_schema": exc.messages}) from exc

    def build_search_text(self) -> str:
        """Return the folded name, code and field that catalogue search matches against."""
        field_name = self.field.name if self.field_id else ""
        # A leading space makes " word" mark the start of every word, the first one too,
        # so that word-prefix search is one indexable LIKE '% word%'.
        return " " + fold(f"{self.name} {self.code} {field_name}")


class ProcedureCase(models.Model):
    """A case (trường hợp) of a procedure; it decides which documents are asked for."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="cases", verbose_name=_("thủ tục")
    )
    name = models.TextField(_("trường hợp"))
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    processing_days = DaysField(_("thời hạn riêng (ngày làm việc)"), null=True, blank=True)

    class Meta:
        verbose_name = _("trường hợp")
        verbose_name_plural = _("trường hợp")
        ordering = ["procedure", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Component(models.Model):
    """A document (thành phần hồ sơ) asked for in one case of a procedure."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="components", verbose_name=_("thủ tục")
    )
    case = models.ForeignKey(
        ProcedureCase,
        on_delete=models.CASCADE,
        related_name="components",
        verbose_name=_("trường hợp"),
    )
    name = models.TextField(_("tên giấy tờ"))
    originals = models.PositiveIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveIntegerField(_("số bản sao"), default=0)
    required = models.BooleanField(_("bắt buộc"), default=True)
    kind = models.CharField(
        _("hình thức"), max_length=30, blank=True, help_text=_("nộp / xuất trình")
    )
    note = models.TextField(_("ghi chú"), blank=True)
    template_file = models.CharField(
        _("tên tệp mẫu đơn, tờ khai"),
        max_length=300,
        blank=True,
        help_text=_("Tên tệp mẫu theo nguồn; chỉ hiển thị khi chưa tải tệp mẫu lên."),
    )
    template_upload = models.FileField(
        _("tệp mẫu đơn, tờ khai"),
        upload_to="mau-don/",
        blank=True,
        help_text=_("Tệp mẫu (PDF, DOC, DOCX) để công dân tải về."),
    )
    # Set from the catalogue data (import or admin), never guessed from the text at run time.
    once_only = models.CharField(
        _("không yêu cầu nộp"),
        max_length=20,
        choices=OnceOnly.choices,
        blank=True,
        help_text=_(
            "Chọn khi cơ quan tự khai thác thông tin từ cơ sở dữ liệu, hoặc khi giấy tờ là "
            "tờ khai giấy đã được thay bằng tờ khai điện tử: công dân không phải nộp."
        ),
    )
    max_size_mb = models.PositiveIntegerField(_("dung lượng tối đa (MB)"), default=10)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    # A document the catalogue limits to some applicants ("đối với người nước ngoài",
    # "trường hợp …"): not required, and the filing page says when to submit it.
    only_if = models.TextField(
        _("chỉ nộp nếu"),
        blank=True,
        help_text=_(
            "Điều kiện để phải nộp giấy tờ này, ví dụ “người nước ngoài”. Để trống khi mọi "
            "người thuộc trường hợp đều phải nộp."
        ),
    )

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "case__position", "position", "id"]

    def __str__(self) -> str:
        return self.name[:80]


class FeeItem(models.Model):
    """A fee or charge (phí, lệ phí), in đồng; the online channel may cost less."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="fees", verbose_name=_("thủ tục")
    )
    case = models.ForeignKey(
        ProcedureCase,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fees",
        verbose_name=_("trường hợp"),
        help_text=_("Để trống nếu áp dụng cho mọi trường hợp."),
    )
    name = models.CharField(_("tên phí, lệ phí"), max_length=300)
    amount = models.BigIntegerField(_("mức thu (đồng)"), null=True, blank=True)
    online_amount = models.BigIntegerField(_("mức thu trực tuyến (đồng)"), null=True, blank=True)
    # Online reductions are granted for a period (e.g. TT 63/2023/TT-BTC until 31/12/2025);
    # outside it the full amount applies. Empty = no limit on that side.
    online_from = models.DateField(_("mức trực tuyến áp dụng từ ngày"), null=True, blank=True)
    online_until = models.DateField(_("mức trực tuyến áp dụng đến hết ngày"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["procedure", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="procedures_fee_amount_non_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(online_amount__isnull=True) | models.Q(online_amount__gte=0),
                name="procedures_fee_online_amount_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    """One step of a procedure's internal process (quy trình nội bộ)."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="steps", verbose_name=_("thủ tục")
    )
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên bước"), max_length=200)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=StaffRoleName.choices)
    unit_code = models.SlugField(_("mã đơn vị thực hiện"), max_length=50, blank=True)
    duration_hours = models.PositiveIntegerField(_("thời gian (giờ làm việc)"))
    # Inter-agency (liên thông, NĐ 61/2018 Điều 19.5): the step is done by another agency;
    # empty = the agency where the dossier was filed.
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan thực hiện"),
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["procedure", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class ProcedureVersion(models.Model):
    """A frozen copy of a published procedure; dossiers keep the version they were filed under.

    `snapshot` has the shape of the API detail (docs/api.md §4 procedures/{code}/).
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name=_("thủ tục")
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    snapshot = models.JSONField(_("nội dung"))
    published_at = models.DateTimeField(_("ngày công bố"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedures_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"
