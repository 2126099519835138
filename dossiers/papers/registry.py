"""The registry of papers: each kind of paper a dossier may have is one decorated builder.

    @paper(kind="receipt", template="documents/receipt.html")
    def receipt(dossier, events):
        return {...}  # what the paper shows; `issued_at` (a datetime) is required

The builder gets the dossier and its history and returns the paper's data; the renderer
(documents.py) adds what every paper shows, hashes it, renders the template with its QR code
and stores it. Which dossiers have the paper: by default those where an action whose spec names
this paper (`ActionSpec.paper`, dossiers/workflow/actions.py) has run; `when` says otherwise.
The pages, the API and the `pdf` worker look papers up here; the order of registration is the
order they are listed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import workflow
from ..constants import DocumentKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from ..models import Dossier, DossierEvent

Builder = Callable[["Dossier", list["DossierEvent"]], dict[str, Any]]
# (dossier, issued: an action issuing the paper has run, for_citizen) → the dossier has it now.
When = Callable[["Dossier", bool, bool], bool]


def _when_issued(dossier: Dossier, issued: bool, for_citizen: bool) -> bool:
    return issued


@dataclass(frozen=True)
class Paper:
    """One kind of paper: its label, template, builder and when a dossier has it."""

    kind: str
    label: StrOrPromise
    template: str
    build: Builder
    when: When = _when_issued
    a5: bool = True  # printed on A5 (the control slip's table needs A4)
    # An official may upload it instead of it being rendered (the result, result_file_attach).
    uploadable: bool = False

    def issuing_actions(self) -> tuple[str, ...]:
        """Return the actions whose spec names this paper (its event is the paper's source)."""
        return tuple(name for name, spec in workflow.ACTIONS.items() if spec.paper == self.kind)


PAPERS: dict[str, Paper] = {}


def paper(
    *,
    kind: str,
    template: str = "",
    label: StrOrPromise = "",
    when: When = _when_issued,
    a5: bool = True,
    uploadable: bool = False,
) -> Callable[[Builder], Builder]:
    """Register the decorated builder as the paper of `kind` (template `documents/<kind>.html`
    and DocumentKind's label unless given)."""

    def register(build: Builder) -> Builder:
        PAPERS[kind] = Paper(
            kind=kind,
            label=label or (DocumentKind(kind).label if kind in DocumentKind.values else kind),
            template=template or f"documents/{kind}.html",
            build=build,
            when=when,
            a5=a5,
            uploadable=uploadable,
        )
        return build

    return register


def unregister_paper(kind: str) -> None:
    """Remove a paper registered by @paper (a test's fake paper)."""
    PAPERS.pop(kind, None)


def paper_label(kind: str) -> StrOrPromise:
    """Return the label of a kind of paper (the kind itself when none is registered)."""
    found = PAPERS.get(kind)
    return found.label if found else kind
