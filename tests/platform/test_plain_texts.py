"""Issue 23, point 3: status texts are words, not emoji (a screen reader reads "hourglass
not done", and a symbol says nothing to a citizen who does not know it)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

EMOJI = re.compile("[\U0001f300-\U0001faff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\ufe0f]")
SKIP = {".venv", "node_modules", ".git", "locale", "locale_vendor", "tests", "static"}


def test_no_emoji_in_templates_or_python():
    base = Path(settings.BASE_DIR)
    found = []
    for path in base.rglob("*"):
        if path.suffix not in (".py", ".html", ".txt") or SKIP & set(path.relative_to(base).parts):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if EMOJI.search(line):
                found.append(f"{path.relative_to(base)}:{number}")
    assert not found, found
