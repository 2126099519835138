"""Every read of dossiers for views and APIs; the one gate for access (DESIGN.md §3.3).

A user who may not see a dossier gets NotFound, exactly like for one that does not exist.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.constants import StaffRoleName
from accounts.models import Agency, StaffRole, User
from dvctt.errors import NotFound
from procedures.models import Procedure
from procedures.services import procedure_snapshot

from .constants import DossierStatus
from .models import Attachment, Dossier, DossierEvent, Handover


def _not_found() -> NotFound:
    return NotFound(_("Không tìm thấy hồ sơ."))


def _base() -> QuerySet[Dossier]:
    return Dossier.objects.select_related("procedure", "agency", "procedure_version")


def _official_agency_ids(user: User) -> list[int]:
    if not (user.is_authenticated and user.is_official):
        return []
    return list(StaffRole.objects.filter(user=user).values_list("agency_id", flat=True).distinct())


def _official_visibility(user: User, agency_ids: list[int] | None = None) -> Q:
    # Officials see their agencies' filed dossiers, the ones handed to their agency for an
    # inter-agency step (liên thông, NĐ 61/2018 Điều 19.5), and the counter drafts they started.
    ids = _official_agency_ids(user) if agency_ids is None else agency_ids
    return (
        (Q(agency_id__in=ids) | Q(handling_agency_id__in=ids)) & ~Q(status=DossierStatus.DRAFT)
    ) | Q(created_by=user, status=DossierStatus.DRAFT)


def dossier_get_for_citizen(*, user: User, dossier_id) -> Dossier:
    """Return the user's own dossier, or raise NotFound."""
    if not user.is_authenticated:
        raise _not_found()
    dossier = _base().filter(pk=dossier_id, applicant=user).first()
    if dossier is None:
        raise _not_found()
    return dossier


def dossier_get_for_official(*, user: User, dossier_id) -> Dossier:
    """Return a dossier of one of the official's agencies, or raise NotFound."""
    if not (user.is_authenticated and user.is_official):
        raise _not_found()
    dossier = _base().filter(_official_visibility(user), pk=dossier_id).first()
    if dossier is None:
        raise _not_found()
    return dossier


def dossier_get_for_user(*, user: User, dossier_id) -> Dossier:
    """Return a dossier the user owns or handles, or raise NotFound."""
    try:
        return dossier_get_for_citizen(user=user, dossier_id=dossier_id)
    except NotFound:
        return dossier_get_for_official(user=user, dossier_id=dossier_id)


def _filtered(
    qs: QuerySet[Dossier],
    *,
    status: str | None = None,
    procedure: str | None = None,
    overdue: bool | None = None,
) -> QuerySet[Dossier]:
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
    *, user: User, status: str | None = None, procedure: str | None = None, overdue=None
) -> QuerySet[Dossier]:
    """Return the citizen's own dossiers, newest first."""
    qs = _base().filter(applicant=user).order_by("-created_at")
    return _filtered(qs, status=status, procedure=procedure, overdue=overdue)


def dossiers_for_official(
    *, user: User, status: str | None = None, procedure: str | None = None, overdue=None
) -> QuerySet[Dossier]:
    """Return the dossiers of the official's agencies (no citizens' drafts), newest first."""
    qs = _base().filter(_official_visibility(user)).order_by("-created_at")
    return _filtered(qs, status=status, procedure=procedure, overdue=overdue)


def dossiers_for_user(*, user: User, **filters) -> QuerySet[Dossier]:
    """Return what the list API shows: officials their agencies', citizens their own."""
    if user.is_official:
        return dossiers_for_official(user=user, **filters)
    return dossiers_for_citizen(user=user, **filters)


def dossier_detail(*, dossier: Dossier) -> Dossier:
    """Return the dossier with its events and current attachments loaded."""
    return (
        _base()
        .select_related("current_handler", "handling_agency")
        .prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.order_by("at", "id")),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(is_current=True).order_by("uploaded_at"),
                to_attr="current_attachments",
            ),
        )
        .get(pk=dossier.pk)
    )


def dossier_track(*, code: str, id_last4: str) -> Dossier:
    """Return a filed dossier by its code and the last 4 digits of the applicant's id number."""
    code, id_last4 = (code or "").strip(), (id_last4 or "").strip()
    if not code or len(id_last4) != 4 or not id_last4.isdigit():
        raise _not_found()
    dossier = (
        _base()
        .prefetch_related(Prefetch("events", queryset=DossierEvent.objects.order_by("at", "id")))
        .filter(code=code, applicant_id_number__endswith=id_last4)
        .exclude(status=DossierStatus.DRAFT)
        .first()
    )
    if dossier is None:
        raise _not_found()
    return dossier


def attachment_get_for_user(*, user: User, dossier_id, attachment_id) -> Attachment:
    """Return an attachment of a dossier the user may see, or raise NotFound."""
    dossier = dossier_get_for_user(user=user, dossier_id=dossier_id)
    attachment = Attachment.objects.filter(pk=attachment_id, dossier=dossier).first()
    if attachment is None:
        raise NotFound(_("Không tìm thấy tệp."))
    return attachment


def reception_agencies(*, user: User) -> QuerySet:
    """Return the agencies where the user works at the one-stop desk."""
    if not (user.is_authenticated and user.is_official):
        return Agency.objects.none()
    return Agency.objects.filter(
        staff_roles__user=user, staff_roles__role=StaffRoleName.RECEPTION
    ).distinct()


def procedure_snapshot_for_display(*, procedure: Procedure) -> dict:
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
