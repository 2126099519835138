"""Reads about users, agencies and roles."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Agency, StaffRole, User


def staff_roles_for_user(*, user: User) -> QuerySet[StaffRole]:
    """Return the roles an official holds, with their agency and unit."""
    return StaffRole.objects.filter(user=user).select_related("agency", "unit")


def agencies_for_official(*, user: User) -> QuerySet[Agency]:
    """Return the agencies where the user holds any role."""
    return Agency.objects.filter(staff_roles__user=user).distinct()


def user_has_role(*, user: User, agency: Agency, roles: set[str] | None = None) -> bool:
    """Tell whether the user holds one of `roles` (any role if None) in the agency."""
    qs = StaffRole.objects.filter(user=user, agency=agency)
    if roles:
        qs = qs.filter(role__in=roles)
    return qs.exists()
