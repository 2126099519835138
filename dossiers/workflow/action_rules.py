"""Bodies of workflow actions (API.md §4): parse and check them, then apply what they carry.

`parse_action_body` runs before the transition and raises InvalidInput (400, naming the
field) on a bad body; `apply_action_body` runs after it on the in-memory dossier. Reasons:
the event's note carries them; `note` still works as the reason for clients that send no
`reason`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt import workdays
from dvctt.errors import InvalidInput
from dvctt.formats import parse_datetime_as_written

from ..constants import DossierAction, Proposal
from ..filing.completeness import supplement_changes, supplement_missing
from . import deadlines, machine

if TYPE_CHECKING:
    from ..models import Dossier

A = DossierAction
MAX_ITEMS = 30
MAX_TEXT = 500
# Keys a body may carry besides these are kept on the event as short texts (as before).
_PARSED_KEYS = {"reason", "note", "items", "new_due_at"}


@dataclass
class ActionBody:
    """What an action's body says, checked: the event's note and data, and values to apply."""

    note: str
    data: dict[str, Any] = field(default_factory=dict)
    new_due_at: dt.datetime | None = None
    items: list[dict[str, Any]] | None = None


def body_from_request(data: Any) -> dict[str, Any]:
    """Return an action's body fields besides `note` from JSON or form data (lists kept)."""
    if not hasattr(data, "items"):
        return {}
    body = {k: v for k, v in data.items() if k not in ("note", "csrfmiddlewaretoken")}
    if hasattr(data, "getlist"):
        # A form sends items=1&items=2 and free texts one per line in items_text.
        items = [i for i in data.getlist("items") if str(i).strip()]
        items += [line for line in str(data.get("items_text", "")).splitlines() if line.strip()]
        body.pop("items_text", None)
        if items or "items" in data:
            body["items"] = items
    return body


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def parse_action_body(
    dossier: Dossier, action: str, *, note: str, data: dict[str, Any], now: dt.datetime
) -> ActionBody:
    """Return the checked body of `action` on `dossier`, or raise InvalidInput naming a field."""
    spec = machine.ACTIONS[action]
    reason = _text(data.get("reason"))[:4000] or note
    if spec.note_required and not reason:
        raise InvalidInput(
            _("Vui lòng nêu rõ lý do."), fields={"reason": [_("Trường này là bắt buộc.")]}
        )
    departs = action == A.APPROVE and dossier.appraisal_proposal == Proposal.REFUSE
    if departs and not reason:
        # DOMAIN.md "Desk realities" (Decisions): the leader decides; approving against the
        # specialist's proposal to refuse needs the leader's reason, recorded on the event.
        raise InvalidInput(
            _("Chuyên viên đề xuất từ chối: vui lòng nêu lý do phê duyệt khác đề xuất."),
            fields={"reason": [_("Trường này là bắt buộc.")]},
        )
    event_note = reason if not note or note == reason else f"{reason}\n\n{note}"
    body = ActionBody(
        note=event_note[:4000],
        data={k: str(v)[:MAX_TEXT] for k, v in data.items() if k not in _PARSED_KEYS},
    )
    if departs:
        body.data["departs_from_proposal"] = Proposal.REFUSE
    if action == A.APOLOGIZE:
        _parse_apology(dossier, body, data.get("new_due_at"), now=now)
    elif action == A.REQUEST_SUPPLEMENT:
        body.items = _parse_items(dossier, data.get("items"))
        body.data["items"] = body.items
        # NĐ 61/2018 Điều 19.4: recorded for the desk and the indicators; a late request only
        # pauses the clock (dossiers.deadlines).
        body.data["late"] = deadlines.supplement_request_is_late(dossier, now=now)
    elif action == A.SUPPLEMENT:
        missing = supplement_missing(dossier=dossier)
        if missing:
            raise InvalidInput(
                _("Hồ sơ bổ sung chưa đầy đủ, vui lòng bổ sung các mục được nêu."), fields=missing
            )
        # What changed since the request, so the officials see it on the history.
        changes, summary = supplement_changes(dossier)
        body.data.update(changes)
        body.note = "\n\n".join(filter(None, [body.note, summary]))[:4000]
    elif action == A.WITHDRAW:
        # DOMAIN.md 9a: after reception the desk must see the withdrawal.
        body.data["after_reception"] = dossier.received_at is not None
    return body


