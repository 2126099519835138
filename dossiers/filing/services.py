"""Writes of filing: drafts, the applicant and the e-form, change of case, attachments,
submitting, deleting a draft, and filing at the counter.

Each service is one transaction: it changes the dossier, appends its DossierEvent and enqueues
its notifications with transaction.on_commit (docs/design.md rule 1). The row lock and the event are
the workflow's (dossiers/workflow/services.py), shared so every write logs the same way.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import IdentitySource
from accounts.models import Agency, User
from accounts.validators import validate_id_number
from dvctt import workdays
from dvctt.errors import ApplicationError, Forbidden, InvalidInput, NotFound
from dvctt.queries import one_or_none
from integrations.citizen_registry import CitizenRecord, citizen_lookup
from procedures.constants import OnlineMode
from procedures.deadlines import days_value
from procedures.forms_schema import validate_form_data
from procedures.models import Component, Procedure
from procedures.services import procedure_current_version
from procedures.text import fold

from .. import selectors, workflow
from ..constants import (
    APPLICANT_FIELDS,
    DEFAULT_MAX_UPLOAD_MB,
    DESK_CHANNELS,
    FILING_PARTY_FIELDS,
    ApplicantKind,
    Channel,
    DossierAction,
    DossierStatus,
    EventAction,
    ResultDelivery,
)
from ..errors import InvalidTransition
from ..models import (
    Attachment,
    Dossier,
    DossierCodeSequence,
    DossierDocument,
    DossierEvent,
    DossierId,
)
from ..notify import (
    applicant_context,
    format_local,
)
from ..workflow import deadlines
from ..workflow.services import _event, _lock, _notify_applicant, _pk_of, dossier_fee_quote
from . import store
from .completeness import (
    check_component_editable,
    check_details_editable,
    dossier_missing,
    filing_party_errors,
)
from .uploads import check_upload, sanitize_filename

EDITABLE_STATUSES = (DossierStatus.DRAFT, DossierStatus.SUPPLEMENT_REQUESTED)
MAX_FORM_BYTES = 64 * 1024


# --- helpers ---------------------------------------------------------------------------------


def _require_editor(dossier: Dossier, actor: User) -> None:
    if not selectors.dossier_is_editor(dossier=dossier, user=actor):
        raise NotFound(_("Không tìm thấy hồ sơ."))
    if dossier.status not in EDITABLE_STATUSES:
        raise InvalidTransition(_("Hồ sơ đã nộp, không sửa được nữa."))


def _validate_form(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, list[str]]:
    return validate_form_data(schema or {}, data or {})


def _case_from_snapshot(snapshot: dict[str, Any], case_id: Any) -> dict[str, Any]:
    cases: list[dict[str, Any]] = snapshot.get("cases", [])
    if case_id in (None, "") and len(cases) == 1:
        return cases[0]
    for case in cases:
        if str(case["id"]) == str(case_id):
            return case
    if case_id in (None, ""):
        raise InvalidInput(
            _("Vui lòng chọn trường hợp thực hiện."),
            fields={"case": [_("Thủ tục có nhiều trường hợp, hãy chọn một.")]},
        )
    raise InvalidInput(
        _("Trường hợp đã chọn không thuộc thủ tục này."),
        fields={"case": [_("Trường hợp không hợp lệ.")]},
    )


def next_dossier_code(*, agency: Agency, when: dt.datetime | None = None) -> str:
    """Return the next code {agency_code}-{YYMMDD}-{NNNN} of the agency for that Vietnam day."""
    # Thông tư 01/2018/TT-VPCP Điều 19: the sequence restarts each day per agency. One
    # statement creates or advances the day's counter and returns it: concurrent submissions
    # never collide (docs/domain.md: "under a per-agency-per-day lock or sequence"), and
    # outside a transaction the row lock lasts only that statement.
    day = timezone.localtime(when or timezone.now(), workdays.VN_TZ).date()
    table, agency_id, day_, last = (
        connection.ops.quote_name(name)
        for name in (DossierCodeSequence._meta.db_table, "agency_id", "day", "last")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({agency_id}, {day_}, {last}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({agency_id}, {day_}) DO UPDATE SET {last} = {table}.{last} + 1 "
            f"RETURNING {last}",
            [agency.pk, day],
        )
        number = cursor.fetchone()[0]
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def processing_days(dossier: Dossier) -> int | float:
    """Return the legal processing time of the dossier's case and channel, in days."""
    return days_value(deadlines.processing_time(dossier).days) or 0


# E-form properties that hold the applicant's own data (the bundled catalogue uses these names);
# they are filled from the applicant data so nobody types them twice (once-only).
FORM_PREFILL = {
    "ho_ten": "applicant_name",
    "so_dinh_danh": "applicant_id_number",
    "dien_thoai": "applicant_phone",
    "email": "applicant_email",
    "dia_chi": "applicant_address",
    "ngay_sinh": "date_of_birth",
}


def prefill_form(
    *, schema: dict[str, Any], form_data: dict[str, Any], applicant: dict[str, str]
) -> dict[str, Any]:
    """Return form_data with the applicant's known data in the empty matching properties."""
    properties = (schema or {}).get("properties", {})
    data = dict(form_data or {})
    for key, source in FORM_PREFILL.items():
        value = applicant.get(source)
        if key in properties and value and not data.get(key):
            data[key] = value
    return data


