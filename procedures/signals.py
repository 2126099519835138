"""Keep the cached public pages in step with the catalogue (dvctt/page_cache.py).

Any saved or deleted row the catalogue pages show retires the cached pages once the change
commits; bulk writes, which send no signals, go through the services that call
`catalogue_changed` themselves (procedures_import, search_words_refresh).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts.models import Agency
from dvctt.page_cache import catalogue_changed

from .models import Component, FeeItem, Field, Procedure, ProcedureCase, ProcessStep


def _changed(**_kwargs) -> None:
    # Now, so that this transaction's own reads see fresh pages, and again on commit, so that
    # a page another request cached from the old rows in between is retired too.
    catalogue_changed()
    transaction.on_commit(catalogue_changed)


def connect() -> None:
    for model in (Procedure, Field, ProcedureCase, Component, FeeItem, ProcessStep, Agency):
        post_save.connect(_changed, sender=model, dispatch_uid=f"catalogue-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"catalogue-del-{model.__name__}")
    m2m_changed.connect(
        _changed, sender=Procedure.agencies.through, dispatch_uid="catalogue-agencies"
    )
