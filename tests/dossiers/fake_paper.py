"""A paper plug-in written for the tests: one builder registered by @paper, in this module alone.

"Phiếu hướng dẫn nhận kết quả": every received dossier has it; it names the officer who
received the dossier and the appointed return date. Its template ships beside it (TEMPLATE_HTML,
written where the templates are looked up by the test's fixture).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone

from dossiers.papers import paper
from dvctt import workdays

KIND = "fake-guide"
LABEL = "Phiếu hướng dẫn nhận kết quả (thử)"
TEMPLATE = "fake_papers/guide.html"
TEMPLATE_HTML = """{% extends "documents/_base.html" %}
{% block body %}
<h1>Phiếu hướng dẫn nhận kết quả</h1>
<p>Mã hồ sơ: {{ d.code }}. Cán bộ tiếp nhận: {{ d.officer }}.</p>
<p>Ngày hẹn trả kết quả: {{ d.due_at }}.</p>
{% endblock %}
"""


def _received(dossier: Any, issued: bool, for_citizen: bool) -> bool:
    return bool(dossier.received_at)


def guide_data(dossier: Any, events: list[Any]) -> dict[str, Any]:
    # Made from the reception's event (events come oldest first).
    event = next(e for e in reversed(events) if e.action == "receive")
    due = timezone.localtime(dossier.due_at, workdays.VN_TZ).strftime("%d/%m/%Y")
    return {"officer": event.actor_name, "due_at": due, "issued_at": event.at}


def install(template_dir: Path) -> None:
    """Write the template where the templates are looked up and register the paper — with the
    decorator a plug-in module puts on its builder (here applied in the tests' fixture, so that
    importing this module registers nothing for the other tests)."""
    (template_dir / "fake_papers").mkdir(parents=True, exist_ok=True)
    (template_dir / TEMPLATE).write_text(TEMPLATE_HTML, encoding="utf-8")
    paper(kind=KIND, template=TEMPLATE, label=LABEL, when=_received)(guide_data)
