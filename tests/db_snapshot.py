"""Build expensive test data once per session and copy it into each test that asks for it.

A fixture that imports the whole catalogue through the real services costs ~2,500 queries.
`capture` runs such a build once, inside a transaction it rolls back, and keeps the rows it
added; `restore` writes them back with one bulk INSERT per table (plus a sequence reset), so
that every test still starts from the same rows and still rolls back on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction


@dataclass(frozen=True)
class Snapshot:
    """The rows a build added, per model, as column values (attname → value)."""

    tables: tuple[tuple[type[models.Model], tuple[dict[str, Any], ...]], ...]

    def count(self, model: type[models.Model]) -> int:
        return sum(len(rows) for table, rows in self.tables if table is model)


class _RollBack(Exception):
    pass


def _stored_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def capture(build: Callable[[], Any]) -> tuple[Any, Snapshot]:
    """Run `build` in a transaction that is rolled back; return its result and added rows."""
    stored = _stored_models()
    captured: dict[str, Any] = {}
    try:
        with transaction.atomic():
            before = {
                model: set(model._base_manager.values_list("pk", flat=True)) for model in stored
            }
            captured["result"] = build()
            tables = []
            for model in stored:
                columns = [field.attname for field in model._meta.concrete_fields]
                rows = tuple(
                    model._base_manager.exclude(pk__in=before[model])
                    .order_by("pk")
                    .values(*columns)
                )
                if rows:
                    tables.append((model, rows))
            captured["snapshot"] = Snapshot(tuple(tables))
            raise _RollBack
    except _RollBack:
        pass
    return captured["result"], captured["snapshot"]


def restore(snapshot: Snapshot) -> None:
    """Insert the captured rows (same primary keys) and move the id sequences past them."""
    # Foreign keys are checked at commit (Django declares them DEFERRABLE INITIALLY DEFERRED),
    # so the tables may be filled in any order.
    for model, rows in snapshot.tables:
        model._base_manager.bulk_create([model(**row) for row in rows])
    sequences = connection.ops.sequence_reset_sql(no_style(), [m for m, _ in snapshot.tables])
    if sequences:
        with connection.cursor() as cursor:
            for sql in sequences:
                cursor.execute(sql)
