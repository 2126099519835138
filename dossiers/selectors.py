"""Every read of dossiers for views and APIs; the one gate for access (docs/design.md rule 3).

A user who may not see a dossier gets NotFound, exactly like for one that does not exist.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.constants import StaffRoleName
from accounts.models import Agency, User
from accounts.selectors import agency_ids_for_official
from dvctt.errors import NotFound
from dvctt.queries import one_or_none
from procedures.models import Procedure
from procedures.services import procedure_snapshot
from procedures.text import fold

from . import workflow
from .constants import (
    DESK_CHANNELS,
    ActorRole,
    DocumentKind,
    DossierAction,
    DossierStatus,
    EventAction,
)
from .models import (
    Attachment,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierId,
    DossierQuerySet,
    Handover,
)


def _not_found() -> NotFound:
    return NotFound(_("Không tìm thấy hồ sơ."))


def _base() -> DossierQuerySet:
    return Dossier.objects.select_related("procedure", "agency", "procedure_version")


def _official_agency_ids(user: User) -> list[int]:
    if not (user.is_authenticated and user.is_official):
        return []
    return agency_ids_for_official(user=user)


def _official_visibility(user: User, agency_ids: list[int] | None = None) -> Q:
    # Officials see their agencies' filed dossiers, the ones handed to their agency for an
    # inter-agency step (liên thông, NĐ 61/2018 Điều 19.5), and the counter drafts they started.
    ids = _official_agency_ids(user) if agency_ids is None else agency_ids
    return (
        (Q(agency_id__in=ids) | Q(handling_agency_id__in=ids)) & ~Q(status=DossierStatus.DRAFT)
    ) | Q(created_by=user, status=DossierStatus.DRAFT)


def dossier_get_for_citizen(*, user: User, dossier_id: DossierId) -> Dossier:
    """Return the user's own dossier, or raise NotFound."""
    if not user.is_authenticated:
        raise _not_found()
    dossier = one_or_none(_base().filter(pk=dossier_id, applicant=user))
    if dossier is None:
        raise _not_found()
    return dossier


def dossier_get_for_official(*, user: User, dossier_id: DossierId) -> Dossier:
    """Return a dossier of one of the official's agencies, or raise NotFound."""
    if not (user.is_authenticated and user.is_official):
        raise _not_found()
    dossier = one_or_none(_base().filter(_official_visibility(user), pk=dossier_id))
    if dossier is None:
        raise _not_found()
    return dossier


def dossier_visible_to_official(*, user: User, dossier_id: DossierId) -> bool:
    """Tell whether the official may still see the dossier (after handing it on)."""
    return _base().filter(_official_visibility(user), pk=dossier_id).exists()


def dossier_get_for_user(*, user: User, dossier_id: DossierId) -> Dossier:
    """Return a dossier the user owns or handles, or raise NotFound."""
    try:
        return dossier_get_for_citizen(user=user, dossier_id=dossier_id)
    except NotFound:
        return dossier_get_for_official(user=user, dossier_id=dossier_id)


def _filtered(
    qs: DossierQuerySet,
    *,
    status: str | None = None,
    procedure: str | None = None,
    overdue: bool | None = None,
) -> DossierQuerySet:
    if status:
        qs = qs.filter(status=status)
    if procedure:
        qs = qs.filter(procedure__code=procedure)
    if overdue is True:
        qs = qs.overdue()
    elif overdue is False:
        qs = qs.not_overdue()
    return qs


def dossiers_for_citizen(
    *,
    user: User,
    status: str | None = None,
    procedure: str | None = None,
    overdue: bool | None = None,
    q: str = "",
) -> QuerySet[Dossier]:
    """Return the citizen's own dossiers, newest first; `q` matches the code or procedure."""
    qs = _base().filter(applicant=user).order_by("-created_at")
    q = " ".join((q or "").split())
    if q:
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(procedure__code__icontains=q)
            | Q(procedure__search_text__contains=fold(q))
        )
    return _filtered(qs, status=status, procedure=procedure, overdue=overdue)


def dossiers_for_official(
    *,
    user: User,
    status: str | None = None,
    procedure: str | None = None,
    overdue: bool | None = None,
) -> QuerySet[Dossier]:
    """Return the dossiers filed at the official's agencies (docs/api.md §4), newest first.

    With the counter drafts the official started; no citizen's draft. (The ones another
    agency hands over for a step are in the "incoming" queue.) One range of the
    (agency, -created_at) index, where the wider visibility rule's OR would sort them all.
    """
    ids = _official_agency_ids(user)
    qs = (
        _base()
        .filter(Q(agency_id__in=ids) & (~Q(status=DossierStatus.DRAFT) | Q(created_by=user)))
        .order_by("-created_at")
    )
    return _filtered(qs, status=status, procedure=procedure, overdue=overdue)


