"""Reads that may lag go to the read replica; everything else stays on the primary.

With DATABASE_REPLICA_URL set, settings add a "replica" database (a streaming standby of the
primary). Only named use sites read from it, through `replica_alias()`: statistics, exports
and other heavy reads that tolerate a second of replication lag (the Mẫu 06 register export).
Requests that write, and pages that must show what was just written (queues, a dossier after
an action), read from the primary: the router never sends a read there on its own. Writes
always go to the primary, and the replica is never migrated (it copies the primary).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"


def replica_alias() -> str:
    """Return the database alias for lag-tolerant heavy reads: the replica when configured."""
    return REPLICA if REPLICA in settings.DATABASES else DEFAULT_DB_ALIAS


class PrimaryReplicaRouter:
    """Writes and migrations on the primary; reads there unless a use site names the replica."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return None  # the primary (Django's default), unless `.using(replica_alias())`

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases hold the same rows: objects read from either may be related.
        dbs = {obj1._state.db, obj2._state.db}
        return True if dbs <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None
