"""The officials' workspace (/can-bo/): the queues with their counts, search and filters, a
dossier's page with the actions the official may run, and the officials' and citizens'
reminders (Celery beat, dossiers/workspace/reminders.py).

What other modules may call is named here; `views`, `forms` and `reminders` are reached
directly only by the URLs, Celery's autodiscovery and the tests.
"""

from __future__ import annotations

from .selectors import (
    QUEUES,
    dossiers_for_official_queue,
    official_default_queue,
    official_queue_counts,
    official_roles,
)
from .views import require_official

__all__ = [
    "QUEUES",
    "dossiers_for_official_queue",
    "official_default_queue",
    "official_queue_counts",
    "official_roles",
    "require_official",
]
