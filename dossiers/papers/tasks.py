"""Background work of dossiers: rendering their papers on the `pdf` queue."""

from __future__ import annotations

from celery import shared_task

from . import documents


# The name is the one the task had before papers became a package: queued tasks and the
# `dossiers.tasks.*` route to the `pdf` queue (settings CELERY_TASK_ROUTES) keep working.
@shared_task(
    name="dossiers.tasks.documents_render",
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def documents_render(self, dossier_id: str) -> int:
    """Render every paper the dossier has now; return how many are stored."""
    # idempotency: a paper whose stored file matches its data is skipped, so a repeat (retry,
    # duplicate delivery, a render already done in a request) stores nothing new.
    return len(documents.documents_render_all(dossier_id=dossier_id))
