"""Small query helpers every app shares."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def one_or_none(queryset: QuerySet[M]) -> M | None:
    """Return the one row a unique lookup names, or None.

    Unlike `.first()` it adds no ORDER BY: Django compiles an ordering against every selected
    column, which on a wide row with joins (a dossier with its procedure, version and agency)
    costs more CPU than the query itself (issue 24).
    """
    try:
        return queryset.get()
    except ObjectDoesNotExist:
        return None
