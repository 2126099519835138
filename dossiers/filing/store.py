"""Reads of the citizen's personal data store (kho dữ liệu cá nhân, docs/api.md §10).

The store is not a table of its own: it is a view of what the portal already keeps — the
results of the citizen's returned dossiers (the current `DossierDocument` of kind `result`) and
the current files of their filed (non-draft) dossiers — so nothing has to be copied or kept in
step. Each item has a stable id, `result-<DossierDocument uuid>` or `attachment-<Attachment
uuid>` (docs/api.md §10). A list is one UNION of the two, newest first, with the page's rows
loaded afterwards by primary key: a page costs the same queries whatever the store holds.

Only the owner reaches an item here; anyone else's id is NotFound, like one that does not
exist. Officials see a stored file only through a dossier that uses it (dossiers/selectors.py).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BigIntegerField,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext as _

from accounts.models import User
from dvctt.errors import NotFound
from procedures.text import fold

from ..constants import DocumentKind, DossierStatus
from ..models import Attachment, DossierDocument

RESULT = "result"
ATTACHMENT = "attachment"
STORED_ID = re.compile(r"(result|attachment)-([0-9a-fA-F-]{32,36})")
# The reuse page ranks what fits a component among the newest items of the store, in Python
# (names are compared word by word); a store larger than this is narrowed by its search box.
FIT_WINDOW = 500


@dataclass(frozen=True)
class StoredDocument:
    """One item of the personal data store, as the page and the API show it."""

    id: str
    kind: str
    name: str
    procedure: str
    procedure_code: str
    dossier_code: str
    dossier_id: uuid.UUID
    component: str | None
    issued_at: dt.datetime
    sha256: str
    size: int
    content_type: str
    signed: bool
    # The /xac-thuc/<token>/ page of a result (None for an attachment).
    verify_token: str | None
    source: Attachment | DossierDocument


def stored_id(kind: str, pk: uuid.UUID | str) -> str:
    """Return the store id of a result or an attachment."""
    return f"{kind}-{pk}"


def parse_stored_id(value: Any) -> tuple[str, uuid.UUID] | None:
    """Return (kind, uuid) of a store id, or None when it is not one."""
    match = STORED_ID.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return match.group(1), uuid.UUID(match.group(2))
    except ValueError:
        return None


def document_is_signed(document: DossierDocument) -> bool:
    """Tell whether a stored result carries the issuing agency's signature (docs/api.md §10).

    The one place the store asks. The signing of papers records when the agency signed the
    served file (`DossierDocument.signed_at`); until that field exists nothing is signed.
    """
    # getattr: the signing's field lands beside this code; read it as soon as it is there.
    return getattr(document, "signed_at", None) is not None


def _attachments(user: User) -> QuerySet[Attachment]:
    # A reused attachment shares its source's file, which the store lists already.
    if not (user.is_authenticated and user.is_citizen):
        return Attachment.objects.none()
    return Attachment.objects.filter(
        dossier__applicant=user, is_current=True, reused=False
    ).exclude(dossier__status=DossierStatus.DRAFT)


def _results(user: User) -> QuerySet[DossierDocument]:
    # NĐ 61/2018 Điều 20: the citizen receives the result when it is returned; the newest row
    # of the dossier's result is the current one (papers keep older versions for their QR).
    if not (user.is_authenticated and user.is_citizen):
        return DossierDocument.objects.none()
    newer = DossierDocument.objects.filter(
        dossier=OuterRef("dossier"), kind=DocumentKind.RESULT, created_at__gt=OuterRef("created_at")
    )
    return DossierDocument.objects.filter(
        kind=DocumentKind.RESULT,
        dossier__applicant=user,
        dossier__status=DossierStatus.RETURNED,
    ).exclude(Exists(newer))


def _searched(
    attachments: QuerySet[Attachment], results: QuerySet[DossierDocument], q: str
) -> tuple[QuerySet[Attachment], QuerySet[DossierDocument]]:
    q = " ".join((q or "").split())[:100]
    if not q:
        return attachments, results
    folded = fold(q)
    # Names and procedures without diacritics (procedures/text.py::fold); the dossier code as
    # typed; a result by its title in the catalogue as typed.
    by_code = Q(dossier__code__icontains=q)
    if folded:
        by_procedure = Q(dossier__procedure__search_text__contains=folded)
        attachments = attachments.filter(Q(search_text__contains=folded) | by_procedure | by_code)
        results = results.filter(
            by_procedure
            | by_code
            | Q(original_name__icontains=q)
            | Q(dossier__procedure_version__snapshot__result__icontains=q)
        )
    else:
        attachments, results = attachments.filter(by_code), results.filter(by_code)
    return attachments, results


def _light_rows(user: User, q: str = "") -> QuerySet[Any]:
    """Return the UNION of the store's rows (kind, pk, at, component id, name), newest first."""
    attachments, results = _searched(_attachments(user), _results(user), q)
    a = attachments.annotate(
        k=Value(ATTACHMENT, output_field=CharField()),
        at=F("uploaded_at"),
        cid=F("component_id_snapshot"),
        label=F("component_name"),
    ).values_list("k", "pk", "at", "cid", "label")
    r = results.annotate(
        k=Value(RESULT, output_field=CharField()),
        at=F("issued_at"),
        cid=Value(None, output_field=BigIntegerField()),
        label=KeyTextTransform("result", "dossier__procedure_version__snapshot"),
    ).values_list("k", "pk", "at", "cid", "label")
    return a.union(r, all=True).order_by("-at", "-pk")