def _without_prefilled(form_data: dict[str, Any], old: dict[str, str]) -> dict[str, Any]:
    """Return form_data without the values that were prefilled from `old` applicant data."""
    data = dict(form_data or {})
    for key, source in FORM_PREFILL.items():
        if old.get(source) and data.get(key) == old[source]:
            del data[key]
    return data


def registry_record_for(*, user: User) -> CitizenRecord | None:
    """Fetch the registry record that may complete a verified user's data (before any write).

    A self-declared id number unlocks nothing (docs/design.md rule 12): the population database is
    asked only for an account whose identity was verified (registry, desk or SSO).
    """
    if not (user.identity_verified and user.id_number):
        return None
    known = (user.full_name, user.phone, user.address, user.date_of_birth)
    if all(known):
        return None
    return citizen_lookup(user.id_number)


def applicant_defaults(*, user: User, record: CitizenRecord | None = None) -> dict[str, str]:
    """Return the applicant data known from the profile, completed by a registry record."""
    profile = (user.full_name, user.id_number, user.phone, user.email, user.address)
    data = dict(zip(APPLICANT_FIELDS, profile, strict=True))
    # Once-only (Nghị định 42/2022/NĐ-CP): fill the gaps from the population database, for the
    # record of this very person only.
    dob = user.date_of_birth.isoformat() if user.date_of_birth else ""
    if record is not None and user.identity_verified and record.id_number == user.id_number:
        data["applicant_name"] = data["applicant_name"] or record.full_name
        data["applicant_phone"] = data["applicant_phone"] or record.phone
        data["applicant_address"] = data["applicant_address"] or record.address
        if not dob and record.date_of_birth:
            dob = record.date_of_birth.isoformat()
    data["date_of_birth"] = dob
    return data


def _validated_id_number(id_number: str) -> str:
    try:
        validate_id_number(id_number)
    except ValidationError as exc:
        raise InvalidInput(
            _("Số định danh cá nhân không hợp lệ."),
            fields={"applicant_id_number": [str(m) for m in exc.messages]},
        ) from exc
    return id_number


def _counter_applicant(
    *, id_number: str, data: dict[str, str], record: CitizenRecord | None
) -> User:
    # The official saw the card, so the dossier may attach to the account that verifiably holds
    # this number; an account that merely typed it gets nothing (it may be an impostor's).
    user = (
        User.objects.select_for_update()
        .filter(id_number=id_number, identity_verified_at__isnull=False)
        .first()
    )
    if user is not None:
        return user
    name = (data.get("applicant_name") or "").strip() or (record.full_name if record else "")
    if not name:
        raise InvalidInput(
            _("Không tìm thấy công dân trong Cơ sở dữ liệu quốc gia về dân cư; hãy nhập họ tên."),
            fields={"applicant_name": [_("Vui lòng nhập họ và tên.")]},
        )
    email = (data.get("applicant_email") or "").strip().lower() or (record.email if record else "")
    if not email or User.objects.filter(email=email).exists():
        # A walk-in citizen may have no e-mail; the profile gets an address that can never
        # receive mail and no usable password, until they sign up and claim it.
        email = f"cccd-{id_number}@tiep-nhan.invalid"
    phone = data.get("applicant_phone") or (record.phone if record else "")
    address = data.get("applicant_address") or (record.address if record else "")
    try:
        with transaction.atomic():  # savepoint: another desk may file for the same person now
            return User.objects.create_user(
                email=email,
                password=None,
                full_name=name,
                id_number=id_number,
                date_of_birth=record.date_of_birth if record else None,
                phone=phone[:15],
                address=address[:300],
                identity_verified_at=timezone.now(),
                identity_verified_via=IdentitySource.DESK,
            )
    except IntegrityError:
        return User.objects.get(id_number=id_number, identity_verified_at__isnull=False)


def dossier_file_at_counter(
    *,
    actor: User,
    procedure_code: str,
    agency_code: str | None,
    case_id: Any,
    id_number: str,
    identity_checked: bool,
    applicant_data: dict[str, str],
    submission_id: str | None = None,
    channel: str = Channel.COUNTER,
) -> Dossier:
    """File a draft at the desk for a citizen whose card the official checked (one transaction).

    `channel` is "counter" for a citizen who came in person, "post" for a file that arrived by
    the postal service (NĐ 61/2018 Điều 16); both are received at the desk.

    The registry is asked first, outside the transaction (docs/design.md rule 10); then the walk-in
    profile (if needed) and the draft are written together, so a refused draft leaves no user.
    """
    if not workflow.user_is_reception_anywhere(actor):
        raise Forbidden(_("Chỉ cán bộ Bộ phận Một cửa mới tiếp nhận hồ sơ trực tiếp."))
    if channel not in DESK_CHANNELS:
        message = _("Hãy chọn cách hồ sơ đến: trực tiếp hoặc qua bưu chính.")
        raise InvalidInput(message, fields={"channel": [message]})
    _validated_id_number(id_number)
    if not identity_checked:
        message = _("Hãy xác nhận đã kiểm tra thẻ căn cước của người nộp.")
        raise InvalidInput(message, fields={"identity_checked": [message]})
    record = citizen_lookup(id_number)
    with transaction.atomic():
        repeat = _repeated_submission(actor=actor, submission_id=submission_id)
        if repeat is not None:
            return repeat
        applicant = _counter_applicant(id_number=id_number, data=applicant_data, record=record)
        return _create_draft(
            actor=actor,
            procedure_code=procedure_code,
            agency_code=agency_code,
            case_id=case_id,
            channel=channel,
            applicant=applicant,
            applicant_data={k: v for k, v in applicant_data.items() if v},
            record=record,
            submission_id=submission_id,
        )


