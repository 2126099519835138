"""Papers of a dossier: the rendered documents (Mẫu 01–06, the result), their verification
page and download endpoints, the register (sổ theo dõi) export, and the `pdf` queue task. A kind
of paper is one builder decorated with `@paper` (registry.py).

What other modules may call is named here; the submodules (`documents`, `register`, `api`,
`views`, `tasks`) are internals of this package, reached directly only by its URLs and tests.
"""

from __future__ import annotations

from .documents import (
    document_get,
    document_links,
    document_render,
    document_verify,
    documents_render_all,
    documents_schedule,
    result_file_attach,
)
from .register import register_agency_ids, register_link_context
from .registry import PAPERS, Paper, paper, paper_label, unregister_paper

__all__ = [
    "PAPERS",
    "Paper",
    "document_get",
    "document_links",
    "document_render",
    "document_verify",
    "documents_render_all",
    "documents_schedule",
    "paper",
    "paper_label",
    "register_agency_ids",
    "register_link_context",
    "result_file_attach",
    "unregister_paper",
]
