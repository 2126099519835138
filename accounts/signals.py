"""Signal receivers of the accounts app."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver


@receiver(user_logged_out, dispatch_uid="accounts.revoke_tokens_on_logout")
def revoke_tokens_on_logout(sender, request, user, **kwargs) -> None:
    """Signing out of the portal ends the user's API tokens too."""
    if user is not None and user.pk:
        from .tokens import tokens_revoke_all

        tokens_revoke_all(user=user)