# --- drafts ----------------------------------------------------------------------------------


def _check_form_size(form_data: Any) -> None:
    # The same cap on create as on update: a draft is no file store.
    if len(json.dumps(form_data, ensure_ascii=False).encode()) > MAX_FORM_BYTES:
        message = _("Tờ khai quá dài (tối đa %(kb)s KB).") % {"kb": MAX_FORM_BYTES // 1024}
        raise InvalidInput(message, fields={"form_data": [message]})


class TooManyDrafts(ApplicationError):
    code = "too_many_drafts"
    status_code = 429


def _repeated_submission(*, actor: User, submission_id: str | None) -> Dossier | None:
    """Lock the actor's row, then return the draft this form submission already made, if any."""
    # The lock serialises one person's draft creation: a double click or a resent form waits
    # for the first request, then finds the draft it made by the id the form carried.
    one_or_none(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))
    if not submission_id:
        return None
    made = (
        DossierEvent.objects.filter(
            actor=actor, action=EventAction.CREATE, data__submission=submission_id
        )
        .select_related("dossier")
        .first()
    )
    return made.dossier if made is not None else None


def _guard_open_drafts(*, applicant: User, submission_id: str | None) -> Dossier | None:
    """Return the draft this very form submission already made, or refuse one draft too many."""
    repeat = _repeated_submission(actor=applicant, submission_id=submission_id)
    if repeat is not None:
        return repeat
    limit = settings.DOSSIER_MAX_OPEN_DRAFTS
    open_drafts = Dossier.objects.filter(
        applicant=applicant, status=DossierStatus.DRAFT, channel=Channel.ONLINE
    )
    if open_drafts.count() >= limit:
        raise TooManyDrafts(
            _(
                "Bạn đang có %(limit)s hồ sơ nháp chưa nộp, là số tối đa. Vui lòng nộp hoặc "
                "xóa bớt hồ sơ nháp trong “Hồ sơ của tôi” rồi tạo hồ sơ mới."
            )
            % {"limit": limit}
        )
    return None


def dossier_create_draft(
    *,
    actor: User,
    procedure_code: str,
    agency_code: str | None = None,
    case_id: Any = None,
    form_data: dict[str, Any] | None = None,
    channel: str = Channel.ONLINE,
    applicant: User | None = None,
    applicant_data: dict[str, str] | None = None,
    submission_id: str | None = None,
    party: dict[str, Any] | None = None,
) -> Dossier:
    """Create a draft dossier for a procedure, at an agency, for one of its cases.

    `party` (keys of APPLICANT_FIELDS and FILING_PARTY_FIELDS, as step 2 takes them) sets for
    whom it is filed in the same transaction: refused, no draft is left.

    `submission_id` (a random id the form carries) makes a repeated submission of the same form
    return the draft it made the first time.
    """
    # The registry is asked before the transaction opens (docs/design.md rule 10).
    record = registry_record_for(user=applicant or actor)
    with transaction.atomic():
        dossier = _create_draft(
            actor=actor,
            procedure_code=procedure_code,
            agency_code=agency_code,
            case_id=case_id,
            form_data=form_data,
            channel=channel,
            applicant=applicant,
            applicant_data=applicant_data,
            record=record,
            submission_id=submission_id,
        )
        if party:
            dossier = dossier_update_applicant(actor=actor, dossier_id=dossier.pk, data=party)
        return dossier


