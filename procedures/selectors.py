"""Reads of the catalogue: search, lists and the detail of a procedure."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, Count, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from .models import Field, Procedure
from .text import fold, similarity, word_similarity

# pg_trgm's default word_similarity_threshold; the SQLite fallback uses the same cut-off.
WORD_SIMILARITY_THRESHOLD = 0.6
MAX_QUERY_LENGTH = 200


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


def _tiers(folded: str) -> tuple[Q, Q]:
    # `search_text` is " " + folded words joined by single spaces, so " ki" marks a word that
    # starts with "ki"; each condition is one LIKE '% …%' that the trigram index serves.
    phrase = Q(search_text__contains=f" {folded}")
    all_words = Q()
    for word in folded.split():
        all_words &= Q(search_text__contains=f" {word}")
    return phrase, all_words


def _rank_python(folded: str, rows) -> list[int]:
    words = folded.split()
    ranked = []
    for pk, text, popularity in rows:
        if f" {folded}" in text:
            tier = 2
        elif all(f" {word}" in text for word in words):
            tier = 1
        else:
            tier = 0
        word_sim = word_similarity(folded, text)
        if tier == 0 and word_sim < WORD_SIMILARITY_THRESHOLD:
            continue
        sim = similarity(folded, text)
        score = word_sim if tier else word_sim + sim
        ranked.append((-tier, -score, -popularity, -sim, pk))
    ranked.sort()
    return [item[-1] for item in ranked]


def procedures_search(*, filters: CatalogueFilters) -> QuerySet[Procedure]:
    """Return published procedures matching the filters; with a query, best match first.

    The query is folded like `search_text` (no diacritics, lower case) and ranked: the exact
    phrase first, then all words present, then fuzzy matches by trigram word similarity;
    equally good matches go most used first. On
    PostgreSQL every condition is served by the GIN trigram index on `search_text`; on SQLite
    the same ranking is computed in Python.
    """
    qs = _filtered(filters).select_related("field")
    folded = fold(filters.q[:MAX_QUERY_LENGTH])
    if not folded:
        return qs.order_by("-popularity", "code")
    phrase, all_words = _tiers(folded)
    if connection.vendor == "postgresql":
        return (
            # the phrase implies all words, so two indexable branches select the candidates
            qs.filter(all_words | Q(search_text__trigram_word_similar=folded))
            .annotate(
                tier=Case(
                    When(phrase, then=Value(2)),
                    When(all_words, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
                word_sim=TrigramWordSimilarity(folded, "search_text"),
                sim=TrigramSimilarity("search_text", folded),
                # Among typo matches a long text can hold a closer extent by chance; adding
                # the whole-text similarity favours the procedure that is mostly the query.
                score=Case(
                    When(phrase | all_words, then=F("word_sim")),
                    default=F("word_sim") + F("sim"),
                    output_field=FloatField(),
                ),
            )
            .order_by("-tier", "-score", "-popularity", "-sim", "pk")
        )
    ids = _rank_python(folded, qs.values_list("pk", "search_text", "popularity"))
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


__all__ = [
    "CatalogueFilters",
    "fields_with_counts",
    "procedure_get_public",
    "procedure_suggestions",
    "procedures_popular",
    "procedures_search",
]
