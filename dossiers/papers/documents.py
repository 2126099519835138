"""Papers of a dossier: Mẫu 01–05 of Thông tư 01/2018/TT-VPCP and the generated result.

Each paper is one builder registered by `@paper` (registry.py), next to it below. Each is built
from data only (the catalogue snapshot, the dossier and its history — never
retyped), hashed, and rendered to PDF through dvctt/pdf.py with a QR code to its public
verification page /xac-thuc/<token>/. A paper whose data has not changed is never rendered
again (idempotency); when the data changes a new version is stored and becomes current.
The papers are legal forms and are printed in Vietnamese whatever the reader's language; the
messages to people (errors) go through gettext.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from typing import TYPE_CHECKING, Any, TypeGuard

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import Agency, User
from dvctt import pades, pdf, workdays
from dvctt.background import enqueue_on_commit
from dvctt.errors import InvalidInput, NotFound
from dvctt.queries import one_or_none

from .. import workflow
from ..constants import Channel, DocumentKind, DossierAction, DossierStatus
from ..filing import check_upload
from ..models import Dossier, DossierDocument, DossierEvent, DossierId, _document_token
from ..workflow import deadlines
from . import signatures
from .registry import PAPERS, paper, paper_label

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

log = logging.getLogger(__name__)

K = DocumentKind
A = DossierAction
# Bump when a template or a builder changes what a paper shows: stored papers re-render.
FORMAT_VERSION = 2
# Result templates a procedure may name in its catalogue row ("result_template"): a
# confirmation (giấy xác nhận) or an extract (trích lục) generated from the dossier.
# The heading is part of the legal form, printed in Vietnamese whatever the reader's language.
RESULT_TEMPLATES = {"confirmation": "Giấy xác nhận", "extract": "Trích lục"}


def control_slip_actions() -> tuple[str, ...]:
    """Return the actions that move a dossier between hands or steps: the rows of Mẫu 05
    (each action's spec says how its row reads, ActionSpec.slip)."""
    return tuple(name for name, spec in workflow.ACTIONS.items() if spec.slip)


# --- formatting --------------------------------------------------------------------------------


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value, workdays.VN_TZ) if value else None


def _clock(value: dt.datetime | None) -> str:
    # Thông tư 01/2018/TT-VPCP writes a time "... giờ ... phút, ngày ... tháng ... năm ...".
    local = _local(value)
    return local.strftime("%H giờ %M phút, ngày %d tháng %m năm %Y") if local else ""


def _when(value: dt.datetime | None) -> str:
    """Return a time as the papers write it: "lúc 08 giờ 25 phút, ngày 06 tháng 12 năm 2026"."""
    return f"lúc {_clock(value)}" if value else ""


def _day(value: dt.datetime | None) -> str:
    local = _local(value)
    return local.strftime("%d/%m/%Y") if local else ""


def _place_date(value: dt.datetime | None) -> str:
    local = _local(value)
    if not local:
        return ""
    return f"ngày {local.day:02d} tháng {local.month:02d} năm {local.year}"


# --- which papers a dossier has ---------------------------------------------------------------


def _events(dossier: Dossier) -> list[DossierEvent]:
    # The detail selectors prefetch the history ordered; reuse it instead of asking again.
    cache = getattr(dossier, "_prefetched_objects_cache", {})
    events = cache.get("events")
    if events is None:
        events = dossier.events.order_by("at", "id")
    return sorted(events, key=lambda e: (e.at, e.pk))


def _last(events: list[DossierEvent], *actions: str) -> DossierEvent | None:
    return next((e for e in reversed(events) if e.action in actions), None)


def _last_of(events: list[DossierEvent], *actions: str) -> DossierEvent:
    # A paper is made from the event that issued it; without that event there is no paper.
    event = _last(events, *actions)
    if event is None:
        raise NotFound(_("Hồ sơ chưa có giấy tờ này."))
    return event


def result_template(dossier: Dossier) -> str | None:
    """Return the result template the dossier's procedure names in the catalogue, if any."""
    name = (dossier.procedure.extra or {}).get("result_template")
    return name if name in RESULT_TEMPLATES else None


def _uploaded(dossier: Dossier, kind: str) -> DossierDocument | None:
    return (
        DossierDocument.objects.filter(dossier=dossier, kind=kind, is_uploaded=True)
        .order_by("-created_at")
        .first()
    )


