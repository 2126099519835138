"""Bodies of workflow actions (docs/api.md §4): what a run of an action carries, and the rules on
the inputs several actions share.

`parse_action_body` reads the reason and the note every action takes and raises InvalidInput
(400, naming the field) on a bad body; each action's own inputs are checked by its spec's
`check` hook (dossiers/workflow/actions.py), with the readers here. Reasons: the event's note
carries them; `note` still works as the reason for clients that send no `reason`.
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

from . import machine

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

    from ..models import Dossier
    from .process import Move

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


@dataclass
class ActionRun:
    """One run of an action, handed to its spec's hooks: the locked dossier, who acts, the
    inputs as sent (API body or form, with the service's keyword inputs), the checked body
    (the event's note and data), and what the hooks plan (a hand-over)."""

    dossier: Dossier
    action: str
    actor: User
    inputs: dict[str, Any]
    body: ActionBody
    reason: str
    now: dt.datetime
    result_file: UploadedFile | None = None
    move: Move | None = None


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


def parse_action_body(action: str, *, note: str, data: dict[str, Any]) -> tuple[ActionBody, str]:
    """Return the body every action shares (the event's note, its data) and the reason, or
    raise InvalidInput naming a field; the action's own inputs are its spec's `check`."""
    spec = machine.ACTIONS[action]
    reason = _text(data.get("reason"))[:4000] or note
    if spec.note_required and not reason:
        raise InvalidInput(
            _("Vui lòng nêu rõ lý do."), fields={"reason": [_("Trường này là bắt buộc.")]}
        )
    event_note = reason if not note or note == reason else f"{reason}\n\n{note}"
    body = ActionBody(
        note=event_note[:4000],
        data={k: str(v)[:MAX_TEXT] for k, v in data.items() if k not in _PARSED_KEYS},
    )
    return body, reason


def parse_apology(dossier: Dossier, body: ActionBody, raw: Any, *, now: dt.datetime) -> None:
    """Check Mẫu 04's new return date and record it on the body (apologize)."""
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


def parse_items(dossier: Dossier, raw: Any) -> list[dict[str, Any]]:
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
