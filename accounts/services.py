"""Writes of the accounts app for the citizen's own profile."""

from __future__ import annotations

from django.db import transaction

from .models import User


@transaction.atomic
def user_update_contact(*, actor: User, phone: str, address: str) -> User:
    """Change the actor's own contact details (identity data come from verified sources)."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    user.phone, user.address = phone, address
    user.save(update_fields=["phone", "address"])
    return user
