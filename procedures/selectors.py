"""Reads of the catalogue: search, lists and the detail of a procedure."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, overload

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.shortcuts import get_object_or_404

from . import lexicon
from .deadlines import days_value
from .models import Component, Field, Procedure
from .text import fold

MAX_QUERY_LENGTH = 200
# The number of matches rides along with each ranked id (COUNT(*) OVER ()), so that a page
# of results needs no separate count (see pagination.py).
_TOTAL = Window(expression=Count("pk"))


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    field: str = ""
    agency: str = ""
    level: str = ""
    online: str = ""


def _filtered(filters: CatalogueFilters) -> QuerySet[Procedure]:
    qs = Procedure.objects.filter(is_published=True)
    if filters.field:
        qs = qs.filter(field__code=filters.field)
    if filters.agency:
        qs = qs.filter(agencies__code=filters.agency)
    if filters.level:
        if connection.vendor == "postgresql":
            qs = qs.filter(levels__contains=[filters.level])
        else:
            # SQLite has no JSON containment; the stored text holds the JSON-encoded value.
            qs = qs.filter(levels__icontains=json.dumps(filters.level))
    if filters.online:
        qs = qs.filter(online_mode=filters.online)
    return qs


@dataclass(frozen=True)
class _Plan:
    folded: str
    words: list[str]
    choices: dict[str, list[str]]  # query word → catalogue words it may stand for


def _plan(query: str) -> _Plan:
    folded = fold(query[:MAX_QUERY_LENGTH])
    words = list(dict.fromkeys(folded.split()))
    return _Plan(folded, words, {word: lexicon.alternatives(word) for word in words})


def _word_pattern(choices: list[str]) -> str:
    return " (" + "|".join(re.escape(choice) for choice in choices) + ")"


# On PostgreSQL the conditions and the rank are written as SQL text: they are rebuilt for
# every keystroke of search-as-you-type, and compiling the same ~20 lookups as Q objects and
# a CASE through the ORM took longer than running the query on a 5,000-procedure catalogue.
_SEARCH_TEXT = '"procedures_procedure"."search_text"'


# an SQL fragment and its parameters
_SQL = tuple[str, list[str]]


def _like(text: str) -> _SQL:
    # the `contains` lookup: LIKE with % and _ escaped, which the trigram index serves
    return f"{_SEARCH_TEXT} LIKE %s", [f"%{connection.ops.prep_for_like_query(text)}%"]


def _regex(pattern: str) -> _SQL:
    return f"{_SEARCH_TEXT} ~ %s", [pattern]


def _join(parts: list[_SQL], glue: str) -> _SQL:
    return glue.join(f"({sql})" for sql, _ in parts), [p for _, params in parts for p in params]


_INDEXED_WORD = re.compile(r"^[a-z0-9]{3,}$")


def _word_start(word: str) -> _SQL:
    """Return the SQL of "a word of search_text starts with `word`" for the WHERE clause.

    LIKE '% giay%' makes the trigram index merge the word-start trigrams "  g" and " gi",
    which thousands of words share; LIKE '%giay%' (implied by it) asks only for "gia" and
    "iay", and strpos() then checks the word start on the rows found, as a filter: it is not
    an operator the index serves. Same rows, about a third less time at 100,000 procedures.
    A word without three letters or digits in a row has no such trigram: it keeps the LIKE.
    """
    if _INDEXED_WORD.match(word):
        return (
            f"{_SEARCH_TEXT} LIKE %s AND strpos({_SEARCH_TEXT}, %s) > 0",
            [f"%{word}%", f" {word}"],
        )
    return _like(f" {word}")


def _conditions(plan: _Plan) -> tuple[_SQL, _SQL, _SQL]:
    """Return the SQL (text, params) of the phrase, the all-words tier and the WHERE clause.

    `search_text` is " " + folded words joined by single spaces, so " ki" marks a word that
    starts with "ki". The WHERE clause asks for all words or, for typos, every word or a
    close catalogue word (a regex); the trigram index serves each of its conditions.
    """
    phrase = _like(f" {plan.folded}")
    all_words = _join([_like(f" {word}") for word in plan.words], " AND ")
    where_all = _join([_word_start(word) for word in plan.words], " AND ")
    known = [word for word in plan.words if plan.choices[word]]
    if not known:
        # a word neither in the catalogue nor close to one cannot be matched: leave it out
        # of the typo tier rather than let it hide every result
        return phrase, all_words, where_all
    fuzzy = _join(
        [
            _word_start(word)
            if plan.choices[word] == [word]
            else _regex(_word_pattern(plan.choices[word]))
            for word in known
        ],
        " AND ",
    )
    # the OR of two identical conditions would only cost the planner time
    where = where_all if fuzzy == where_all else _join([where_all, fuzzy], " OR ")
    return phrase, all_words, where


def _rank_sql(plan: _Plan, phrase: _SQL, all_words: _SQL) -> _SQL:
    # One CASE ranks the tiers: 20 phrase, 10 all words, and for typo matches the share of
    # query words found as typed (0..1). The share costs a LIKE per word, where trigram
    # similarity of each candidate cost ~30 µs a row.
    found = [_like(f" {word}") for word in plan.words]
    share = " + ".join(f"(CASE WHEN {sql} THEN 1 ELSE 0 END)" for sql, _ in found)
    return (
        f"CASE WHEN {phrase[0]} THEN 20.0 WHEN {all_words[0]} THEN 10.0 "
        f"ELSE ({share})::double precision / {float(len(plan.words))} END",
        [*phrase[1], *all_words[1], *(p for _, params in found for p in params)],
    )


def _rank_python(plan: _Plan, rows: Iterable[tuple[int, str, int]]) -> list[int]:
    patterns = [
        re.compile(_word_pattern(plan.choices[word])) for word in plan.words if plan.choices[word]
    ] or [re.compile(re.escape(f" {word}")) for word in plan.words]
    ranked = []
    for pk, text, popularity in rows:
        if f" {plan.folded}" in text:
            rank = 20.0
        elif all(f" {word}" in text for word in plan.words):
            rank = 10.0
        elif all(pattern.search(text) for pattern in patterns):
            rank = sum(f" {word}" in text for word in plan.words) / len(plan.words)
        else:
            continue
        ranked.append((-rank, -popularity, len(text), pk))
    ranked.sort()
    return [item[-1] for item in ranked]


class RankedProcedures:
    """The procedures a search found, best first, read one page (slice) at a time.

    Reading a slice runs the ranking on narrow rows only (id, rank keys and the number of
    all matches, COUNT(*) OVER ()), keeps the slice's ids, then fetches the wide procedure
    rows (JSON schema, legal basis…) and their field for those ids alone (`in_bulk`).
    Ranking the wide rows directly made PostgreSQL carry thousands of them through the
    window and the sort (~25 % of the statement on common phrases at 100,000 procedures).
    Every row read carries `total_count`, which SinglePassPaginator takes as the count.
    """

    ordered = True  # for Paginator: the order is the ranking's

    def __init__(
        self,
        ranking: QuerySet[Procedure, tuple[int, int]] | None = None,
        *,
        ids: list[int] | None = None,
        prefetch: tuple[Any, ...] = (),
    ):
        # `ranking` yields (id, total) in rank order; `ids` is a ranking made in Python
        self.ranking = ranking
        self._ids = ids
        self._prefetch = prefetch

    def prefetch_related(self, *lookups: Any) -> RankedProcedures:
        """Return the same results with `lookups` prefetched on the rows of each slice."""
        return RankedProcedures(self.ranking, ids=self._ids, prefetch=(*self._prefetch, *lookups))

    def count(self) -> int:
        """Return the number of all matches (a separate query; pages carry it for free)."""
        if self.ranking is None:
            return len(self._ids or [])
        return self.ranking.count()

    def _ranked(self, key: slice) -> list[tuple[int, int]]:
        if self.ranking is None:
            ids = self._ids or []
            return [(pk, len(ids)) for pk in ids[key]]
        return list(self.ranking[key])

    @overload
    def __getitem__(self, key: int) -> Procedure: ...

    @overload
    def __getitem__(self, key: slice) -> list[Procedure]: ...

    def __getitem__(self, key: int | slice) -> Procedure | list[Procedure]:
        if isinstance(key, int):
            if key < 0:
                raise IndexError("RankedProcedures does not read from the end.")
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        ranked = self._ranked(key)
        if not ranked:
            return []
        rows = (
            Procedure.objects.select_related("field")
            .prefetch_related(*self._prefetch)
            .in_bulk([pk for pk, _ in ranked])
        )
        for pk, total in ranked:
            rows[pk].total_count = total
        return [rows[pk] for pk, _ in ranked]

    def __iter__(self) -> Iterator[Procedure]:
        return iter(self[:])

    def __len__(self) -> int:
        # for the Paginator protocol; counting is a query of its own
        return self.count()


def _ranked(
    matches: QuerySet[Procedure], keys: list[tuple[str, Any, bool]], *, count_apart: bool = False
) -> RankedProcedures:
    """Return the procedures of `matches` (filtered, unsliced) in the order of `keys`.

    `keys` are (name, expression, descending) and must end with a unique one.
    With `count_apart` the total is a separate count (an InitPlan run once) instead of
    COUNT(*) OVER (): over the whole catalogue the window made PostgreSQL fully sort every
    procedure (spilling to disk) where the page needs only a top-N heap.
    """
    total: Any = _TOTAL
    if count_apart:
        counted = matches.order_by().values(_all=Value(1)).annotate(n=Count("pk")).values("n")
        total = Subquery(counted, output_field=IntegerField())
    ranking = (
        matches.annotate(sr_total=total)
        .annotate(**{f"sr_{name}": expr for name, expr, _ in keys})
        .order_by(*[f"{'-' if desc else ''}sr_{name}" for name, _, desc in keys])
        .values_list("pk", "sr_total")
    )
    return RankedProcedures(ranking)


def procedures_search(*, filters: CatalogueFilters) -> RankedProcedures:
    """Return published procedures matching the filters; with a query, best match first.

    The query is folded like `search_text` (no diacritics, lower case) and ranked in tiers:
    the exact phrase, then all words present, then every word present or replaced by a close
    catalogue word (typos, see lexicon.py), the last tier by how many words were found as
    typed. Within a tier the most used procedure comes first, then the shortest. On
    PostgreSQL every condition is served by the GIN trigram index on `search_text`, and the
    matches are ranked and counted on narrow rows before the page's rows are fetched
    (RankedProcedures); on SQLite the same ranking is computed in Python.
    """
    plan = _plan(filters.q)
    if not plan.folded:
        return _ranked(
            _filtered(filters),
            [("popularity", F("popularity"), True), ("code", F("code"), False)],
            count_apart=True,
        )
    if connection.vendor == "postgresql":
        phrase, all_words, where = _conditions(plan)
        # the SQL text is ours alone: every word of the query travels as a parameter
        condition = RawSQL(where[0], where[1], output_field=BooleanField())  # noqa: S611
        rank_sql, rank_params = _rank_sql(plan, phrase, all_words)
        rank = RawSQL(rank_sql, rank_params, output_field=FloatField())  # noqa: S611
        return _ranked(
            _filtered(filters).filter(condition),
            [
                ("rank", rank, True),
                ("popularity", F("popularity"), True),
                ("text_length", Length("search_text"), False),
                ("pk", F("pk"), False),
            ],
        )
    rows = _filtered(filters).values_list("pk", "search_text", "popularity")
    return RankedProcedures(ids=_rank_python(plan, rows))


def procedure_suggestions(*, q: str, limit: int = 5) -> list[Procedure]:
    """Return popular procedures to suggest when a search finds nothing."""
    del q  # the suggestions do not depend on the failed query yet
    return list(Procedure.objects.filter(is_published=True).order_by("-popularity", "code")[:limit])


def procedures_popular(*, limit: int = 8) -> list[Procedure]:
    """Return the most used published procedures for the home page."""
    return list(
        Procedure.objects.filter(is_published=True)
        .select_related("field")
        .order_by("-popularity", "code")[:limit]
    )


def fields_with_counts() -> QuerySet[Field]:
    """Return the fields that have published procedures, with how many each has."""
    return (
        Field.objects.annotate(
            procedure_count=Count("procedures", filter=Q(procedures__is_published=True))
        )
        .filter(procedure_count__gt=0)
        .order_by("name")
    )


def procedure_get_public(*, code: str) -> Procedure:
    """Return the published procedure with `code` and everything its page shows, or 404."""
    return get_object_or_404(
        Procedure.objects.filter(is_published=True)
        .select_related("field")
        .prefetch_related("cases__components", "fees", "steps", "agencies"),
        code=code,
    )


def _component_dict(component: Component) -> dict[str, Any]:
    return {
        "id": component.id,
        "name": component.name,
        "originals": component.originals,
        "copies": component.copies,
        "required": component.required,
        "case": component.case_id,
        "max_size_mb": component.max_size_mb,
        "kind": component.kind,
        "note": component.note,
        "template_file": component.template_file,
        "template_url": (f"/thu-tuc/mau/{component.id}/" if component.template_upload else ""),
        "once_only": component.once_only,
        "only_if": component.only_if,
    }


def procedure_snapshot(*, procedure: Procedure) -> dict[str, Any]:
    """Return the API detail representation (docs/api.md §4) of the procedure as it is now."""
    procedure = (
        Procedure.objects.select_related("field")
        .prefetch_related("cases", "components", "fees", "steps__agency", "agencies")
        .get(pk=procedure.pk)
    )
    cases = sorted(procedure.cases.all(), key=lambda c: (c.position, c.id))
    case_order = {case.id: index for index, case in enumerate(cases)}
    components = sorted(
        procedure.components.all(), key=lambda c: (case_order.get(c.case_id, 0), c.position, c.id)
    )
    flat = [_component_dict(c) for c in components]
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field.name,
        "field_code": procedure.field.code,
        "levels": list(procedure.levels),
        "agency_type": procedure.agency_type,
        "online_mode": procedure.online_mode,
        "processing_days": days_value(procedure.processing_days),
        "processing_calendar_days": procedure.processing_calendar_days,
        "online_processing_days": days_value(procedure.online_processing_days),
        "processing_note": procedure.processing_note,
        "result": procedure.result,
        "conditions": procedure.conditions,
        "legal_basis": list(procedure.legal_basis),
        "paperless_only": procedure.paperless_only,
        "applicant_types": list(procedure.applicant_types or ["citizen"]),
        "fee_payment_stage": procedure.fee_payment_stage,
        "fees": [
            {
                "name": fee.name,
                "amount": fee.amount,
                "online_amount": fee.online_amount,
                "online_from": fee.online_from.isoformat() if fee.online_from else None,
                "online_until": fee.online_until.isoformat() if fee.online_until else None,
                "note": fee.note,
                "case": fee.case_id,
            }
            for fee in sorted(procedure.fees.all(), key=lambda f: (f.position, f.id))
        ],
        "cases": [
            {
                "id": case.id,
                "name": case.name,
                "processing_days": days_value(case.processing_days),
                "components": [c for c in flat if c["case"] == case.id],
            }
            for case in cases
        ],
        "components": flat,
        "form_schema": procedure.form_schema,
        "agencies": [
            {"code": agency.code, "name": agency.name}
            for agency in sorted(procedure.agencies.all(), key=lambda a: a.code)
        ],
        "steps": [
            {
                "position": step.position,
                "name": step.name,
                "role": step.role,
                "unit_code": step.unit_code,
                "duration_hours": step.duration_hours,
                # docs/api.md §4 steps[]: an agency code, or null for the filing agency.
                "agency": step.agency.code if step.agency is not None else None,
            }
            for step in sorted(procedure.steps.all(), key=lambda s: (s.position, s.id))
        ],
        "version": procedure.version,
    }


def procedure_public_snapshot(*, code: str) -> dict[str, Any]:
    """Return the API detail (docs/api.md §4) of the published procedure with `code`, or 404."""
    procedure = get_object_or_404(Procedure.objects.filter(is_published=True).only("pk"), code=code)
    snapshot = procedure_snapshot(procedure=procedure)
    # docs/api.md §4 steps[] names (`unit`, `agency`, `hours`) next to the stored ones.
    snapshot["steps"] = [
        {**step, "unit": step["unit_code"], "hours": step["duration_hours"]}
        for step in snapshot["steps"]
    ]
    return snapshot


__all__ = [
    "CatalogueFilters",
    "RankedProcedures",
    "fields_with_counts",
    "procedure_get_public",
    "procedure_public_snapshot",
    "procedure_snapshot",
    "procedure_suggestions",
    "procedures_popular",
    "procedures_search",
]
