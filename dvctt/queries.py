"""Small query helpers every app shares."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

Row = TypeVar("Row")


def one_or_none(queryset: QuerySet[Any, Row]) -> Row | None:
    """Return the one row (a model, or what values_list gives) a unique lookup names, or None.

    Unlike `.first()` it adds no ORDER BY: Django compiles an ordering against every selected
    column, which on a wide row with joins (a dossier with its procedure, version and agency)
    costs more CPU than the query itself (issue 24).
    """
    try:
        return queryset.get()
    except ObjectDoesNotExist:
        return None
