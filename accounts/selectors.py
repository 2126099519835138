"""Reads about users, agencies and roles.

Every question about who holds which staff role goes through the functions below, so the
meaning of a role (agency-wide or in a unit) is decided in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import Agency, StaffRole, User


def role_pairs_for_official(
    *, user: User, agency_ids: Iterable[int] | None = None
) -> list[tuple[int, str]]:
    """Return the distinct (agency id, role) pairs the official holds, in one query."""
    qs = StaffRole.objects.filter(user=user)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    return list(qs.values_list("agency_id", "role").distinct())


def agency_ids_for_official(*, user: User, roles: Iterable[str] | None = None) -> list[int]:
    """Return the ids of the agencies where the official holds any role (or one of `roles`)."""
    qs = StaffRole.objects.filter(user=user)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return list(qs.values_list("agency_id", flat=True).distinct())


def user_holds_role(*, user: User, role: str, agency: Agency | None = None) -> bool:
    """Tell whether the user holds `role` in `agency` (in any agency if None)."""
    qs = StaffRole.objects.filter(user=user, role=role)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.exists()


def staff_roles_filter(
    *,
    agency_ids: Iterable[int] | None = None,
    roles: Iterable[str] | None = None,
    user_ids: Iterable[int] | None = None,
    unit_code: str = "",
    in_a_unit: bool = False,
    active: bool = False,
) -> QuerySet[StaffRole]:
    """Return the staff roles matching every given condition. With `unit_code`, officials of
    that unit and those without a unit (who hold the role agency-wide); with `active`, only
    people whose account is active."""
    qs = StaffRole.objects.all()
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    if unit_code:
        qs = qs.filter(Q(unit__code=unit_code) | Q(unit__isnull=True))
    if in_a_unit:
        qs = qs.filter(unit__isnull=False)
    if active:
        qs = qs.filter(user__is_active=True)
    return qs


def agencies_for_official(*, user: User) -> QuerySet[Agency]:
    """Return the agencies where the user holds any role."""
    return Agency.objects.filter(staff_roles__user=user).distinct()
