"""A workflow action plug-in written for the tests: one ActionSpec, in this module alone.

"Gọi điện cho người nộp": the desk or the specialist records a phone call with the applicant —
a date it checks (its input), the caller takes the dossier (its body), the applicant gets a
message (its notification), and the call is a row of Mẫu 05. The status does not change.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dossiers.constants import ActorRole, DossierStatus
from dossiers.workflow import ActionInput, ActionSpec, register_action, unregister_action
from dossiers.workflow.action_rules import ActionRun
from dvctt import workdays
from dvctt.errors import InvalidInput

NAME = "call_applicant"
LABEL = "Gọi điện cho người nộp"
FRAGMENT = "fake_actions/_call_applicant.html"
# The page's fragment asking for the input (a plug-in ships it beside its spec).
FRAGMENT_HTML = """<div class="form-field">
  <label for="called-on-{{ a.name }}">Ngày gọi điện</label>
  <input type="text" id="called-on-{{ a.name }}" name="called_on" required>
</div>
"""


def _check(run: ActionRun) -> None:
    raw = str(run.inputs.get("called_on") or "").strip()
    try:
        day = dt.datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError:
        message = "Nhập ngày gọi điện theo dạng ngày/tháng/năm."
        raise InvalidInput(message, fields={"called_on": [message]}) from None
    if day > run.now.astimezone(workdays.VN_TZ).date():
        message = "Ngày gọi điện không được sau hôm nay."
        raise InvalidInput(message, fields={"called_on": [message]})
    run.body.data["called_on"] = day.isoformat()


def _body(run: ActionRun) -> None:
    # Whoever called takes the dossier.
    run.dossier.current_handler = run.actor


SPEC = ActionSpec(
    NAME,
    (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS),
    None,
    frozenset({ActorRole.RECEPTION, ActorRole.SPECIALIST}),
    label=LABEL,
    inputs=(ActionInput("called_on", FRAGMENT),),
    check=_check,
    body=_body,
    notification="status_changed",
    slip="agency",  # a row of the control slip (Mẫu 05)
)


def install(template_dir: Path) -> None:
    """Register the action and write its fragment where the page's templates are looked up."""
    (template_dir / "fake_actions").mkdir(parents=True, exist_ok=True)
    (template_dir / FRAGMENT).write_text(FRAGMENT_HTML, encoding="utf-8")
    register_action(SPEC)


def uninstall() -> None:
    unregister_action(NAME)