def document_kinds(dossier: Dossier, *, for_citizen: bool = False) -> list[str]:
    """Return the kinds of paper the dossier has now, in the order they are registered."""
    actions = {e.action for e in _events(dossier)}
    return [
        kind
        for kind, entry in PAPERS.items()
        if entry.when(dossier, bool(actions & set(entry.issuing_actions())), for_citizen)
    ]


def _issuing_event(events: list[DossierEvent], kind: str) -> DossierEvent:
    # The paper is made from the last event of an action that issues it (ActionSpec.paper).
    return _last_of(events, *PAPERS[kind].issuing_actions())


# --- the data each paper shows ------------------------------------------------------------------


def _common(dossier: Dossier) -> dict[str, Any]:
    agency = dossier.agency
    return {
        "code": dossier.code or "",
        "agency": agency.name,
        "agency_code": agency.code,
        "agency_parent": agency.parent.name if agency.parent else "",
        "agency_address": agency.address,
        "agency_phone": agency.phone,
        "procedure": dossier.procedure.name,
        "procedure_code": dossier.procedure.code,
        "case": dossier.case_name,
        "channel": str(Channel(dossier.channel).label),
        "online": dossier.channel == Channel.ONLINE,
        "applicant": dossier.applicant_card(),
    }


def _components(dossier: Dossier) -> list[dict[str, Any]]:
    attached = set(
        dossier.attachments.filter(is_current=True).values_list("component_id_snapshot", flat=True)
    )
    return [
        {
            "name": c["name"],
            "originals": c.get("originals", 0),
            "copies": c.get("copies", 0),
            "required": bool(c.get("required")),
            "attached": c["id"] in attached,
        }
        for c in dossier.case_components()
    ]


def _filed_components(dossier: Dossier) -> list[dict[str, Any]]:
    """Return the components actually filed (Mẫu 01): what was attached, with its count."""
    # Mẫu 01 lists what the applicant handed in, not what the catalogue asks for: a component
    # counts once a current file is attached to it (online, or scanned at the desk), with the
    # number of files. The desk records no paper hand-in counts yet; they would join here.
    counts: dict[int, int] = {}
    names: dict[int, str] = {}
    for component_id, name in dossier.attachments.filter(is_current=True).values_list(
        "component_id_snapshot", "component_name"
    ):
        counts[component_id] = counts.get(component_id, 0) + 1
        names.setdefault(component_id, name)
    form = "Bản điện tử" if dossier.channel == Channel.ONLINE else "Bản giấy đã số hóa"
    order = [c["id"] for c in dossier.case_components()]
    # In the catalogue's order; a component no longer in the case (changed catalogue) last.
    ids = sorted(counts, key=lambda i: (order.index(i) if i in order else len(order), i))
    return [{"name": names[i], "form": form, "count": counts[i]} for i in ids]


def representative(dossier: Dossier) -> dict[str, str] | None:
    """Return the representative who filed on the applicant's behalf, if any."""
    # docs/domain.md "Desk realities": name, id number and the authorisation document are printed on
    # Mẫu 01; a representative by law files none (docs/domain.md), the relation says why.
    if not dossier.is_represented or not dossier.representative_name:
        return None
    return {
        "name": dossier.representative_name,
        "id_number": dossier.representative_id_number,
        "relation": str(dossier.get_representative_relation_display()),
        "document": str(_("Văn bản ủy quyền")) if dossier.needs_authorisation_document else "",
    }


OUTCOMES = ("Trước hạn", "Đúng hạn", "Quá hạn")


def step_outcome(at: dt.datetime, due: dt.datetime | None) -> str:
    """Return Mẫu 05's outcome of a step done at `at` against the due time (Vietnam days)."""
    if due is None:
        return ""
    at, due = timezone.localtime(at, workdays.VN_TZ), timezone.localtime(due, workdays.VN_TZ)
    if at.date() < due.date():
        return OUTCOMES[0]  # before the appointed day
    return OUTCOMES[1] if at <= due else OUTCOMES[2]


# Mẫu 05 names both sides of each row by unit and person. Steps between the applicant and the
# agency have the applicant on one side: handed in ("from_applicant"), or sent back to them
# ("to_applicant").
APPLICANT_SIDE = "Người nộp hồ sơ"


