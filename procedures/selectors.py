"""Reads of the catalogue: search, lists and the detail of a procedure."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.expressions import Col
from django.db.models.functions import Cast, Length
from django.db.models.sql.constants import INNER
from django.shortcuts import get_object_or_404

from . import lexicon
from .models import Field, Procedure
from .text import fold

MAX_QUERY_LENGTH = 200
# The number of matches rides along with each row (COUNT(*) OVER ()), so that a page of
# results is one query instead of a count and a page (see pagination.py).
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


def _conditions(plan: _Plan) -> tuple[Q, Q, Q]:
    # `search_text` is " " + folded words joined by single spaces, so " ki" marks a word that
    # starts with "ki"; every condition is a LIKE or a regex the trigram index serves.
    phrase = Q(search_text__contains=f" {plan.folded}")
    all_words = Q()
    for word in plan.words:
        all_words &= Q(search_text__contains=f" {word}")
    fuzzy = Q()
    known = [word for word in plan.words if plan.choices[word]]
    for word in known:
        choices = plan.choices[word]
        if choices == [word]:
            fuzzy &= Q(search_text__contains=f" {word}")
        else:
            fuzzy &= Q(search_text__regex=_word_pattern(choices))
    # a word neither in the catalogue nor close to one cannot be matched: leave it out of
    # the typo tier rather than let it hide every result
    return phrase, all_words, fuzzy if known else all_words


def _exact_word_share(plan: _Plan):
    found = [
        Case(When(search_text__contains=f" {word}", then=Value(1)), default=Value(0))
        for word in plan.words
    ]
    total = found[0]
    for term in found[1:]:
        total = total + term
    return Cast(total, FloatField()) / Value(float(len(plan.words)))


def _rank_python(plan: _Plan, rows) -> list[int]:
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


class _RankedJoin:
    """INNER JOIN (the ranking query) AS alias ON alias.sr_id = <procedure>.id.

    The ranking query reads only narrow columns (id, rank keys, COUNT(*) OVER ()) of every
    match and keeps the best `high_mark` rows of the page being read; the wide procedure rows
    (JSON schema, legal basis…) and their field are fetched only for those. Ranking the wide
    rows directly made PostgreSQL carry thousands of them through the window and the sort
    (~25 % of the statement on common phrases at 100,000 procedures). It is still a single
    statement, so the page and its total stay one query. Implements the interface Django's
    compiler expects of an alias_map entry (see django.db.models.sql.datastructures.Join).
    """

    join_type = INNER
    nullable = False
    filtered_relation = None

    class join_field:  # read by Query.set_group_by(); the ranking has no model fields
        class related_model:
            class _meta:
                local_concrete_fields = ()

    def __init__(self, ranking: QuerySet, parent_alias: str, table_alias: str):
        self.ranking = ranking
        self.table_name = table_alias
        self.parent_alias = parent_alias
        self.table_alias = table_alias

    def as_sql(self, compiler, connection):
        ranking = self.ranking
        high_mark = compiler.query.high_mark
        if high_mark is not None:
            # rows past the page are never read: only their count, which COUNT(*) OVER ()
            # computes before the LIMIT
            ranking = ranking[:high_mark]
        sql, params = ranking.query.get_compiler(connection=connection).as_sql()
        qn = compiler.quote_name_unless_alias
        return (
            f"INNER JOIN ({sql}) {qn(self.table_alias)} "
            f"ON ({qn(self.table_alias)}.{qn('sr_id')} = {qn(self.parent_alias)}.{qn('id')})",
            params,
        )

    def relabeled_clone(self, change_map):
        return self.__class__(
            self.ranking,
            change_map.get(self.parent_alias, self.parent_alias),
            change_map.get(self.table_alias, self.table_alias),
        )

    @property
    def identity(self):
        return (self.__class__, id(self.ranking), self.parent_alias, self.table_alias)

    def equals(self, other) -> bool:
        return self == other

    def __eq__(self, other):
        if not isinstance(other, _RankedJoin):
            return NotImplemented
        return self.identity == other.identity

    def __hash__(self):
        return hash(self.identity)

    def demote(self):
        return self

    def promote(self):
        return self


_RANKED = "procedures_search_ranked"


def _ranked_column(name: str, output_field) -> Col:
    target = output_field.clone()
    target.set_attributes_from_name(name)
    target.model = Procedure  # Col's identity (hash) names a model; the column is the join's
    return Col(_RANKED, target, output_field)


def _two_stage(ranking: QuerySet, keys: list[tuple[str, object, object, bool]]) -> QuerySet:
    """Return the procedures of `ranking` (filtered, unsliced) in the order of `keys`.

    `keys` are (name, expression, output field, descending) and must end with a unique one.
    """
    ranking = ranking.values(
        sr_id=F("pk"), sr_total=_TOTAL, **{f"sr_{name}": expr for name, expr, _, _ in keys}
    ).order_by(*[f"{'-' if desc else ''}sr_{name}" for name, _, _, desc in keys])
    qs = Procedure.objects.select_related("field")
    query = qs.query
    base = query.get_initial_alias()
    query.alias_map[_RANKED] = _RankedJoin(ranking, base, _RANKED)
    query.alias_refcount[_RANKED] = 1
    query.table_map[_RANKED] = [_RANKED]
    columns = {name: _ranked_column(f"sr_{name}", field) for name, _, field, _ in keys}
    return qs.annotate(total_count=_ranked_column("sr_total", IntegerField())).order_by(
        *[columns[name].desc() if desc else columns[name].asc() for name, _, _, desc in keys]
    )


def procedures_search(*, filters: CatalogueFilters) -> QuerySet[Procedure]:
    """Return published procedures matching the filters; with a query, best match first.

    The query is folded like `search_text` (no diacritics, lower case) and ranked in tiers:
    the exact phrase, then all words present, then every word present or replaced by a close
    catalogue word (typos, see lexicon.py), the last tier by how many words were found as
    typed. Within a tier the most used procedure comes first, then the shortest. On
    PostgreSQL every condition is served by the GIN trigram index on `search_text`, and the
    matches are ranked and counted on narrow rows before the page's rows are fetched
    (_RankedJoin); on SQLite the same ranking is computed in Python.
    """
    plan = _plan(filters.q)
    postgres = connection.vendor == "postgresql"
    if not plan.folded:
        if postgres:
            return _two_stage(
                _filtered(filters),
                [
                    ("popularity", F("popularity"), IntegerField(), True),
                    ("code", F("code"), CharField(), False),
                ],
            )
        qs = _filtered(filters).select_related("field").annotate(total_count=_TOTAL)
        return qs.order_by("-popularity", "code")
    phrase, all_words, fuzzy = _conditions(plan)
    if postgres:
        # One CASE ranks the tiers: 20 phrase, 10 all words, and for typo matches the share
        # of query words found as typed (0..1). The share costs a LIKE per word, where
        # trigram similarity of each candidate cost ~30 µs a row.
        rank = Case(
            When(phrase, then=Value(20.0)),
            When(all_words, then=Value(10.0)),
            default=_exact_word_share(plan),
            output_field=FloatField(),
        )
        return _two_stage(
            _filtered(filters).filter(all_words | fuzzy),
            [
                ("rank", rank, FloatField(), True),
                ("popularity", F("popularity"), IntegerField(), True),
                ("text_length", Length("search_text"), IntegerField(), False),
                ("pk", F("pk"), IntegerField(), False),
            ],
        )
    qs = _filtered(filters).select_related("field").annotate(total_count=_TOTAL)
    ids = _rank_python(plan, qs.values_list("pk", "search_text", "popularity"))
    order = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], default=Value(0))
    return qs.filter(pk__in=ids).order_by(order) if ids else qs.none()


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


def procedure_public_snapshot(*, code: str) -> dict:
    """Return the API detail (API.md §4) of the published procedure with `code`, or 404."""
    from .services import procedure_snapshot

    procedure = get_object_or_404(Procedure.objects.filter(is_published=True).only("pk"), code=code)
    return procedure_snapshot(procedure=procedure)


__all__ = [
    "CatalogueFilters",
    "fields_with_counts",
    "procedure_get_public",
    "procedure_public_snapshot",
    "procedure_suggestions",
    "procedures_popular",
    "procedures_search",
]
