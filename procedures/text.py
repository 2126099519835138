"""Folding and trigram helpers for accent-blind catalogue search.

`fold` is the one definition of the searchable form of a text; PostgreSQL indexes what it
produces (`Procedure.search_text`), and the SQLite fallback compares with the same trigram
rules as pg_trgm (words padded with two spaces in front and one behind).
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


def trigrams(text: str) -> set[str]:
    """Return the pg_trgm trigram set of an already folded text."""
    grams: set[str] = set()
    for word in re.split(r"[^0-9a-z]+", text):
        if not word:
            continue
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """Return pg_trgm's similarity() of two folded texts."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def word_similarity(query: str, text: str) -> float:
    """Return the best similarity of `query` to a run of consecutive words of `text`.

    This is what pg_trgm's word_similarity() measures (the query against the most similar
    extent of the text), computed over whole-word extents.
    """
    tq = trigrams(query)
    if not tq:
        return 0.0
    words = text.split()
    best = 0.0
    word_grams = [trigrams(w) for w in words]
    for start in range(len(words)):
        extent: set[str] = set()
        for end in range(start, len(words)):
            extent |= word_grams[end]
            common = len(tq & extent)
            score = common / len(tq | extent)
            best = max(best, score)
            if common == len(tq):
                break
    return best
