"""Typo tolerance: the catalogue's words and the close words a query word may stand for.

Trigram similarity cannot tell "ki" from "ky" (two-letter words share almost no trigrams)
and re-checking word_similarity() on long texts costs tens of microseconds per row, too slow
for 100,000 procedures. Instead each query word is matched against the lexicon of words the
catalogue uses (SearchWord, a few thousand rows) by edit distance, with the symmetric-delete
method (precomputed deletions), and the search then asks for any of those words — a
condition the trigram index serves on PostgreSQL and the same one SQLite's fallback checks.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Iterable

WORD = re.compile(r"^[a-z]{2,40}$")
CACHE_SECONDS = 300
MAX_ALTERNATIVES = 8

_lock = threading.Lock()
_generation = itertools.count()
_state: dict = {
    "generation": -1,
    "loaded_at": 0.0,
    "words": frozenset(),
    "prefixes": frozenset(),
    "deletes": {},
}
_current = {"generation": next(_generation)}


def words_of(folded: str) -> set[str]:
    """Return the lexicon words of a folded text (letters only, two or more)."""
    return {word for word in folded.split() if WORD.match(word)}


def words_store(folded_texts: Iterable[str]) -> None:
    """Add the words of folded catalogue texts to the lexicon (SearchWord), once each."""
    from .models import SearchWord

    words: set[str] = set()
    for text in folded_texts:
        words |= words_of(text)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True, batch_size=5000
    )
    invalidate()


def invalidate() -> None:
    """Make the next search reload the lexicon (called when this process changes words)."""
    _current["generation"] = next(_generation)


def max_distance(word: str) -> int:
    """Return how many edits a query word may be away from a catalogue word."""
    if len(word) <= 1:
        return 0
    return 1 if len(word) <= 5 else 2


def _deletes(word: str, distance: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(distance):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def edit_distance(a: str, b: str) -> int:
    """Return the Damerau-Levenshtein (optimal string alignment) distance of two words."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _load() -> tuple[frozenset[str], frozenset[str], dict[str, set[str]]]:
    from .models import SearchWord

    words = set(SearchWord.objects.values_list("word", flat=True))
    prefixes = frozenset(word[:end] for word in words for end in range(1, len(word) + 1))
    deletes: dict[str, set[str]] = {}
    for word in words:
        for variant in _deletes(word, max_distance(word)):
            deletes.setdefault(variant, set()).add(word)
    return frozenset(words), prefixes, deletes


def _lexicon() -> tuple[frozenset[str], frozenset[str], dict[str, set[str]]]:
    now = time.monotonic()
    state = _state
    if state["generation"] != _current["generation"] or now - state["loaded_at"] > CACHE_SECONDS:
        with _lock:
            generation = _current["generation"]
            words, prefixes, deletes = _load()
            _state.update(
                generation=generation,
                loaded_at=now,
                words=words,
                prefixes=prefixes,
                deletes=deletes,
            )
    return _state["words"], _state["prefixes"], _state["deletes"]


def alternatives(word: str) -> list[str]:
    """Return the catalogue words `word` may stand for, nearest first.

    A catalogue word stands for itself; a misspelt or half-typed one for itself (as a word
    start) and the catalogue words within `max_distance` edits. A word with neither returns
    [] (unknown to the catalogue); numbers and codes are returned as they are.
    """
    if not WORD.match(word):
        return [word]
    words, prefixes, deletes = _lexicon()
    if word in words:
        # a correctly spelt catalogue word stands for itself only: expanding "dang" to
        # "bang", "dong", "tang"… would flood the results with unrelated procedures
        return [word]
    limit = max_distance(word)
    candidates: set[str] = set()
    for variant in _deletes(word, limit):
        candidates |= deletes.get(variant, set())
    scored = sorted(
        (distance, abs(len(c) - len(word)), c)
        for c in candidates
        if (distance := edit_distance(word, c)) <= limit
    )
    found = [c for _, _, c in scored[:MAX_ALTERNATIVES]]
    # a word the catalogue has, or begins (someone still typing), stands for itself first
    if word in prefixes:
        found = [word, *(c for c in found if c != word)]
    return found