def _result_name(title: str | None, procedure_name: str) -> str:
    # The catalogue's result text may list several papers ("…; …"): the first names it.
    first = (title or "").split(";")[0].strip()
    return (first or _("Kết quả: %(procedure)s") % {"procedure": procedure_name})[:200]


def _hydrate(rows: list[tuple[Any, ...]]) -> list[StoredDocument]:
    ids = {ATTACHMENT: [r[1] for r in rows if r[0] == ATTACHMENT]}
    ids[RESULT] = [r[1] for r in rows if r[0] == RESULT]
    loaded: dict[tuple[str, Any], StoredDocument] = {}
    if ids[ATTACHMENT]:
        for a in Attachment.objects.filter(pk__in=ids[ATTACHMENT]).select_related(
            "dossier__procedure"
        ):
            loaded[ATTACHMENT, a.pk] = _from_attachment(a)
    if ids[RESULT]:
        documents = (
            DossierDocument.objects.filter(pk__in=ids[RESULT])
            .select_related("dossier__procedure")
            .annotate(
                result_title=KeyTextTransform("result", "dossier__procedure_version__snapshot")
            )
        )
        for d in documents:
            loaded[RESULT, d.pk] = _from_document(d)
    return [loaded[r[0], r[1]] for r in rows if (r[0], r[1]) in loaded]


def _from_attachment(a: Attachment) -> StoredDocument:
    return StoredDocument(
        id=stored_id(ATTACHMENT, a.pk),
        kind=ATTACHMENT,
        name=a.original_name,
        procedure=a.dossier.procedure.name,
        procedure_code=a.dossier.procedure.code,
        dossier_code=a.dossier.code or "",
        dossier_id=a.dossier_id,
        component=a.component_name,
        issued_at=a.uploaded_at,
        sha256=a.sha256,
        size=a.size,
        content_type=a.content_type,
        # The citizen's own scans carry no agency signature.
        signed=False,
        verify_token=None,
        source=a,
    )


def _from_document(d: DossierDocument) -> StoredDocument:
    procedure = d.dossier.procedure
    return StoredDocument(
        id=stored_id(RESULT, d.pk),
        kind=RESULT,
        name=_result_name(getattr(d, "result_title", None), procedure.name),
        procedure=procedure.name,
        procedure_code=procedure.code,
        dossier_code=d.dossier.code or "",
        dossier_id=d.dossier_id,
        component=None,
        issued_at=d.issued_at,
        sha256=d.sha256,
        size=d.size,
        content_type="application/pdf",
        signed=document_is_signed(d),
        verify_token=d.token,
        source=d,
    )


class StoreRows:
    """The store's rows for a paginator: counted in the database, the page loaded by id."""

    def __init__(self, rows: QuerySet[Any] | list[tuple[Any, ...]]) -> None:
        self.rows = rows

    def count(self) -> int:
        return self.rows.count() if isinstance(self.rows, QuerySet) else len(self.rows)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[StoredDocument]:
        return _hydrate(list(self.rows[index]))


def stored_documents_for_citizen(*, user: User, q: str = "") -> StoreRows:
    """Return the citizen's store, newest first; `q` matches names, procedures and codes."""
    return StoreRows(_light_rows(user, q))


def _words(text: str | None) -> set[str]:
    return {w for w in fold(text).split() if len(w) > 1}


def fits_component(*, component: dict[str, Any], component_id: Any, label: str | None) -> int:
    """Return how well a stored item fits a component: 2 same component, 1 similar name, 0."""
    if component_id is not None and component_id == component.get("id"):
        return 2
    wanted, have = _words(component.get("name")), _words(label)
    if wanted and have and len(wanted & have) * 2 >= len(wanted | have):
        return 1
    return 0


def stored_documents_for_component(
    *, user: User, component: dict[str, Any], q: str = ""
) -> tuple[StoreRows, int]:
    """Return the store ordered for one component — what fits first — and how many fit.

    What fits: a file filed for the same component, or one whose document name shares most of
    its words with the component's (folded, procedures/text.py). Ranked among the newest
    FIT_WINDOW items.
    """
    rows = list(_light_rows(user, q)[:FIT_WINDOW])
    scored = [(fits_component(component=component, component_id=r[3], label=r[4]), r) for r in rows]
    ordered = sorted(scored, key=lambda pair: -pair[0])  # stable: newest first within a rank
    return StoreRows([r for _score, r in ordered]), sum(1 for s, _r in scored if s)


def stored_document_get_for_citizen(*, user: User, stored_document_id: Any) -> StoredDocument:
    """Return one item of the user's own store, or raise NotFound (another's id included)."""
    parsed = parse_stored_id(stored_document_id)
    found: list[StoredDocument] = []
    if parsed is not None:
        kind, pk = parsed
        if kind == ATTACHMENT:
            found = [
                _from_attachment(a)
                for a in _attachments(user).filter(pk=pk).select_related("dossier__procedure")
            ]
        else:
            found = [
                _from_document(d)
                for d in _results(user)
                .filter(pk=pk)
                .select_related("dossier__procedure")
                .annotate(
                    result_title=KeyTextTransform("result", "dossier__procedure_version__snapshot")
                )
            ]
    if not found:
        raise NotFound(_("Không tìm thấy giấy tờ trong kho dữ liệu."))
    return found[0]