def _create_draft(
    *,
    actor: User,
    procedure_code: str,
    agency_code: str | None = None,
    case_id: Any = None,
    form_data: dict[str, Any] | None = None,
    channel: str = Channel.ONLINE,
    applicant: User | None = None,
    applicant_data: dict[str, str] | None = None,
    record: CitizenRecord | None = None,
    submission_id: str | None = None,
) -> Dossier:
    procedure = Procedure.objects.filter(code=procedure_code, is_published=True).first()
    if procedure is None:
        raise InvalidInput(
            _("Không tìm thấy thủ tục “%(code)s”.") % {"code": procedure_code},
            fields={"procedure": [_("Thủ tục không tồn tại.")]},
        )
    if channel == Channel.ONLINE:
        if not actor.is_citizen:
            raise Forbidden(_("Chỉ công dân mới nộp hồ sơ trực tuyến."))
        if procedure.online_mode == OnlineMode.NONE:
            raise InvalidInput(
                _("Thủ tục này chưa cung cấp dịch vụ công trực tuyến."),
                fields={"procedure": [_("Thủ tục không nộp trực tuyến được.")]},
            )
    agencies = list(procedure.agencies.all())
    if agency_code:
        agency = next((a for a in agencies if a.code == agency_code), None)
        if agency is None:
            raise InvalidInput(
                _("Cơ quan đã chọn không thực hiện thủ tục này."),
                fields={"agency": [_("Cơ quan không hợp lệ.")]},
            )
    elif len(agencies) == 1:
        agency = agencies[0]
    else:
        raise InvalidInput(
            _("Vui lòng chọn cơ quan giải quyết."),
            fields={"agency": [_("Hãy chọn cơ quan nơi nộp hồ sơ.")]},
        )
    if channel in DESK_CHANNELS and not workflow.user_is_reception(actor, agency):
        raise Forbidden(_("Chỉ cán bộ Bộ phận Một cửa của cơ quan mới tiếp nhận trực tiếp."))
    version = procedure_current_version(procedure=procedure)
    case = _case_from_snapshot(version.snapshot, case_id)
    if form_data is not None and not isinstance(form_data, dict):
        raise InvalidInput(_("Tờ khai phải là một đối tượng JSON."), fields={"form_data": []})
    _check_form_size(form_data or {})
    applicant = applicant or actor
    if channel == Channel.ONLINE:
        repeat = _guard_open_drafts(applicant=applicant, submission_id=submission_id)
        if repeat is not None:
            return repeat
    data = applicant_defaults(user=applicant, record=record)
    data.update(applicant_data or {})
    form_data = prefill_form(
        schema=version.snapshot.get("form_schema", {}), form_data=form_data or {}, applicant=data
    )
    data.pop("date_of_birth", None)
    dossier = Dossier.objects.create(
        procedure=procedure,
        procedure_version=version,
        case_id=case["id"],
        case_name=case.get("name", "")[:2000],
        agency=agency,
        applicant=applicant,
        channel=channel,
        form_data=form_data,
        created_by=actor if channel in DESK_CHANNELS else None,
        **data,
    )
    _event(
        dossier,
        action=EventAction.CREATE,
        actor=actor,
        to_status=DossierStatus.DRAFT,
        data={"submission": submission_id} if submission_id else None,
    )
    return dossier


def _field_label(name: str) -> str:
    field = Dossier._meta.get_field(name)
    assert isinstance(field, Field)  # the applicant fields are the model's own columns
    return str(field.verbose_name)


def _normalised_party(data: dict[str, Any]) -> dict[str, str]:
    # The values of step 2 as stored: trimmed, cut to their columns, a 13-digit tax code
    # written as the tax office writes it (10 digits, hyphen, 3 digits).
    values = {
        key: str(data.get(key) or "").strip()
        for key in (*APPLICANT_FIELDS, *FILING_PARTY_FIELDS)
        if key in data
    }
    tax = values.get("applicant_tax_code", "").replace(" ", "")
    if len(tax) == 13 and tax.isdigit():
        tax = f"{tax[:10]}-{tax[10:]}"
    if "applicant_tax_code" in values:
        values["applicant_tax_code"] = tax
    for key in values:
        field = Dossier._meta.get_field(key)
        assert isinstance(field, Field)
        values[key] = values[key][: field.max_length or 300]
    return values


def _apply_party(dossier: Dossier, values: dict[str, str]) -> None:
    for key, value in values.items():
        setattr(dossier, key, value)
    if "applicant_kind" in values:
        if dossier.applicant_kind not in ApplicantKind.values:
            message = _("Hãy chọn nộp cho bản thân, nộp thay người khác hoặc nộp cho tổ chức.")
            raise InvalidInput(message, fields={"applicant_kind": [message]})
        if dossier.applicant_kind == ApplicantKind.SELF:
            # Filing for oneself: no representative (an earlier "on behalf" is undone).
            for key in ("representative_name", "representative_id_number"):
                setattr(dossier, key, "")
            dossier.representative_relation = ""
        if dossier.applicant_kind != ApplicantKind.ORGANISATION:
            dossier.applicant_tax_code = dossier.organisation_legal_rep = ""
        else:
            dossier.applicant_id_number = ""
    if dossier.result_delivery not in ResultDelivery.values:
        message = _("Hãy chọn hình thức nhận kết quả.")
        raise InvalidInput(message, fields={"result_delivery": [message]})
    if dossier.result_delivery != ResultDelivery.POST:
        dossier.postal_address = ""