def _actor_units(dossier: Dossier, events: list[DossierEvent]) -> dict[int, str]:
    """Return the unit (with its agency when another) of each official who acted."""
    from accounts.selectors import staff_roles_filter

    ids = {e.actor_id for e in events if e.actor_id}
    units: dict[int, str] = {}
    roles = (
        staff_roles_filter(user_ids=ids, in_a_unit=True)
        .select_related("unit", "agency")
        .order_by("id")
    )
    for role in roles:
        assert role.unit is not None
        name = _unit(role.unit.name, role.agency, dossier)
        # The unit at the dossier's own agency first; another agency's only when no other.
        if role.agency_id == dossier.agency_id or role.user_id not in units:
            units[role.user_id] = name
    return units


def control_slip_rows(
    dossier: Dossier, events: list[DossierEvent] | None = None
) -> list[dict[str, str]]:
    """Return the rows of Mẫu 05: one per step of the history, hand-overs with their units."""
    # Mẫu 05 (Thông tư 01/2018/TT-VPCP): from unit and person → to unit and person, the time,
    # and the step's outcome against its own due time (a step finishing after it is "Quá hạn").
    # Hand-overs carry those in their Handover row (written with the event, at the same
    # instant); the other steps (reception, supplement, payment…) name the acting official's
    # unit and are measured against the dossier's due time.
    from ..selectors import dossier_handovers

    events = _events(dossier) if events is None else events
    handovers = {(h.action, h.at): h for h in dossier_handovers(dossier=dossier)}
    units = _actor_units(dossier, events)
    rows: list[dict[str, str]] = []
    for event in events:
        spec = workflow.ACTIONS.get(event.action)
        slip = spec.slip if spec else ""
        if not slip:
            continue
        actor = {
            "unit": units.get(event.actor_id, "") if event.actor_id else "",
            "person": event.actor_name,
        }
        applicant = {"unit": APPLICANT_SIDE, "person": dossier.applicant_name}
        if slip == "from_applicant":
            agency = {"unit": dossier.agency.name, "person": ""}
            giver, receiver = applicant, (actor if event.action == A.RECEIVE else agency)
        elif slip == "to_applicant":
            giver, receiver = actor, applicant
        else:
            giver, receiver = actor, {"unit": "", "person": ""}
        row = {
            "at": _clock(event.at),
            "action": str(spec.label) if spec else event.action,
            "from_unit": giver["unit"],
            "from_person": giver["person"],
            "to_unit": receiver["unit"],
            "to_person": receiver["person"],
            "actor": event.actor_name,
            "outcome": step_outcome(event.at, dossier.due_at),
            "note": event.note[:500],
        }
        if (event.data or {}).get("departs_from_proposal"):
            # The leader decided against the specialist's proposal: Mẫu 05 records the reason.
            row["note"] = f"Phê duyệt khác đề xuất từ chối của chuyên viên. Lý do: {row['note']}"
        handover = handovers.get((event.action, event.at))
        if handover is not None:
            row |= {
                "from_unit": _unit(handover.from_unit, handover.from_agency, dossier),
                "from_person": handover.from_user_name or event.actor_name,
                "to_unit": _unit(handover.to_unit, handover.to_agency, dossier),
                "to_person": handover.to_user_name,
                "outcome": handover.get_outcome_display() or row["outcome"],
            }
        rows.append(row)
    return rows


def _unit(unit: str, agency: Agency | None, dossier: Dossier) -> str:
    # Another agency's unit (liên thông) is named with its agency.
    if agency is not None and agency.pk != dossier.agency_id:
        return f"{unit} ({agency.name})" if unit else agency.name
    return unit


def _form_answers(dossier: Dossier) -> list[dict[str, str]]:
    schema = dossier.snapshot.get("form_schema") or {}
    props = schema.get("properties") or {}
    answers = []
    for name, prop in props.items():
        value = (dossier.form_data or {}).get(name)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, bool):
            value = "Có" if value else "Không"
        answers.append({"label": str(prop.get("title") or name), "value": str(value)[:500]})
    return answers


