"""Fixed sets of the dossiers app: statuses, actions, channels, roles and national codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.constants import StaffRoleName


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Hồ sơ nháp")
    SUBMITTED = "submitted", _("Mới đăng ký")
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung giấy tờ")
    AWAITING_PAYMENT = "awaiting_payment", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    APPROVED = "approved", _("Đã phê duyệt")
    RESULT_ISSUED = "result_issued", _("Đã xử lý xong")
    RETURNED = "returned", _("Đã trả kết quả")
    REJECTED = "rejected", _("Không được tiếp nhận")
    STOPPED = "stopped", _("Dừng xử lý")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")


# A dossier in one of these states is settled: nothing more may happen to it.
TERMINAL_STATUSES = frozenset(
    {
        DossierStatus.RETURNED,
        DossierStatus.REJECTED,
        DossierStatus.STOPPED,
        DossierStatus.WITHDRAWN,
    }
)

# The dossier waits for the citizen (a supplement, a payment): the agency's clock stands still.
WAITING_STATUSES = (DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.AWAITING_PAYMENT)
# The agency's clock runs only here; only these dossiers can be overdue (never one waiting for
# the citizen, a finished one or one not yet received).
CLOCK_RUNNING_STATUSES = (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.APPROVED)
# The agency has work on the dossier: filed, or received and its clock running (the officials'
# queues; paused time is not the agency's, NĐ 61/2018 Điều 19.4).
ACTIVE_STATUSES = (DossierStatus.SUBMITTED, *CLOCK_RUNNING_STATUSES)
# Decided, waiting for the clerk to issue or hand over the result.
RESULT_STATUSES = (DossierStatus.APPROVED, DossierStatus.RESULT_ISSUED)

# The applicant's data a dossier carries (its model fields, the wizard's and the desk's forms,
# the API's "applicant" object and the papers): one list, in the order they are shown.
APPLICANT_FIELDS = (
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
)
# What step 2 of filing records besides the applicant's own data: for whom it is filed, the
# organisation's data, the representative and how the result is received (Dossier columns).
FILING_PARTY_FIELDS = (
    "applicant_kind",
    "applicant_tax_code",
    "organisation_legal_rep",
    "representative_name",
    "representative_id_number",
    "representative_relation",
    "result_delivery",
    "postal_address",
)

# Status codes of the national portal (docs/domain.md "Statuses and their national codes"); kept
# as data because newer texts (Thông tư 03/2025/TT-VPCP) may renumber them. Drafts are never
# synced.
NATIONAL_STATUS: dict[str, int | None] = {
    DossierStatus.DRAFT: None,
    DossierStatus.SUBMITTED: 1,
    DossierStatus.RECEIVED: 2,
    DossierStatus.REJECTED: 3,
    DossierStatus.IN_PROGRESS: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.AWAITING_PAYMENT: 6,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.APPROVED: 4,
    DossierStatus.RESULT_ISSUED: 9,
    DossierStatus.RETURNED: 10,
}


class DossierAction(models.TextChoices):
    SUBMIT = "submit", _("Nộp hồ sơ")
    RECEIVE = "receive", _("Tiếp nhận")
    REJECT = "reject", _("Từ chối tiếp nhận")
    STOP = "stop", _("Dừng xử lý")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung")
    SUPPLEMENT = "supplement", _("Bổ sung hồ sơ")
    ASSIGN = "assign", _("Phân công")
    FORWARD = "forward", _("Chuyển xử lý")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    REQUEST_PAYMENT = "request_payment", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    CONFIRM_PAYMENT = "confirm_payment", _("Xác nhận đã nộp phí")
    APPROVE = "approve", _("Phê duyệt")
    ISSUE_RESULT = "issue_result", _("Ban hành kết quả")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    APOLOGIZE = "apologize", _("Xin lỗi và hẹn lại")
    WITHDRAW = "withdraw", _("Rút hồ sơ")


class EventAction(models.TextChoices):
    """Events that are not status transitions but belong on the history."""

    CREATE = "create", _("Tạo hồ sơ nháp")
    ATTACH = "attach", _("Đính kèm tệp")
    DETACH = "detach", _("Gỡ tệp")
    EDIT_FORM = "edit_form", _("Sửa tờ khai")
    EDIT_APPLICANT = "edit_applicant", _("Sửa thông tin người nộp")


class Proposal(models.TextChoices):
    """The specialist's proposal when leaving an appraisal step (NĐ 61/2018 Điều 19)."""

    APPROVE = "approve", _("Đề xuất giải quyết")
    REFUSE = "refuse", _("Đề xuất từ chối")