@transaction.atomic
def dossier_update_applicant(
    *, actor: User, dossier_id: DossierId, data: dict[str, Any]
) -> Dossier:
    """Update who the draft is for and how its result is received (step 2 of filing).

    `data` may carry any of APPLICANT_FIELDS and FILING_PARTY_FIELDS; keys left out keep
    their value. The whole result is checked (filing_party_errors), so a refused change leaves
    the dossier as it was.
    """
    dossier = _lock(dossier_id)
    _require_editor(dossier, actor)
    before = dossier.applicant_data()
    party_before = {key: getattr(dossier, key) for key in FILING_PARTY_FIELDS}
    _apply_party(dossier, _normalised_party(data))
    errors = filing_party_errors(dossier)
    if errors:
        raise InvalidInput(_("Thông tin người nộp chưa hợp lệ."), fields=errors)
    changed = [key for key in APPLICANT_FIELDS if getattr(dossier, key) != before[key]]
    party_changed = [k for k in FILING_PARTY_FIELDS if getattr(dossier, k) != party_before[k]]
    if party_changed and dossier.status != DossierStatus.DRAFT:
        # Who files and for whom is settled at submission; a supplement corrects documents.
        message = _("Chỉ thay đổi được người nộp thay và hình thức nhận kết quả trước khi nộp.")
        raise InvalidInput(message, fields={party_changed[0]: [message]})
    if changed:
        check_details_editable(dossier, field=changed[0])
    stale = dict(before)
    if party_before["applicant_kind"] != dossier.applicant_kind:
        # The e-form was prefilled with the account holder's data; filing for someone else,
        # it carries the applicant's, so the holder's birth date goes too.
        holder = dossier.applicant
        stale["date_of_birth"] = holder.date_of_birth.isoformat() if holder.date_of_birth else ""
    dossier.form_data = prefill_form(
        schema=dossier.snapshot.get("form_schema", {}),
        form_data=_without_prefilled(dossier.form_data, stale),
        applicant=dossier.applicant_data(),
    )
    dossier.save()
    if changed and dossier.status != DossierStatus.DRAFT:
        labels = [_field_label(key) for key in changed]
        _event(
            dossier,
            action=EventAction.EDIT_APPLICANT,
            actor=actor,
            note=_("Sửa thông tin người nộp: %(fields)s") % {"fields": ", ".join(labels)},
            data={"changed": changed, "before": {k: before[k] for k in changed}},
        )
    return dossier


@transaction.atomic
def dossier_update_draft(
    *,
    actor: User,
    dossier_id: DossierId,
    party: dict[str, Any] | None = None,
    form_data: dict[str, Any] | None = None,
) -> dict[str, list[str]]:
    """Update step 2 (party) and the e-form of a draft together; return the e-form's errors.

    One transaction: a refused party leaves the e-form unsaved and the other way round.
    """
    if party:
        dossier_update_applicant(actor=actor, dossier_id=dossier_id, data=party)
    if form_data is None:
        return {}
    return dossier_update_form(actor=actor, dossier_id=dossier_id, form_data=form_data)


def _shown_value(value: Any) -> str:
    # A short text of an e-form value for the history (lists and groups as compact JSON).
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:199] + "…"


@transaction.atomic
def dossier_update_form(
    *, actor: User, dossier_id: DossierId, form_data: dict[str, Any]
) -> dict[str, list[str]]:
    """Save the e-form of a draft as it is and return its validation errors (empty = valid)."""
    if not isinstance(form_data, dict):
        raise InvalidInput(
            _("Tờ khai phải là một đối tượng JSON."),
            fields={"form_data": [_("Dữ liệu tờ khai không hợp lệ.")]},
        )
    _check_form_size(form_data)
    dossier = _lock(dossier_id)
    _require_editor(dossier, actor)
    before = dossier.form_data or {}
    changed = sorted(k for k in set(before) | set(form_data) if before.get(k) != form_data.get(k))
    if changed:
        check_details_editable(dossier, field="form_data")
    dossier.form_data = form_data
    dossier.save(update_fields=["form_data", "updated_at"])
    if changed and dossier.status != DossierStatus.DRAFT:
        properties = (dossier.snapshot.get("form_schema") or {}).get("properties", {})
        titles = [str((properties.get(k) or {}).get("title") or k)[:100] for k in changed[:20]]
        # Old → new value of each field, so the officials see what the citizen corrected
        # (a supplement's correction of the declaration, NĐ 61/2018 Điều 19.4).
        values = {k: (_shown_value(before.get(k)), _shown_value(form_data.get(k))) for k in changed}
        lines = [
            _("%(field)s: “%(before)s” → “%(after)s”")
            % {"field": title, "before": values[key][0], "after": values[key][1]}
            for key, title in zip(changed, titles, strict=False)
        ]
        _event(
            dossier,
            action=EventAction.EDIT_FORM,
            actor=actor,
            note="\n".join([_("Sửa tờ khai: %(fields)s") % {"fields": ", ".join(titles)}, *lines])[
                :4000
            ],
            data={
                "changed": changed[:50],
                "before": {k: values[k][0] for k in changed[:50]},
                "after": {k: values[k][1] for k in changed[:50]},
            },
        )
    return _validate_form(dossier.snapshot.get("form_schema", {}), form_data)


@transaction.atomic
def dossier_set_step(*, actor: User, dossier_id: DossierId, step: int) -> None:
    """Remember the wizard step the applicant reached, so the draft resumes there."""
    dossier = _lock(dossier_id)
    _require_editor(dossier, actor)
    Dossier.objects.filter(pk=dossier.pk).update(draft_step=max(1, min(int(step), 5)))


@dataclass(frozen=True)
class CaseChange:
    """What choosing another case does to a draft's files: kept (re-filed) or dropped."""

    case: dict[str, Any]
    keep: list[tuple[Attachment, dict[str, Any]]]  # a current file and its new component
    drop: list[Attachment]  # current files the new case does not ask for


