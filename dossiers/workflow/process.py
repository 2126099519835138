"""The internal process (quy trình nội bộ) a received dossier follows, and its hand-overs.

A procedure version's `steps` (role, unit, agency, hours) is the route: the dossier holds one
step at a time (`current_step`, 1-based), at one agency (`handling_agency`), with one official
(`current_handler`) and the step's own due time (`step_due_at`, working hours). Every move
between steps is a `Handover` row — the data of Mẫu 05 (Thông tư 01/2018/TT-VPCP) and of the
history. `plan_*` functions validate an action's inputs without writing; `apply_move` writes
the move inside the caller's transaction (services own the transaction and the row lock).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.constants import StaffRoleName
from accounts.models import Agency, Unit, User
from accounts.selectors import staff_roles_filter
from dvctt import workdays
from dvctt.errors import InvalidInput

from ..constants import DossierAction, HandoverOutcome, Proposal
from ..models import Dossier, Handover

A = DossierAction


def steps_of(dossier: Dossier) -> list[dict]:
    """Return the dossier's process steps, in order (empty when the procedure has none)."""
    return sorted(
        dossier.snapshot.get("steps") or [], key=lambda s: (s.get("position") or 0, s["name"])
    )


def step_at(dossier: Dossier, number: int | None) -> dict | None:
    """Return step `number` (1-based) of the dossier's process, or None."""
    steps = steps_of(dossier)
    if number is None or not 1 <= number <= len(steps):
        return None
    return steps[number - 1]


def is_appraisal(step: dict | None) -> bool:
    """Tell whether leaving `step` needs a recorded appraisal (the specialist's step)."""
    return step is not None and step.get("role") == StaffRoleName.SPECIALIST


def _agency_of(dossier: Dossier, step: dict) -> Agency:
    code = step.get("agency")
    if not code or code == dossier.agency.code:
        return dossier.agency
    agency = Agency.objects.filter(code=code).first()
    return agency or dossier.agency


def _unit_name(agency: Agency, step: dict) -> str:
    code = step.get("unit_code") or ""
    unit = Unit.objects.filter(agency=agency, code=code).only("name").first() if code else None
    return unit.name if unit else str(step.get("name") or "")


def officials_of_step(*, dossier: Dossier, number: int) -> QuerySet[User]:
    """Return the officials who may hold step `number`: its role, at its agency and unit."""
    step = step_at(dossier, number)
    if step is None:
        return User.objects.none()
    agency = _agency_of(dossier, step)
    # An official without a unit holds the role agency-wide.
    roles = staff_roles_filter(
        agency_ids=[agency.pk], roles=[step["role"]], unit_code=step.get("unit_code") or ""
    )
    return User.objects.filter(pk__in=roles.values("user_id"), is_active=True).order_by(
        "full_name", "email"
    )


def forward_targets(dossier: Dossier) -> list[int]:
    """Return the steps a `forward` may lead to now, nearest first (the API's and the form's).

    The next step of the process template, or a later one up to the leader's step: approval
    cannot be skipped (NĐ 61/2018 Điều 19: the leader decides), and a leader's step other than
    the next one is reached only with an appraisal recorded or being recorded (leaving the
    specialist's step), so that no approval waits on a missing appraisal.
    """
    steps = steps_of(dossier)
    current = dossier.current_step
    if not steps or current is None:
        return []
    appraised = is_appraisal(step_at(dossier, current)) or bool(dossier.appraisal_proposal)
    targets: list[int] = []
    for number in range(current + 1, len(steps) + 1):
        if steps[number - 1]["role"] == StaffRoleName.LEADER:
            if number == current + 1 or appraised:
                targets.append(number)
            break
        targets.append(number)
    return targets


def forward_choices(dossier: Dossier) -> list[dict[str, Any]]:
    """Return the forward form's choices: each allowed step with its agency and officials."""
    choices = []
    for number in forward_targets(dossier):
        step = step_at(dossier, number)
        assert step is not None  # forward_targets lists steps of the route only
        agency = _agency_of(dossier, step)
        choices.append(
            {
                "number": number,
                "name": step["name"],
                "agency": agency.name if agency.pk != dossier.agency_id else "",
                "officials": list(officials_of_step(dossier=dossier, number=number)),
            }
        )
    return choices


@dataclass
class Move:
    """A validated hand-over to write: where the dossier goes and to whom."""

    action: str
    to_step: int | None
    to_user: User | None = None
    proposal: str = ""
    note: str = ""
    to_unit_label: str = ""