def dossiers_for_user(*, user: User, **filters: Any) -> QuerySet[Dossier]:
    """Return what the list API shows: officials their agencies', citizens their own."""
    if user.is_official:
        return dossiers_for_official(user=user, **filters)
    return dossiers_for_citizen(user=user, **filters)


def _detail_prefetches() -> list[Prefetch[Any]]:
    # A reused file shows its source's verification (docs/api.md §10): the source's token and
    # its dossier's code come in the same query, not the two whole dossier rows.
    source_fields = [
        "reused_from_document__token",
        "reused_from_document__dossier",
        "reused_from_document__dossier__code",
        "reused_from_attachment__dossier",
        "reused_from_attachment__dossier__code",
    ]
    attachments = (
        Attachment.objects.filter(is_current=True)
        .select_related("reused_from_document__dossier", "reused_from_attachment__dossier")
        .only(*(f.name for f in Attachment._meta.concrete_fields), *source_fields)
        .order_by("uploaded_at")
    )
    return [
        Prefetch("events", queryset=DossierEvent.objects.order_by("at", "id")),
        Prefetch("payments"),
        Prefetch("attachments", queryset=attachments, to_attr="current_attachments"),
    ]


def dossier_detail(*, dossier: Dossier, fresh: bool = False) -> Dossier:
    """Return the dossier with its events and current attachments loaded.

    fresh=True: `dossier` is the instance a service has just written and returned, with its
    procedure, version and agency loaded; its history and files are loaded onto it instead of
    reading the dossier's row again (the filing API answers with it, issue 24).
    """
    if fresh:
        dossier._prefetched_objects_cache = {}  # type: ignore[attr-defined]
        dossier.__dict__.pop("current_attachments", None)
        if dossier.handling_agency_id == dossier.agency_id:
            dossier.handling_agency = dossier.agency  # the same row, already loaded
        prefetch_related_objects([dossier], *_detail_prefetches())
        return dossier
    return (
        _base()
        .select_related("current_handler", "handling_agency")
        .prefetch_related(*_detail_prefetches())
        .get(pk=dossier.pk)
    )


def dossier_track(*, code: str, id_last4: str) -> Dossier:
    """Return a filed dossier by its code and the last 4 digits of the applicant's id number.

    The applicant is the person the dossier is for, also when a representative filed it
    (docs/domain.md); for an organisation, the last 4 digits of its tax code.
    """
    code, id_last4 = (code or "").strip(), (id_last4 or "").strip()
    if not code or len(id_last4) != 4 or not id_last4.isdigit():
        raise _not_found()
    dossier = (
        _base()
        .prefetch_related(Prefetch("events", queryset=DossierEvent.objects.order_by("at", "id")))
        # Codes are printed in capitals (agency code "…H99"); people often type them in lower
        # case. Upper-casing the input keeps the match on the unique index.
        .filter(
            Q(applicant_id_number__endswith=id_last4)
            # A branch's tax code is written 0101234567-001: the hyphen may fall inside.
            | Q(applicant_tax_code__regex=rf"{id_last4[0]}-?{id_last4[1:]}$"),
            code__in={code, code.upper()},
        )
        .exclude(status=DossierStatus.DRAFT)
        .first()
    )
    if dossier is None:
        raise _not_found()
    return dossier


def attachment_get_for_user(
    *, user: User, dossier_id: DossierId, attachment_id: uuid.UUID | str
) -> Attachment:
    """Return an attachment of a dossier the user may see, or raise NotFound."""
    dossier = dossier_get_for_user(user=user, dossier_id=dossier_id)
    attachment = one_or_none(Attachment.objects.filter(pk=attachment_id, dossier=dossier))
    if attachment is None:
        raise NotFound(_("Không tìm thấy tệp."))
    return attachment


def reception_agencies(*, user: User) -> QuerySet[Agency]:
    """Return the agencies where the user works at the one-stop desk."""
    if not (user.is_authenticated and user.is_official):
        return Agency.objects.none()
    return Agency.objects.filter(
        staff_roles__user=user, staff_roles__role=StaffRoleName.RECEPTION
    ).distinct()


def procedure_snapshot_for_display(*, procedure: Procedure) -> dict[str, Any]:
    """Return the latest published version's snapshot, or the catalogue as it stands (no write)."""
    latest = procedure.versions.order_by("-number").first()
    return latest.snapshot if latest is not None else procedure_snapshot(procedure=procedure)


def dossier_handovers(*, dossier: Dossier) -> list[Handover]:
    """Return the dossier's hand-over rows in order: the rows of Mẫu 05 and of the history."""
    return list(
        Handover.objects.filter(dossier=dossier)
        .select_related("from_agency", "to_agency")
        .order_by("at", "id")
    )