class HandoverOutcome(models.TextChoices):
    """How a step ended against its own due time (Mẫu 05, Thông tư 01/2018/TT-VPCP)."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp tại Bộ phận Một cửa")
    # NĐ 61/2018 Điều 16: the file arrives by the public postal service and is received at
    # the desk like a counter dossier.
    POST = "post", _("Qua dịch vụ bưu chính công ích")


# The channels the desk files on the citizen's behalf (a reception official creates the draft).
DESK_CHANNELS = (Channel.COUNTER, Channel.POST)


class ApplicantKind(models.TextChoices):
    """For whom the dossier is filed (docs/domain.md "Representatives and organisations")."""

    SELF = "self", _("Nộp cho bản thân")
    PERSON = "person", _("Nộp thay người khác")
    ORGANISATION = "organisation", _("Nộp cho tổ chức")


class RepresentativeRelation(models.TextChoices):
    """How the person who files stands to the applicant."""

    PARENT = "parent", _("Cha, mẹ của người chưa thành niên")
    GUARDIAN = "guardian", _("Người giám hộ")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Người đại diện theo pháp luật của tổ chức")
    AUTHORISED = "authorised", _("Người được ủy quyền")


# Representation by law (Bộ luật Dân sự 2015 Điều 136, 137): the relation itself gives the
# power to act, so no authorisation document is asked; every other representative carries one.
LEGAL_RELATIONS = frozenset(
    {
        RepresentativeRelation.PARENT,
        RepresentativeRelation.GUARDIAN,
        RepresentativeRelation.LEGAL_REPRESENTATIVE,
    }
)
# Which relations fit which kind of applicant.
RELATIONS_FOR_KIND = {
    ApplicantKind.PERSON: (
        RepresentativeRelation.PARENT,
        RepresentativeRelation.GUARDIAN,
        RepresentativeRelation.AUTHORISED,
    ),
    ApplicantKind.ORGANISATION: (
        RepresentativeRelation.LEGAL_REPRESENTATIVE,
        RepresentativeRelation.AUTHORISED,
    ),
}
# The synthetic component a representative's authorisation document is filed under: no
# catalogue component has a negative id, and the id is the same in every case.
AUTHORISATION_COMPONENT_ID = -1


class ResultDelivery(models.TextChoices):
    """How the applicant receives the result (NĐ 61/2018 Điều 20)."""

    DESK = "desk", _("Nhận tại Bộ phận Một cửa")
    POST = "post", _("Nhận qua dịch vụ bưu chính công ích")


class ActorRole(models.TextChoices):
    """Who may fire a workflow action on one dossier: the owner, the system, or an official
    by the staff role they hold — those are the accounts' role names, one list of names."""

    OWNER = "owner", _("Người nộp hồ sơ")
    RECEPTION = StaffRoleName.RECEPTION.value, StaffRoleName.RECEPTION.label
    SPECIALIST = StaffRoleName.SPECIALIST.value, StaffRoleName.SPECIALIST.label
    LEADER = StaffRoleName.LEADER.value, StaffRoleName.LEADER.label
    CLERK = StaffRoleName.CLERK.value, StaffRoleName.CLERK.label
    SYSTEM = "system", _("Hệ thống")


# Uploads (docs/design.md rule 8): what we accept, by content, not by name.
ALLOWED_CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}
DEFAULT_MAX_UPLOAD_MB = 10


class DocumentKind(models.TextChoices):
    """Papers of a dossier (Thông tư 01/2018/TT-VPCP, Mẫu 01–05) and its result (docs/api.md §4)."""

    RECEIPT = "receipt", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)")
    SUPPLEMENT_REQUEST = "supplement-request", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)")
    REJECTION = "rejection", _("Phiếu từ chối tiếp nhận, giải quyết hồ sơ (Mẫu 03)")
    APOLOGY = "apology", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)")
    CONTROL_SLIP = "control-slip", _("Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05)")
    RESULT = "result", _("Kết quả giải quyết thủ tục hành chính")