def _field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _resolve_user(dossier: Dossier, number: int, to_user: Any) -> User | None:
    if to_user in (None, ""):
        return None
    try:
        user_id = int(getattr(to_user, "pk", to_user))
    except (TypeError, ValueError):
        raise _field_error("to_user", _("Cán bộ được chọn không hợp lệ.")) from None
    user = officials_of_step(dossier=dossier, number=number).filter(pk=user_id).first()
    if user is None:
        raise _field_error(
            "to_user", _("Chỉ chọn được cán bộ của đơn vị thực hiện bước xử lý này.")
        )
    return user


def plan_forward(
    dossier: Dossier,
    *,
    to_step: Any = None,
    to_agency: str = "",
    to_user: Any = None,
    proposal: str = "",
    note: str = "",
) -> Move:
    """Validate a `forward`: the next step by default, a later one, or another agency's step."""
    steps = steps_of(dossier)
    current = dossier.current_step
    if not steps or current is None:
        return Move(A.FORWARD, None, note=note)
    if to_step not in (None, ""):
        try:
            target = int(to_step)
        except (TypeError, ValueError):
            raise _field_error("to_step", _("Bước chuyển đến không hợp lệ.")) from None
        if not current < target <= len(steps):
            raise _field_error("to_step", _("Chỉ chuyển được tới một bước sau bước hiện tại."))
    elif to_agency:
        # NĐ 61/2018 Điều 19.5: only an agency that takes part in the procedure's process.
        found = next(
            (
                n
                for n, step in enumerate(steps, start=1)
                if n > current and (step.get("agency") or dossier.agency.code) == to_agency
            ),
            None,
        )
        if found is None:
            raise _field_error(
                "to_agency", _("Cơ quan này không tham gia quy trình liên thông của thủ tục.")
            )
        target = found
    else:
        target = current + 1
    # Approval (a leader's step) cannot be skipped by forwarding past it.
    for step in steps[current : target - 1]:
        if step["role"] == StaffRoleName.LEADER:
            raise _field_error("to_step", _("Không được bỏ qua bước phê duyệt."))
    if target not in forward_targets(dossier):
        raise _field_error(
            "to_agency" if to_agency and to_step in (None, "") else "to_step",
            _("Chưa chuyển được tới bước phê duyệt khi hồ sơ chưa được thẩm định."),
        )
    proposal = (proposal or "").strip()
    if is_appraisal(step_at(dossier, current)):
        if proposal not in Proposal.values:
            raise _field_error("proposal", _("Vui lòng chọn đề xuất: giải quyết hoặc từ chối."))
        if not note:
            raise _field_error("note", _("Vui lòng ghi ý kiến thẩm định."))
    else:
        proposal = ""
    return Move(
        A.FORWARD,
        target,
        to_user=_resolve_user(dossier, target, to_user),
        proposal=proposal,
        note=note,
    )


def plan_send_back(dossier: Dossier, *, note: str) -> Move:
    """Validate a `send_back` to the previous step, to the person who handed it over."""
    current = dossier.current_step
    if current is None or current <= 1:
        return Move(A.SEND_BACK, None, note=note)
    target = current - 1
    last = (
        Handover.objects.filter(dossier=dossier, to_step=current, from_step=target)
        .order_by("-at", "-id")
        .first()
    )
    giver = last.from_user if last else None
    if giver and not officials_of_step(dossier=dossier, number=target).filter(pk=giver.pk):
        giver = None
    return Move(A.SEND_BACK, target, to_user=giver, note=note)


def plan_assign(dossier: Dossier, *, to_user: Any) -> Move:
    """Validate an `assign`: only to an official of the current step's unit."""
    if to_user in (None, ""):
        raise _field_error("to_user", _("Vui lòng chọn cán bộ được phân công."))
    if dossier.current_step is None:
        # No process on this version: any official of the dossier's agency.
        try:
            user_id = int(getattr(to_user, "pk", to_user))
        except (TypeError, ValueError):
            raise _field_error("to_user", _("Cán bộ được chọn không hợp lệ.")) from None
        user = User.objects.filter(
            pk=user_id,
            staff_roles__agency_id=dossier.handling_agency_id or dossier.agency_id,
        ).first()
        if user is None:
            raise _field_error("to_user", _("Cán bộ được chọn không hợp lệ."))
        return Move(A.ASSIGN, None, to_user=user)
    return Move(
        A.ASSIGN,
        dossier.current_step,
        to_user=_resolve_user(dossier, dossier.current_step, to_user),
    )


def plan_next(dossier: Dossier, action: str, *, note: str = "") -> Move | None:
    """Plan the move an approval makes: to the next step (the clerk's), if there is one."""
    current = dossier.current_step
    if current is None or step_at(dossier, current + 1) is None:
        return None
    return Move(action, current + 1, note=note)