def dossier_is_editor(*, dossier: Dossier, user: User) -> bool:
    """Tell whether `user` may change the dossier's applicant data, e-form and files.

    The one rule (services check it on every write, pages ask it before showing a form): the
    applicant, or the desk officer who filed it at the counter and still works at that desk.
    Whether the status allows an edit is the services' to say (a draft or a supplement).
    """
    roles = workflow.actor_roles(dossier, user)
    if ActorRole.OWNER in roles:
        return True
    return (
        dossier.channel in DESK_CHANNELS
        and dossier.created_by_id == user.pk
        and ActorRole.RECEPTION in roles
    )


def dossier_get_for_editor(*, user: User, dossier_id: DossierId) -> Dossier:
    """Return a dossier the user may edit (dossier_is_editor), or raise NotFound."""
    dossier = dossier_get_for_user(user=user, dossier_id=dossier_id)
    if not dossier_is_editor(dossier=dossier, user=user):
        raise _not_found()
    return dossier


def dossier_drafts_for_citizen(*, user: User, procedure_code: str) -> QuerySet[Dossier]:
    """Return the citizen's drafts of one procedure (none for an official), newest first."""
    if not (user.is_authenticated and user.is_citizen):
        return Dossier.objects.none()
    return dossiers_for_citizen(user=user, status=DossierStatus.DRAFT, procedure=procedure_code)


def dossier_current_attachments(*, dossier: Dossier) -> list[Attachment]:
    """Return the dossier's current files, oldest first."""
    return list(dossier.attachments.filter(is_current=True).order_by("uploaded_at"))


def dossier_supplement_request(*, dossier: Dossier) -> DossierEvent | None:
    """Return the latest request for a supplement of the dossier (loaded events are reused)."""
    requests = [e for e in dossier.events.all() if e.action == DossierAction.REQUEST_SUPPLEMENT]
    return max(requests, key=lambda e: (e.at, e.pk)) if requests else None


def dossier_public_events(*, dossier: Dossier) -> list[DossierEvent]:
    """Return the history the public tracking shows: every event but the draft's creation."""
    return [e for e in dossier.events.all() if e.action != EventAction.CREATE]


def procedure_get_for_filing(*, code: str) -> Procedure:
    """Return the published procedure a citizen starts a dossier of, or raise NotFound."""
    procedure = Procedure.objects.filter(code=code, is_published=True).first()
    if procedure is None:
        raise NotFound(_("Không tìm thấy thủ tục."))
    return procedure


def procedures_for_counter(*, agencies: list[Agency]) -> QuerySet[Procedure]:
    """Return the published procedures the desk's agencies take in, by code, with cases."""
    return (
        Procedure.objects.filter(agencies__in=agencies, is_published=True)
        .distinct()
        .order_by("code")
        .prefetch_related("cases")
    )


def counter_procedure_agency(*, agencies: list[Agency], case_id: int) -> tuple[Procedure, Agency]:
    """Return the procedure of the chosen case and the first of the desk's agencies doing it."""
    procedure = procedures_for_counter(agencies=agencies).get(cases__pk=case_id)
    doing = set(
        procedure.agencies.filter(pk__in=[a.pk for a in agencies]).values_list("pk", flat=True)
    )
    return procedure, next(a for a in agencies if a.pk in doing)


DIGITISATION_FLAGS = (
    "has_digitised_components",
    "has_digitised_result",
    "reused_attachments",
    "digitised_attachments",
)


def dossiers_with_digitisation(qs: QuerySet[Dossier] | None = None) -> QuerySet[Dossier]:
    """Annotate dossiers with what the digitisation indicators read (Quyết định 766/QĐ-TTg).

    - `has_digitised_components`: at least one current attachment is a file (`digitised`);
    - `has_digitised_result`: a result file is stored (`DossierDocument` of kind `result`,
      uploaded by the official or generated by the portal);
    - `reused_attachments`: how many current attachments came from the personal data store;
    - `digitised_attachments`: how many current attachments are files.
    Each is a correlated subquery on an index (attachment_current, document_current), so the
    annotation adds no join and no GROUP BY to the caller's query. docs/domain.md.
    """
    qs = Dossier.objects.all() if qs is None else qs
    current = Attachment.objects.filter(dossier=OuterRef("pk"), is_current=True)

    def counted(rows: QuerySet[Attachment]) -> Coalesce:
        total = rows.order_by().values("dossier").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(total, output_field=IntegerField()), 0)

    return qs.annotate(
        has_digitised_components=Exists(current.filter(digitised=True)),
        has_digitised_result=Exists(
            DossierDocument.objects.filter(dossier=OuterRef("pk"), kind=DocumentKind.RESULT)
        ),
        reused_attachments=counted(current.filter(reused=True)),
        digitised_attachments=counted(current.filter(digitised=True)),
    )


def dossier_digitisation(*, dossier: Dossier) -> dict[str, Any]:
    """Return the digitisation flags of one dossier (see dossiers_with_digitisation)."""
    row = dossiers_with_digitisation(Dossier.objects.filter(pk=dossier.pk)).get()
    return {name: getattr(row, name) for name in DIGITISATION_FLAGS}