def _document_key(name: str) -> str:
    # The same document listed in two cases has two component rows; it is known by its name.
    return " ".join(str(name).split()).casefold()


def dossier_case_change_plan(*, dossier: Dossier, case_id: Any) -> CaseChange:
    """Return which current files a change of the draft's case keeps and which it drops."""
    case = _case_from_snapshot(dossier.snapshot, case_id)
    other = copy.copy(dossier)  # the same draft under the new case (nothing saved)
    other.case_id = case["id"]
    # Once-only documents are never uploaded, so a file for one has no place in the new case.
    components = [c for c in other.case_components() if not c.get("once_only")]
    by_id = {c["id"]: c for c in components}
    by_name = {_document_key(c["name"]): c for c in components}
    keep: list[tuple[Attachment, dict[str, Any]]] = []
    drop: list[Attachment] = []
    taken: set[int] = set()
    for attachment in dossier.attachments.filter(is_current=True).order_by("-uploaded_at"):
        target = by_id.get(attachment.component_id_snapshot) or by_name.get(
            _document_key(attachment.component_name)
        )
        if target is None or target["id"] in taken:
            drop.append(attachment)
        else:
            taken.add(target["id"])
            keep.append((attachment, target))
    return CaseChange(case=case, keep=keep[::-1], drop=drop[::-1])


@transaction.atomic
def dossier_change_case(
    *, actor: User, dossier_id: DossierId, case_id: Any, drop_confirmed: Any = ()
) -> CaseChange:
    """Move a draft to another case of its procedure, dropping the files it no longer asks for.

    Files of documents both cases ask for are kept under the new case's component; the others
    are deleted, their stored files once the change has committed. `drop_confirmed` names the
    files the applicant saw listed and agreed to lose: if the list differs (a file uploaded in
    another tab meanwhile), nothing changes.
    """
    dossier = _lock(dossier_id)
    _require_editor(dossier, actor)
    if dossier.status != DossierStatus.DRAFT:
        raise InvalidTransition(_("Chỉ đổi được trường hợp khi hồ sơ chưa nộp."))
    change = dossier_case_change_plan(dossier=dossier, case_id=case_id)
    if {str(a.pk) for a in change.drop} != {str(i) for i in drop_confirmed or ()}:
        message = _("Danh sách tệp sẽ bị xoá đã thay đổi; vui lòng xem lại rồi xác nhận.")
        raise InvalidInput(message, fields={"case": [message]})
    if change.case["id"] == dossier.case_id:
        return change
    kept = {a.component_id_snapshot: c for a, c in change.keep}
    components = Component.objects.in_bulk([c["id"] for c in kept.values()])
    for old_id, component in kept.items():
        # Replaced versions follow the current file, so the document's history stays whole.
        Attachment.objects.filter(dossier=dossier, component_id_snapshot=old_id).update(
            component_id_snapshot=component["id"],
            component=components.get(component["id"]),
            component_name=component["name"],
        )
    gone = Attachment.objects.filter(dossier=dossier).exclude(
        component_id_snapshot__in=[c["id"] for c in kept.values()]
    )
    files = _own_files(gone)
    gone.delete()
    dossier.case_id = change.case["id"]
    dossier.case_name = change.case.get("name", "")[:2000]
    dossier.save(update_fields=["case_id", "case_name", "updated_at"])
    _delete_files_after_commit(files)
    return change


def _own_files(attachments: Any) -> list[str]:
    # A reused attachment shares its source's stored file (once-only, docs/api.md §10): deleting the
    # draft or its row must never delete the original, which another dossier still holds.
    return [
        name for name in attachments.filter(reused=False).values_list("file", flat=True) if name
    ]


def _delete_files_after_commit(files: list[str]) -> None:
    # Stored files go only once the rows are gone for good: a rollback keeps both.
    storage = Attachment._meta.get_field("file").storage

    def delete_files() -> None:
        # A name another row still uses is kept (a file shared by reuse; index attachment_file).
        still_used = set(Attachment.objects.filter(file__in=files).values_list("file", flat=True))
        for name in files:
            if name not in still_used:
                storage.delete(name)

    transaction.on_commit(delete_files)


def upload_limit_bytes(*, dossier: Dossier) -> int:
    """Return the largest request body an upload to this dossier may have (file + form)."""
    default = getattr(settings, "DOSSIER_UPLOAD_MAX_MB", DEFAULT_MAX_UPLOAD_MB)
    largest = max(
        [int(c.get("max_size_mb") or default) for c in dossier.case_components()] or [default]
    )
    return (largest + 1) * 1024 * 1024