def _supplement_items(dossier: Dossier, items: Any) -> list[dict[str, Any]]:
    """Return Mẫu 02's rows: each requested item with the counts of originals and copies."""
    # Mẫu 02 (Thông tư 01/2018/TT-VPCP) names each document to add with how many originals and
    # copies: a component of the case carries the catalogue's counts; a free text (a correction,
    # action_rules) has none.
    if not isinstance(items, list):
        items = [items] if items else []
    components = {c["id"]: c for c in dossier.case_components()}
    rows = []
    for item in items:
        if not isinstance(item, dict):
            rows.append({"name": str(item), "originals": None, "copies": None})
            continue
        component = components.get(item.get("component")) if item.get("component") else None
        rows.append(
            {
                "name": str(item.get("name") or item.get("text") or ""),
                "originals": component.get("originals", 0) if component else None,
                "copies": component.get("copies", 0) if component else None,
            }
        )
    return rows


# --- the papers: one decorated builder each (registry.py) -------------------------------------
# Registered in the order of the process, the order the pages list them in.


def _has_receipt(dossier: Dossier, issued: bool, for_citizen: bool) -> bool:
    return bool(dossier.received_at) and issued


@paper(kind=K.RECEIPT, when=_has_receipt)
def receipt_data(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    """Mẫu 01: what was received, when, and the appointed return date."""
    event = _issuing_event(events, K.RECEIPT)
    time = deadlines.processing_time(dossier)
    return {
        "components": _filed_components(dossier),
        "representative": representative(dossier),
        "postal_address": dossier.postal_address,
        "sets": 1,
        "received_at": _when(dossier.received_at),
        "due_at": _when(dossier.due_at),
        "processing_days": f"{time.days:g}",
        "calendar_days": time.calendar,
        "officer": event.actor_name,
        "issued_at": event.at,
    }


@paper(kind=K.SUPPLEMENT_REQUEST)
def supplement_request_data(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    """Mẫu 02: what to add or correct, and why."""
    event = _issuing_event(events, K.SUPPLEMENT_REQUEST)
    items = event.data.get("items") if isinstance(event.data, dict) else None
    return {
        "reason": event.note,
        "items": _supplement_items(dossier, items),
        # Without named items (an old client's note only), the required list guides.
        "components": [] if items else [c for c in _components(dossier) if c["required"]],
        "submitted_at": _when(dossier.submitted_at),
        "officer": event.actor_name,
        "issued_at": event.at,
    }


def _refused(dossier: Dossier, issued: bool, for_citizen: bool) -> bool:
    return dossier.status in (DossierStatus.REJECTED, DossierStatus.STOPPED)


@paper(kind=K.REJECTION, when=_refused)
def rejection_data(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    """Mẫu 03: the refusal at reception, or the stop after appraisal, with reasons."""
    event = _issuing_event(events, K.REJECTION)
    return {
        # NĐ 61/2018 Điều 17 (refused at reception, Mẫu 03) or Điều 19.8 (refused after
        # appraisal: a notice with reasons).
        "stopped": event.action == A.STOP,
        "reason": event.note,
        "submitted_at": _when(dossier.submitted_at),
        "received_at": _when(dossier.received_at),
        "officer": event.actor_name,
        # Stopping is the leader's decision (workflow.ACTIONS): the notice bears the name of
        # the leader who signs it for the head of the agency.
        "signer": event.actor_name if event.action == A.STOP else "",
        "issued_at": event.at,
    }


@paper(kind=K.APOLOGY)
def apology_data(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    """Mẫu 04: the apology and the new return date."""
    event = _issuing_event(events, K.APOLOGY)
    new_due = parse_datetime(str(event.data.get("new_due_at") or "")) if event.data else None
    return {
        "reason": event.note,
        "received_at": _when(dossier.received_at),
        "new_due_at": _when(new_due) if new_due else _when(dossier.due_at),
        "officer": event.actor_name,
        # Mẫu 04 is signed for the head of the agency: the leader who decided the apology.
        "signer": event.actor_name,
        "issued_at": event.at,
    }


def _received(dossier: Dossier, issued: bool, for_citizen: bool) -> bool:
    return bool(dossier.received_at)


@paper(kind=K.CONTROL_SLIP, when=_received, a5=False)
def control_slip_data(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    """Mẫu 05: every hand-over of the dossier with its outcome (on A4: a wide table)."""
    return {
        "rows": control_slip_rows(dossier, events),
        "received_at": _when(dossier.received_at),
        "due_at": _when(dossier.due_at),
        "issued_at": _last_of(events, *control_slip_actions()).at,
    }


def _has_result(dossier: Dossier, issued: bool, for_citizen: bool) -> bool:
    # The citizen receives the result when it is returned (NĐ 61/2018 Điều 20); the officials
    # handle it from the moment it is issued.
    result_statuses = (
        (DossierStatus.RETURNED,)
        if for_citizen
        else (DossierStatus.RESULT_ISSUED, DossierStatus.RETURNED)
    )
    return (
        dossier.status in result_statuses
        and issued
        and bool(result_template(dossier) or _uploaded(dossier, K.RESULT))
    )


@paper(kind=K.RESULT, when=_has_result, uploadable=True)
def result_data(dossier: Dossier, events: list[DossierEvent]) -> dict[str, Any]:
    """The result generated from the dossier (a confirmation or an extract)."""
    issued = _issuing_event(events, K.RESULT)
    approved = _last(events, A.APPROVE)
    template = result_template(dossier) or ""
    return {
        "heading": RESULT_TEMPLATES.get(template, ""),
        "extract": template == "extract",
        "result_name": (dossier.snapshot.get("result") or "").split(";")[0].strip()[:200],
        "answers": _form_answers(dossier),
        "signer": approved.actor_name if approved else issued.actor_name,
        "issued_at": issued.at,
    }


def document_data(dossier: Dossier, kind: str) -> dict[str, Any]:
    """Return the data the paper of `kind` shows; NotFound when the dossier has no such paper."""
    if kind not in PAPERS or kind not in document_kinds(dossier):
        raise NotFound(_("Hồ sơ chưa có giấy tờ này."))
    entry = PAPERS[kind]
    data: dict[str, Any] = {"kind": kind, "title": str(entry.label), **_common(dossier)}
    data |= entry.build(dossier, _events(dossier))
    data["place_date"] = _place_date(data["issued_at"])
    data["issued_day"] = _day(data["issued_at"])
    data["issued_at"] = data["issued_at"].isoformat()
    return data


def _source_hash(data: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"v": FORMAT_VERSION, "data": data}, sort_keys=True, ensure_ascii=False, default=str
    )
    return pdf.sha256_hex(canonical.encode())


def verify_url(token: str) -> str:
    """Return the public verification address of a paper."""
    return f"{settings.PUBLIC_BASE_URL}/xac-thuc/{token}/"


def render_pdf(kind: str, data: dict[str, Any], *, token: str) -> bytes:
    """Render the paper of `kind` from its data, with its QR code and verification address."""
    url = verify_url(token)
    entry = PAPERS[kind]
    return pdf.template_to_pdf(
        entry.template,
        {"d": data, "verify_url": url, "qr": pdf.qr_data_uri(url), "a5": entry.a5},
    )


# --- stored papers ------------------------------------------------------------------------------


def _current(dossier: Dossier, kind: str) -> DossierDocument | None:
    return (
        DossierDocument.objects.filter(dossier=dossier, kind=kind).order_by("-created_at").first()
    )


def _still_good(document: DossierDocument | None, source_hash: str) -> TypeGuard[DossierDocument]:
    if document is None:
        return False
    if not (document.is_uploaded or document.source_hash == source_hash):
        return False
    if settings.SIGNING_ENABLED and document.signed_at is None and not document.is_uploaded:
        return False  # made before papers were signed: signed anew
    # A stored row whose file went missing (restored backup, lost volume) is rendered again.
    return document.file.storage.exists(document.file.name)


def _store(
    dossier: Dossier,
    kind: str,
    content: bytes,
    *,
    token: str,
    source_hash: str,
    issued_at: dt.datetime,
    actor: User | None = None,
    original_name: str = "",
    uploaded: bool = False,
    signed_at: dt.datetime | None = None,
) -> DossierDocument:
    document = DossierDocument(
        dossier=dossier,
        kind=kind,
        token=token,
        size=len(content),
        sha256=pdf.sha256_hex(content),
        source_hash=source_hash,
        issued_at=issued_at,
        created_by=actor,
        original_name=original_name[:150],
        is_uploaded=uploaded,
        signed_at=signed_at,
    )
    if uploaded:
        # Kept as it came; `file` is replaced by the stamped and signed copy before it is served.
        document.original_sha256 = document.sha256
        document.original_file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
    # A random stored name: nothing from the dossier or the uploader reaches the file system.
    document.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
    document.save()
    return document


def document_render(*, dossier_id: DossierId, kind: str) -> DossierDocument:
    """Render and store one paper of a dossier, unless the current one matches its data."""
    dossier = (
        Dossier.objects.select_related("agency__parent", "procedure", "procedure_version")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    if kind in PAPERS and PAPERS[kind].uploadable and (uploaded := _uploaded(dossier, kind)):
        # an official's upload stands for the rendered paper, served stamped and signed
        return signatures.upload_served(uploaded)
    data = document_data(dossier, kind)
    source_hash = _source_hash(data)
    current = _current(dossier, kind)
    if _still_good(current, source_hash):
        return current
    token = _document_token()
    # Rendered before the transaction: no row lock is held while WeasyPrint works.
    content = render_pdf(kind, data, token=token)
    content, signed_at = signatures.paper_sign(dossier, content)
    with transaction.atomic():
        # idempotency: two renders of the same data (worker and a request) store one file.
        Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk").first()
        current = _current(dossier, kind)
        if _still_good(current, source_hash):
            return current
        return _store(
            dossier,
            kind,
            content,
            token=token,
            source_hash=source_hash,
            issued_at=dt.datetime.fromisoformat(data["issued_at"]),
            signed_at=signed_at,
        )


def documents_render_all(*, dossier_id: DossierId) -> list[DossierDocument]:
    """Render every paper the dossier has now (each skipped when already up to date)."""
    dossier = one_or_none(Dossier.objects.filter(pk=dossier_id).select_related("procedure"))
    if dossier is None:
        return []
    return [document_render(dossier_id=dossier_id, kind=kind) for kind in document_kinds(dossier)]


def document_get(*, dossier: Dossier, kind: str, for_citizen: bool) -> DossierDocument:
    """Return the current paper of `kind`, rendering it now if the worker has not yet."""
    if kind not in PAPERS or kind not in document_kinds(dossier, for_citizen=for_citizen):
        raise NotFound(_("Hồ sơ chưa có giấy tờ này."))
    return document_render(dossier_id=dossier.pk, kind=kind)


def documents_schedule(dossier: Dossier) -> None:
    """After the commit, ask the pdf worker to render the papers of the dossier."""
    if not settings.DOCUMENTS_RENDER_AHEAD:
        return
    from .tasks import documents_render  # the task module imports this one

    # Redis down never turns a committed action into an error (docs/design.md rule 11): the paper is
    # rendered in the request when someone asks for it.
    enqueue_on_commit(documents_render, args=(str(dossier.pk),), queue=settings.PDF_QUEUE)


def result_file_attach(*, dossier: Dossier, actor: User, upload: UploadedFile | None) -> None:
    """Store the result PDF an official issues, or check the procedure generates its result."""
    if upload is None:
        if result_template(dossier):
            return  # generated from the dossier after the commit (documents_schedule)
        message = _("Vui lòng tải lên tệp kết quả (PDF) trước khi ban hành.")
        raise InvalidInput(message, fields={"file": [message]})
    checked = check_upload(upload, max_mb=settings.DOSSIER_UPLOAD_MAX_MB)
    if checked.content_type != "application/pdf":
        message = _("Kết quả phải là tệp PDF.")
        raise InvalidInput(message, fields={"file": [message]})
    upload.seek(0)
    content = upload.read()
    pades.pdf_readable(content)  # it is stamped and signed after the commit: refuse it now
    _store(
        dossier,
        K.RESULT,
        content,
        token=_document_token(),
        source_hash=checked.sha256,
        issued_at=timezone.now(),
        actor=actor,
        original_name=checked.original_name,
        uploaded=True,
    )


def document_verify(*, token: str) -> DossierDocument:
    """Return the paper a verification token names, or raise NotFound."""
    document = (
        DossierDocument.objects.select_related("dossier__agency", "dossier__procedure")
        .filter(token=token)
        .first()
        if token and len(token) <= 64
        else None
    )
    if document is None:
        raise NotFound(_("Không tìm thấy giấy tờ với mã xác thực này."))
    document.superseded = DossierDocument.objects.filter(
        dossier_id=document.dossier_id, kind=document.kind, created_at__gt=document.created_at
    ).exists()
    return document


def document_links(dossier: Dossier, *, for_citizen: bool) -> list[tuple[str, StrOrPromise]]:
    """Return (kind, label) of each paper the dossier page links to."""
    return [(kind, paper_label(kind)) for kind in document_kinds(dossier, for_citizen=for_citizen)]
