"""Dossiers (hồ sơ), their attachments, their history and the per-agency code counter."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from accounts.models import Agency
from procedures.models import Component, Procedure, ProcedureVersion

from .constants import (
    ACTIVE_STATUSES,
    APPLICANT_FIELDS,
    AUTHORISATION_COMPONENT_ID,
    CLOCK_RUNNING_STATUSES,
    LEGAL_RELATIONS,
    RESULT_STATUSES,
    TERMINAL_STATUSES,
    ApplicantKind,
    Channel,
    DocumentKind,
    DossierStatus,
    HandoverOutcome,
    Proposal,
    RepresentativeRelation,
    ResultDelivery,
)
from .workflow import DossierWorkflow, deadlines

if TYPE_CHECKING:
    # django-fsm's mixin is a Model subclass the django-stubs plugin cannot resolve: with it
    # as a base, mypy would see the whole Dossier model as Any.
    class ConcurrentTransitionMixin:
        pass

else:
    from django_fsm import ConcurrentTransitionMixin


# The officials' queues list soonest due first; their indexes end with the same columns.
QUEUE_ORDER = ("due_at", "-submitted_at", "id")
# Liên thông (NĐ 61/2018 Điều 19.5): another agency holds the dossier for a step of its
# process. Written once: the "Liên thông đến" queue filters with it and its partial index is
# declared with it, so that PostgreSQL matches the two.
INTER_AGENCY_Q = models.Q(status__in=ACTIVE_STATUSES) & ~models.Q(
    handling_agency=models.F("agency")
)


class DossierQuerySet(models.QuerySet["Dossier"]):
    def overdue(self, now: dt.datetime | None = None) -> DossierQuerySet:
        """Return the dossiers whose agency clock has run out (the one overdue rule)."""
        return self.filter(self.overdue_q(now))

    def not_overdue(self, now: dt.datetime | None = None) -> DossierQuerySet:
        """Return the dossiers that are not overdue."""
        return self.exclude(self.overdue_q(now))

    @staticmethod
    def overdue_q(now: dt.datetime | None = None) -> models.Q:
        # Same rule as dossiers.deadlines.is_overdue (Dossier.is_overdue): due time passed
        # while the agency's clock runs — never while waiting for the citizen.
        return models.Q(status__in=CLOCK_RUNNING_STATUSES, due_at__lt=now or timezone.now())


# A dossier's primary key as URLs, forms and callers carry it.
DossierId = uuid.UUID | str


class Dossier(DossierWorkflow, ConcurrentTransitionMixin, models.Model):
    """One applicant's filing for one procedure at one agency."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Thông tư 01/2018/TT-VPCP Điều 19: {agency_code}-{YYMMDD}-{NNNN}, given at submission.
    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("thủ tục")
    )
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("phiên bản thủ tục"),
    )
    case_id = models.BigIntegerField(_("trường hợp"))
    case_name = models.TextField(_("tên trường hợp"), blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("cơ quan")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("người nộp"),
    )
    # Frozen at submission so Mẫu 01 shows what the applicant declared then.
    applicant_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    applicant_id_number = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    # For whom it is filed: the applicant above is the person (or organisation) the e-form is
    # about; someone filing on their behalf is the representative below (docs/domain.md).
    applicant_kind = models.CharField(
        _("nộp cho"), max_length=12, choices=ApplicantKind.choices, default=ApplicantKind.SELF
    )
    applicant_tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    organisation_legal_rep = models.CharField(
        _("người đại diện theo pháp luật"), max_length=200, blank=True
    )
    representative_name = models.CharField(
        _("họ và tên người nộp thay"), max_length=200, blank=True
    )
    representative_id_number = models.CharField(
        _("số định danh cá nhân của người nộp thay"), max_length=12, blank=True
    )
    representative_relation = models.CharField(
        _("quan hệ với người được nộp thay"),
        max_length=24,
        choices=RepresentativeRelation.choices,
        blank=True,
    )
    # NĐ 61/2018 Điều 20: the result at the desk or by the public postal service to an address.
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=8,
        choices=ResultDelivery.choices,
        default=ResultDelivery.DESK,
    )
    postal_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=300, blank=True)
    form_data = models.JSONField(_("tờ khai"), default=dict, blank=True)
    channel = models.CharField(
        _("kênh nộp"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    status = FSMField(
        _("trạng thái"),
        max_length=24,
        choices=DossierStatus.choices,
        default=DossierStatus.DRAFT,
        protected=True,
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lần cuối"), auto_now=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    # The date shown to the citizen (an apology, Mẫu 04, may move it once) ...
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    # ... and the one the on-time indicator measures against (Quyết định 766/QĐ-TTg).
    original_due_at = models.DateTimeField(_("hẹn trả ban đầu"), null=True, blank=True)
    # When the result was issued (or the dossier otherwise settled); never moved by the return.
    completed_at = models.DateTimeField(_("ngày kết thúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    # Time spent waiting for the citizen (supplement, payment) is not counted against the
    # agency; it is kept in working hours (dossiers.deadlines).
    paused_since = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True)
    paused_working_hours = models.DecimalField(
        _("thời gian chờ công dân (giờ làm việc)"), max_digits=10, decimal_places=4, default=0
    )
    on_time = models.BooleanField(_("đúng hạn"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    # What the one supplement request names (Mẫu 02): [{"component": id, "name"} | {"text"}].
    supplement_items = models.JSONField(_("nội dung yêu cầu bổ sung"), default=list, blank=True)
    supplement_requested_at = models.DateTimeField(
        _("thời điểm yêu cầu bổ sung"), null=True, blank=True
    )
    # NĐ 61/2018 Điều 19.4: a request made during appraisal more than 3 working days after
    # receipt (or after the due date) is late: it only pauses the clock, never restarts it.
    supplement_late = models.BooleanField(_("yêu cầu bổ sung muộn"), default=False)
    apology_count = models.PositiveSmallIntegerField(_("số lần xin lỗi, hẹn lại"), default=0)
    fee_amount = models.BigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    payment_due = models.BooleanField(_("còn phải nộp phí"), default=False)
    # Where the citizen left the draft (step number of the filing wizard) so it resumes there.
    draft_step = models.PositiveSmallIntegerField(_("bước đang làm"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ tiếp nhận trực tiếp"),
    )
    # The internal process (quy trình nội bộ) once received: which step of the version's
    # `steps` holds the dossier (1-based), at which agency (inter-agency steps, NĐ 61/2018
    # Điều 19.5), with which role, which official and until when (the step's own due time).
    handling_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan đang xử lý"),
    )
    current_step = models.PositiveSmallIntegerField(_("bước hiện tại"), null=True, blank=True)
    current_role = models.CharField(_("vai trò của bước"), max_length=20, blank=True)
    current_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ đang xử lý"),
    )
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    # The recorded appraisal (thẩm định) a leader approves on.
    appraisal_proposal = models.CharField(
        _("đề xuất thẩm định"), max_length=10, choices=Proposal.choices, blank=True
    )
    appraisal_note = models.TextField(_("ý kiến thẩm định"), blank=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="dossier_applicant_created"),
            # The officials' list API, newest first; its count is an index-only scan.
            models.Index(
                fields=["agency", "-created_at"],
                include=["status", "created_by"],
                name="dossier_agency_created",
            ),
            # The officials' queues (/can-bo/), one index per queue in the queue's own order
            # (soonest due first), so that a page and its count stay index scans at 1,000,000
            # dossiers (bench/queue.py). Partial on the statuses the queue shows.
            models.Index(fields=["agency", "status", *QUEUE_ORDER], name="dossier_queue_agency"),
            models.Index(fields=["agency", *QUEUE_ORDER], name="dossier_queue_all"),
            # "Sắp đến hạn" / "Quá hạn": by the agency holding the dossier now (liên thông).
            models.Index(
                fields=["handling_agency", *QUEUE_ORDER],
                condition=models.Q(status__in=CLOCK_RUNNING_STATUSES),
                name="dossier_queue_clock",
            ),
            models.Index(
                fields=["agency", *QUEUE_ORDER],
                condition=models.Q(status__in=RESULT_STATUSES),
                name="dossier_queue_result",
            ),
            models.Index(
                fields=["handling_agency", "current_role", *QUEUE_ORDER],
                condition=models.Q(status=DossierStatus.IN_PROGRESS),
                name="dossier_queue_approval",
            ),
            models.Index(
                fields=["current_handler", *QUEUE_ORDER],
                include=["agency", "handling_agency"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="dossier_queue_handler",
            ),
            models.Index(
                fields=["handling_agency", *QUEUE_ORDER],
                include=["agency"],
                condition=INTER_AGENCY_Q,
                name="dossier_queue_incoming",
            ),
            models.Index(fields=["applicant_id_number"], name="dossier_applicant_idno"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=DossierStatus.DRAFT, code__isnull=True)
                | (~models.Q(status=DossierStatus.DRAFT) & models.Q(code__isnull=False)),
                name="dossier_code_iff_submitted",
            ),
            models.CheckConstraint(
                condition=models.Q(fee_amount__gte=0), name="dossier_fee_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DossierStatus.values), name="dossier_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code or str(self.id)

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def is_overdue(self) -> bool:
        return deadlines.is_overdue(self, now=timezone.now())

    @property
    def snapshot(self) -> dict:
        return self.procedure_version.snapshot

    def case_components(self) -> list[dict]:
        """Return the snapshot's components of the chosen case (and the authorisation, if due)."""
        components = [
            c for c in self.snapshot.get("components", []) if c.get("case") == self.case_id
        ]
        if self.needs_authorisation_document:
            components.append(self.authorisation_component())
        return components

    @property
    def is_represented(self) -> bool:
        """Whether someone files on the applicant's behalf (a person or an organisation)."""
        return self.applicant_kind != ApplicantKind.SELF

    @property
    def needs_authorisation_document(self) -> bool:
        # docs/domain.md: a representative by law (parent, guardian, an organisation's legal
        # representative) needs none; an authorised one files the authorisation.
        return self.is_represented and self.representative_relation not in LEGAL_RELATIONS

    def authorisation_component(self) -> dict:
        """The synthetic component "Văn bản ủy quyền" a represented dossier must carry."""
        return {
            "id": AUTHORISATION_COMPONENT_ID,
            "name": str(_("Văn bản ủy quyền")),
            "originals": 1,
            "copies": 0,
            "required": True,
            "case": self.case_id,
            "kind": "",
            "note": str(
                _("Văn bản ủy quyền được chứng thực, cho người nộp thay (Bộ luật Dân sự Điều 138).")
            ),
            "max_size_mb": None,
            "template_file": "",
            "template_url": "",
            "once_only": "",
            "only_if": "",
        }

    def applicant_data(self) -> dict[str, str]:
        """Return the applicant's data by field name (APPLICANT_FIELDS)."""
        return {key: getattr(self, key) for key in APPLICANT_FIELDS}

    def applicant_card(self) -> dict[str, str]:
        """Return the applicant's data under short names (name, id_number, …) for the API.

        An organisation adds its tax code and its legal representative.
        """
        card = {
            key.removeprefix("applicant_"): value for key, value in self.applicant_data().items()
        }
        if self.applicant_kind == ApplicantKind.ORGANISATION:
            card["tax_code"] = self.applicant_tax_code
            card["legal_representative"] = self.organisation_legal_rep
        return card

    def representative_card(self) -> dict[str, str] | None:
        """Return who filed on the applicant's behalf (name, id_number, relation), if anyone."""
        if not self.is_represented:
            return None
        return {
            "name": self.representative_name,
            "id_number": self.representative_id_number,
            "relation": self.representative_relation,
        }


class Attachment(models.Model):
    """A file attached to a dossier for one component; replaced files stay, not current."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("hồ sơ")
    )
    component = models.ForeignKey(
        Component,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thành phần hồ sơ (danh mục)"),
    )
    component_id_snapshot = models.BigIntegerField(_("mã thành phần"))
    component_name = models.TextField(_("thành phần hồ sơ"))
    # Stored under a random name (never the uploaded one); served only through a checked view.
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/", max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=150)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    content_type = models.CharField(_("loại tệp"), max_length=60)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)
    is_current = models.BooleanField(_("đang dùng"), default=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("được thay bằng"),
    )
    # What the 766 indicators read (docs/domain.md, quality indicators): a component handed
    # in as a file rather than on paper is digitised; one taken from the citizen's personal
    # data store instead of uploaded again is reused.
    digitised = models.BooleanField(_("đã số hoá"), default=True)
    reused = models.BooleanField(_("lấy từ kho dữ liệu"), default=False)
    # A reused attachment shares the stored file of its source (no copy of the bytes): one of
    # these names the source, whose verification the officials see (docs/domain.md, once-only).
    reused_from_attachment = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lấy từ tệp của hồ sơ"),
    )
    reused_from_document = models.ForeignKey(
        "DossierDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lấy từ kết quả"),
    )
    # The folded file and component names the personal data store searches (procedures.text).
    search_text = models.TextField(_("văn bản tìm kiếm"), blank=True, editable=False)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["uploaded_at"]
        indexes = [
            models.Index(
                fields=["dossier", "component_id_snapshot", "is_current"], name="attachment_current"
            ),
            # Deleting a draft's files asks whether another row still uses each stored name.
            models.Index(fields=["file"], name="attachment_file"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="attachment_not_empty")
        ]

    def __str__(self) -> str:
        return self.original_name


class AppendOnlyModel(models.Model):
    """A row written once and never changed: history and hand-overs are evidence (Mẫu 05)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)


class DossierEvent(AppendOnlyModel):
    """One entry of a dossier's history; append-only."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="events", verbose_name=_("hồ sơ")
    )
    action = models.CharField(_("thao tác"), max_length=30)
    from_status = models.CharField(_("từ trạng thái"), max_length=24, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=24, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=200, blank=True)
    at = models.DateTimeField(_("thời điểm"))
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(_("dữ liệu kèm theo"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lịch sử hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="dossier_event_at")]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class DossierCodeSequence(models.Model):
    """The last dossier number given by one agency on one (Vietnam) day."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossier_code_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


def _document_token() -> str:
    # 32 random bytes: the verification page is public, so its address must not be guessable.
    return secrets.token_urlsafe(32)


class DossierDocument(models.Model):
    """One version of a paper of a dossier (Mẫu 01–05 or its result), stored with its digest.

    Rendered papers get a new row when the data they were made from changes, so a printed
    copy's QR code keeps leading to the version it shows; the newest row is the current one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("loại giấy tờ"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(upload_to="documents/%Y/%m/", max_length=200)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64, db_index=True)
    token = models.CharField(max_length=64, unique=True, default=_document_token, editable=False)
    # Digest of the data the paper was rendered from (or of the uploaded file): the same data
    # is never rendered twice (idempotency, docs/design.md rule 5).
    source_hash = models.CharField(max_length=64)
    is_uploaded = models.BooleanField(_("tệp do cán bộ tải lên"), default=False)
    original_name = models.CharField(_("tên tệp"), max_length=150, blank=True)
    issued_at = models.DateTimeField(_("ngày ban hành"))
    # An uploaded result is served stamped and signed (`file`); the upload is kept as it came.
    original_file = models.FileField(
        upload_to="documents/originals/%Y/%m/", max_length=200, blank=True
    )
    original_sha256 = models.CharField(max_length=64, blank=True)
    # When the agency signed `file` (dvctt/pades.py); empty: not signed (signing off, or an
    # upload the worker has not signed yet — it is not served before).
    signed_at = models.DateTimeField(_("thời điểm ký số"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Set by documents.document_verify for the verification page; not a column.
    superseded: bool

    class Meta:
        verbose_name = _("giấy tờ của hồ sơ")
        verbose_name_plural = _("giấy tờ của hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["dossier", "kind", "-created_at"], name="document_current"),
        ]
        constraints = [
            # Papers are a registry (dossiers/papers/registry.py) a plug-in may add to, so the
            # kind is checked for its form (a slug), not against a fixed list.
            models.CheckConstraint(
                condition=models.Q(kind__regex=r"^[a-z][a-z0-9-]*$"), name="document_kind_slug"
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="document_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} {self.kind}"


class Handover(AppendOnlyModel):
    """One hand-over of a dossier between steps, units and people; the rows of Mẫu 05.

    Thông tư 01/2018/TT-VPCP Mẫu 05 (Phiếu kiểm soát quá trình giải quyết hồ sơ): from unit →
    to unit, time, giver and receiver, the outcome of the step just finished, a note.
    Append-only like the history.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="handovers")
    action = models.CharField(_("thao tác"), max_length=30)
    at = models.DateTimeField(_("thời điểm"))
    from_step = models.PositiveSmallIntegerField(null=True, blank=True)
    from_unit = models.CharField(_("đơn vị giao"), max_length=255, blank=True)
    from_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_user_name = models.CharField(_("người giao"), max_length=200, blank=True)
    to_step = models.PositiveSmallIntegerField(null=True, blank=True)
    to_unit = models.CharField(_("đơn vị nhận"), max_length=255, blank=True)
    to_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_user_name = models.CharField(_("người nhận"), max_length=200, blank=True)
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    outcome = models.CharField(
        _("kết quả bước"), max_length=10, choices=HandoverOutcome.choices, blank=True
    )
    proposal = models.CharField(max_length=10, choices=Proposal.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bàn giao hồ sơ")
        verbose_name_plural = _("bàn giao hồ sơ")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="handover_dossier_at")]

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit}"