def refuse_oversized_request(*, dossier: Dossier, content_length: str | int | None) -> None:
    """Refuse an upload whose declared size is over the limit before reading its body."""
    try:
        length = int(content_length or 0)
    except (TypeError, ValueError):
        length = 0
    limit = upload_limit_bytes(dossier=dossier)
    if length > limit:
        message = _("Tệp quá lớn: tối đa %(mb)s MB mỗi tệp.") % {"mb": limit // 1024 // 1024 - 1}
        raise InvalidInput(message, fields={"file": [message]})


@transaction.atomic
def attachment_add(
    *,
    actor: User,
    component_id: Any,
    upload: UploadedFile,
    dossier_id: DossierId | None = None,
    dossier: Dossier | None = None,
) -> Attachment:
    """Attach a checked file to a component of the dossier's case; it replaces the current one.

    (A caller holding the dossier just read, as the API does, hands it over: only its row is
    read again, under the lock.)
    """
    dossier = _lock(_pk_of(dossier_id, dossier), held=dossier)
    _require_editor(dossier, actor)
    component = _component_to_attach(dossier, component_id)
    checked = check_upload(upload, max_mb=_component_max_mb(component))
    upload.seek(0)
    attachment = Attachment(
        dossier=dossier,
        component=one_or_none(Component.objects.filter(pk=component["id"])),
        component_id_snapshot=component["id"],
        component_name=component["name"],
        original_name=checked.original_name,
        size=checked.size,
        sha256=checked.sha256,
        content_type=checked.content_type,
        uploaded_by=actor,
        search_text=_attachment_search_text(checked.original_name, component["name"]),
    )
    attachment.file.save(checked.stored_name, ContentFile(upload.read()), save=False)
    attachment.save()
    _make_current(dossier, attachment, actor=actor)
    return attachment


def _component_to_attach(dossier: Dossier, component_id: Any) -> dict[str, Any]:
    """Return the case's component a file may be attached to now, or refuse."""
    component = next(
        (c for c in dossier.case_components() if str(c["id"]) == str(component_id)), None
    )
    if component is None:
        raise InvalidInput(
            _("Thành phần hồ sơ không thuộc trường hợp đã chọn."),
            fields={"component": [_("Thành phần hồ sơ không hợp lệ.")]},
        )
    if component.get("once_only"):
        raise InvalidInput(
            _("Giấy tờ này không cần nộp: cơ quan tự khai thác hoặc đã có tờ khai điện tử."),
            fields={"component": [_("Giấy tờ này không cần nộp.")]},
        )
    check_component_editable(dossier, component["id"])
    if dossier.attachments.count() >= settings.DOSSIER_MAX_ATTACHMENTS:
        raise InvalidInput(_("Hồ sơ đã có quá nhiều tệp."), fields={"file": []})
    return component


def _component_max_mb(component: dict[str, Any]) -> int:
    return int(component.get("max_size_mb") or 0) or getattr(
        settings, "DOSSIER_UPLOAD_MAX_MB", DEFAULT_MAX_UPLOAD_MB
    )


def _attachment_search_text(original_name: str, component_name: str) -> str:
    # What the personal data store searches, folded like the catalogue (procedures/text.py).
    return " " + fold(f"{original_name} {component_name}")


def _make_current(dossier: Dossier, attachment: Attachment, *, actor: User) -> None:
    # The new file replaces the component's current one; after submission it goes on the log.
    Attachment.objects.filter(
        dossier=dossier, component_id_snapshot=attachment.component_id_snapshot, is_current=True
    ).exclude(pk=attachment.pk).update(is_current=False, superseded_by=attachment)
    if dossier.status != DossierStatus.DRAFT:
        data: dict[str, Any] = {
            "component": attachment.component_id_snapshot,
            "sha256": attachment.sha256,
        }
        if attachment.reused:
            data["reused"] = True
        _event(
            dossier,
            action=EventAction.ATTACH,
            actor=actor,
            note=attachment.original_name,
            data=data,
        )


def attachment_reuse(
    *, actor: User, dossier_id: DossierId, component_id: Any, stored_document_id: Any
) -> Attachment:
    """Attach an item of the actor's personal data store to a component, sharing its file.

    Once-only (Đề án 06, NĐ 45/2020; docs/api.md §10): no bytes are copied — the new row points at
    the stored file of its source, is marked `reused`, and names the source (the attachment
    or the result), whose verification the officials see. Only the dossier's own applicant
    reaches their store: anyone else's item, or an id that is none, is NotFound.
    """
    item = store.stored_document_get_for_citizen(user=actor, stored_document_id=stored_document_id)
    # Asked before the transaction: the storage may be an outside service (object storage).
    if not item.source.file.storage.exists(item.source.file.name):
        raise InvalidInput(
            _("Tệp này không còn trong kho lưu trữ; vui lòng tải tệp lên."),
            fields={"stored_document": [_("Tệp không còn trong kho lưu trữ.")]},
        )
    with transaction.atomic():
        dossier = _lock(dossier_id)
        _require_editor(dossier, actor)
        if dossier.applicant_id != actor.pk:
            raise NotFound(_("Không tìm thấy giấy tờ trong kho dữ liệu."))
        if item.dossier_id == dossier.pk:
            message = _("Tệp này đã thuộc chính hồ sơ này; vui lòng chọn giấy tờ khác.")
            raise InvalidInput(message, fields={"stored_document": [message]})
        component = _component_to_attach(dossier, component_id)
        if item.size > _component_max_mb(component) * 1024 * 1024:
            message = _("Tệp quá lớn: tối đa %(mb)s MB mỗi tệp.") % {
                "mb": _component_max_mb(component)
            }
            raise InvalidInput(message, fields={"stored_document": [message]})
        source = item.source
        attachment = Attachment(
            dossier=dossier,
            component=one_or_none(Component.objects.filter(pk=component["id"])),
            component_id_snapshot=component["id"],
            component_name=component["name"],
            original_name=_reused_name(item)[:150],
            size=item.size,
            sha256=item.sha256,
            content_type=item.content_type,
            uploaded_by=actor,
            reused=True,
            reused_from_attachment=source if isinstance(source, Attachment) else None,
            reused_from_document=source if isinstance(source, DossierDocument) else None,
            search_text=_attachment_search_text(_reused_name(item), component["name"]),
        )
        attachment.file.name = source.file.name  # the same stored file, no copy
        attachment.save()
        _make_current(dossier, attachment, actor=actor)
    return attachment


def _reused_name(item: store.StoredDocument) -> str:
    if item.kind == store.ATTACHMENT:
        return item.name
    return f"{sanitize_filename(item.name)[:100]}.pdf"


@transaction.atomic
def attachment_remove(
    *, actor: User, dossier_id: DossierId, attachment_id: uuid.UUID | str
) -> None:
    """Take a file off the dossier (it stays stored, no longer current)."""
    dossier = _lock(dossier_id)
    _require_editor(dossier, actor)
    attachment = Attachment.objects.filter(
        pk=attachment_id, dossier=dossier, is_current=True
    ).first()
    if attachment is None:
        raise NotFound(_("Không tìm thấy tệp."))
    check_component_editable(dossier, attachment.component_id_snapshot)
    Attachment.objects.filter(pk=attachment.pk).update(is_current=False)
    if dossier.status != DossierStatus.DRAFT:
        _event(
            dossier,
            action=EventAction.DETACH,
            actor=actor,
            note=_("Gỡ tệp %(name)s (%(component)s)")
            % {"name": attachment.original_name, "component": attachment.component_name[:200]},
            data={"component": attachment.component_id_snapshot, "sha256": attachment.sha256},
        )


# --- submission ------------------------------------------------------------------------------


def dossier_submit(
    *, actor: User, dossier_id: DossierId | None = None, dossier: Dossier | None = None
) -> Dossier:
    """Check the draft is complete, give it its code and submit it to the agency."""
    pk = _pk_of(dossier_id, dossier)
    now = timezone.now()
    # The number is taken by one statement of its own, before the submission's transaction:
    # every submission to one agency on one day takes that counter's row lock, and holding
    # it through the whole submission (event, outbox row, notices) made them queue one behind
    # another (issue 24). The checks run first so that a refused submission takes no number;
    # a submission that loses a race after it (a second click) leaves a gap in the day's
    # numbers, which the code's rules allow (docs/domain.md, dossier code).
    # (A caller holding the dossier just read, as the API does, saves reading it again here.)
    looked_at = dossier if dossier is not None else _lock(pk, for_update=False)
    code = next_dossier_code(agency=_submittable(actor, looked_at), when=now)
    with transaction.atomic():
        dossier = _lock(pk, held=looked_at)
        _submittable(actor, dossier)
        dossier.code = code
        # Decision (brief §4): submission always lands in "submitted" as docs/api.md §4 says; a
        # fee due online is recorded in fee_amount/payment_due and paid through the payments
        # app later. A fee left to the provincial council has no amount yet: the official sets
        # it with request_payment; a zero-fee procedure owes nothing and skips payment.
        dossier.fee_amount = dossier_fee_quote(dossier, at=now).total
        dossier.payment_due = dossier.fee_amount > 0
        workflow.fire(dossier, DossierAction.SUBMIT, now=now)
        dossier.save()
        _event(
            dossier,
            action=DossierAction.SUBMIT,
            actor=actor,
            from_status=DossierStatus.DRAFT,
            to_status=dossier.status,
            at=now,
            data={"code": dossier.code, "fee_amount": dossier.fee_amount},
        )
        _notify_applicant(
            dossier,
            key=f"dossier:{dossier.pk}:submitted",
            template="dossier_submitted",
            context=applicant_context(dossier, at=format_local(now)),
        )
    return dossier


def _submittable(actor: User, dossier: Dossier) -> Agency:
    """Refuse unless the actor may submit the dossier now; return the agency it goes to."""
    _require_editor(dossier, actor)
    if dossier.status != DossierStatus.DRAFT:
        raise InvalidTransition()
    missing = dossier_missing(dossier=dossier)
    if missing:
        raise InvalidInput(
            _("Hồ sơ chưa đầy đủ, vui lòng bổ sung các mục được nêu."),
            fields=missing,
        )
    return dossier.agency


@transaction.atomic
def dossier_delete_draft(*, actor: User, dossier_id: DossierId) -> None:
    """Delete the actor's own draft with its files (a filed dossier is never deleted)."""
    dossier = _lock(dossier_id)
    _require_editor(dossier, actor)
    if dossier.status != DossierStatus.DRAFT:
        raise InvalidTransition()
    # Drafts are never synced nor numbered; their files go once the delete has committed.
    files = _own_files(dossier.attachments.all())
    dossier.delete()
    _delete_files_after_commit(files)