def apply_action_body(dossier: Dossier, action: str, body: ActionBody) -> None:
    """Apply what the body carries to the in-memory dossier (after the transition)."""
    if action == A.APOLOGIZE and body.new_due_at is not None:
        # Mẫu 04: the new date is the one the citizen sees; original_due_at stays for the
        # on-time indicator.
        dossier.due_at = body.new_due_at
    elif action == A.REQUEST_SUPPLEMENT:
        dossier.supplement_items = body.items or []
        dossier.supplement_late = bool(body.data.get("late"))


def _parse_apology(dossier: Dossier, body: ActionBody, raw: Any, *, now: dt.datetime) -> None:
    value = parse_datetime_as_written(_text(raw)) if raw not in (None, "") else None
    if value is None:
        problem = (
            _("Vui lòng nhập ngày hẹn trả mới.")
            if raw in (None, "")
            else _(
                "Ngày giờ không hợp lệ: nhập theo dạng ngày/tháng/năm giờ:phút, "
                "ví dụ 01/12/2026 09:00."
            )
        )
        raise InvalidInput(_("Ngày hẹn trả mới không hợp lệ."), fields={"new_due_at": [problem]})
    if timezone.is_naive(value):
        value = value.replace(tzinfo=workdays.VN_TZ)
    if dossier.due_at is None:
        raise InvalidInput(
            _("Hồ sơ chưa có ngày hẹn trả để hẹn lại."),
            fields={"new_due_at": [_("Hồ sơ chưa được tiếp nhận.")]},
        )
    if value <= dossier.due_at:
        raise InvalidInput(
            _("Ngày hẹn trả mới phải sau ngày hẹn hiện tại (%(due)s).")
            % {
                "due": timezone.localtime(dossier.due_at, workdays.VN_TZ).strftime("%H:%M %d/%m/%Y")
            },
            fields={"new_due_at": [_("Ngày hẹn mới phải sau ngày hẹn hiện tại.")]},
        )
    if not workdays.in_working_time(value):
        raise InvalidInput(
            _("Ngày hẹn trả mới phải rơi vào giờ làm việc của một ngày làm việc."),
            fields={"new_due_at": [_("Hãy chọn một thời điểm trong giờ làm việc.")]},
        )
    body.new_due_at = value
    # NĐ 61/2018 Điều 19.9: the apology is due at least 1 working day before the deadline;
    # a later one is still allowed but recorded as late.
    left = workdays.working_hours_between(now, dossier.due_at)
    body.data.update(
        {
            "new_due_at": value.isoformat(),
            "previous_due_at": dossier.due_at.isoformat(),
            "late": left < workdays.hours_per_day(),
        }
    )


def _parse_items(dossier: Dossier, raw: Any) -> list[dict[str, Any]]:
    """Return the request's items: components of the dossier's case and free texts."""
    if raw in (None, "", []):
        # Old clients send no items: the request names no document and stays a note.
        return []
    if isinstance(raw, (str, int)):
        raw = [raw]
    if not isinstance(raw, list) or len(raw) > MAX_ITEMS:
        raise InvalidInput(
            _("Danh sách nội dung cần bổ sung không hợp lệ."),
            fields={"items": [_("Tối đa %(n)s mục.") % {"n": MAX_ITEMS}]},
        )
    components = {str(c["id"]): c for c in dossier.case_components()}
    items: list[dict[str, Any]] = []
    errors: list[str] = []
    for entry in raw:
        if isinstance(entry, dict):
            entry = entry.get("component", entry.get("text"))
        if isinstance(entry, bool) or entry is None:
            errors.append(_("Mục không hợp lệ."))
            continue
        text = _text(entry)
        if isinstance(entry, int) or text.isdigit():
            component = components.get(text)
            if component is None:
                errors.append(_("Thành phần %(id)s không thuộc hồ sơ này.") % {"id": text[:20]})
            elif not any(i.get("component") == component["id"] for i in items):
                items.append({"component": component["id"], "name": component["name"][:300]})
        elif text:
            items.append({"text": text[:MAX_TEXT]})
    if errors:
        raise InvalidInput(_("Nội dung cần bổ sung không hợp lệ."), fields={"items": errors})
    return items
