"""Folding for accent-blind catalogue search.

`fold` is the one definition of the searchable form of a text: PostgreSQL indexes what it
produces (`Procedure.search_text`, GIN trigram index) and the SQLite fallback compares with
it in Python.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z.]+")
_DOTS = re.compile(r"(?<![0-9])\.|\.(?![0-9])")


def fold(text: str | None) -> str:
    """Return `text` lower-cased, without diacritics (đ→d), punctuation turned into spaces."""
    if not text:
        return ""
    text = text.lower().replace("đ", "d")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # keep dots only inside numbers so that codes such as 1.001193 stay one word
    text = _NON_WORD.sub(" ", text)
    text = _DOTS.sub(" ", text)
    return " ".join(text.split())


_REPEATED_WORD = re.compile(r"\b(\w+)(\s+\1\b)+", re.IGNORECASE)
_DOUBLE_SPACE = re.compile(r"\S( {2,})\S")
# Reduplications that Vietnamese uses on purpose ("từ từ", "thường thường"): not typos.
_REDUPLICATIONS = {"từ", "thường", "ngày", "năm", "tháng", "người", "nhà", "mỗi", "các", "từng"}


def text_typos(text: str) -> list[str]:
    """Return the obvious typos of a catalogue text: a word repeated, a double space."""
    found = []
    for match in _REPEATED_WORD.finditer(text):
        if match.group(1).lower() not in _REDUPLICATIONS:
            found.append(f"lặp từ “{match.group(0)}”")
    for match in _DOUBLE_SPACE.finditer(text):
        start = max(0, match.start() - 20)
        found.append(f"hai dấu cách liền nhau “…{text[start : match.end() + 20]}…”")
    return found