def outcome_of(at: dt.datetime, due: dt.datetime | None) -> str:
    """Return Trước hạn / Đúng hạn / Quá hạn of a step finished at `at` against `due`."""
    if due is None:
        return ""
    if at > due:
        return HandoverOutcome.LATE
    same_day = at.astimezone(workdays.VN_TZ).date() == due.astimezone(workdays.VN_TZ).date()
    return HandoverOutcome.ON_TIME if same_day else HandoverOutcome.EARLY


def _step_due(dossier: Dossier, step: dict, now: dt.datetime) -> dt.datetime:
    due = workdays.add_working_hours(workdays.clock_start(now), float(step["duration_hours"]))
    # Each agency's part has its own deadline inside the overall one (NĐ 61/2018 Điều 19.6).
    return min(due, dossier.due_at) if dossier.due_at else due


def start(dossier: Dossier, *, actor: User, now: dt.datetime) -> None:
    """Put a just-received dossier on step 1 of its process, held by the receiving official."""
    dossier.handling_agency = dossier.agency
    step = step_at(dossier, 1)
    if step is None:
        return
    dossier.current_step = 1
    dossier.current_role = step["role"]
    dossier.current_handler = actor if step["role"] == StaffRoleName.RECEPTION else None
    dossier.step_due_at = _step_due(dossier, step, now)


def _where(dossier: Dossier, number: int | None) -> tuple[Agency, str]:
    step = step_at(dossier, number)
    if step is None:
        return dossier.handling_agency or dossier.agency, ""
    agency = _agency_of(dossier, step)
    return agency, _unit_name(agency, step)


def apply_move(dossier: Dossier, move: Move, *, actor: User, now: dt.datetime) -> Handover | None:
    """Move the dossier as planned and record the hand-over row (caller saves the dossier)."""
    if move.action == A.ASSIGN:
        # A change of person inside the step goes on the history, not on Mẫu 05.
        dossier.current_handler = move.to_user
        return None
    if move.to_step is None:
        return None
    from_step = dossier.current_step
    from_agency, from_unit = _where(dossier, from_step)
    to_agency, to_unit = _where(dossier, move.to_step)
    handover = Handover(
        dossier=dossier,
        action=move.action,
        at=now,
        from_step=from_step,
        from_unit=from_unit,
        from_agency=from_agency,
        from_user=actor,
        from_user_name=actor.get_full_name()[:200],
        to_step=move.to_step,
        to_unit=to_unit,
        to_agency=to_agency,
        to_user=move.to_user,
        to_user_name=move.to_user.get_full_name()[:200] if move.to_user else "",
        step_due_at=dossier.step_due_at,
        outcome=outcome_of(now, dossier.step_due_at),
        proposal=move.proposal,
        note=move.note[:4000],
    )
    handover.save()
    if move.proposal:
        dossier.appraisal_proposal = move.proposal
        dossier.appraisal_note = move.note[:4000]
    if move.action == A.SEND_BACK and is_appraisal(step_at(dossier, move.to_step)):
        # Sent back to the specialist: a new appraisal is needed before approval.
        dossier.appraisal_proposal, dossier.appraisal_note = "", ""
    step = step_at(dossier, move.to_step)
    # Every plan_* validated `to_step` against the route, so the step exists.
    assert step is not None
    dossier.current_step = move.to_step
    dossier.current_role = step["role"]
    dossier.handling_agency = to_agency
    dossier.current_handler = move.to_user
    dossier.step_due_at = _step_due(dossier, step, now)
    return handover


def record_return(dossier: Dossier, *, actor: User, now: dt.datetime) -> Handover:
    """Record the last row of Mẫu 05: the result handed to the applicant."""
    from_agency, from_unit = _where(dossier, dossier.current_step)
    return Handover.objects.create(
        dossier=dossier,
        action=A.RETURN_RESULT,
        at=now,
        from_step=dossier.current_step,
        from_unit=from_unit,
        from_agency=from_agency,
        from_user=actor,
        from_user_name=actor.get_full_name()[:200],
        to_unit=_("Người nộp hồ sơ"),
        to_user=dossier.applicant,
        to_user_name=dossier.applicant_name[:200],
        step_due_at=dossier.due_at,
        outcome=outcome_of(now, dossier.due_at),
    )


def move_summary(handover: Handover | None, move: Move | None) -> dict[str, Any]:
    """Return what the history shows of a move: who → whom, which unit and agency."""
    if move is None:
        return {}
    data: dict[str, Any] = {"to_step": move.to_step}
    if move.to_user:
        data["to_user"] = move.to_user.pk
        data["to_user_name"] = move.to_user.get_full_name()
    if handover is not None:
        data.update(
            from_step=handover.from_step,
            from_unit=handover.from_unit,
            to_unit=handover.to_unit,
            to_agency=handover.to_agency.code if handover.to_agency else None,
            outcome=handover.outcome,
        )
    if move.proposal:
        data["proposal"] = move.proposal
    return data
