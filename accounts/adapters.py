"""django-allauth adapters: new sign-ups are citizens, with their profile fields saved."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from .constants import UserKind


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.kind = UserKind.CITIZEN
        user.full_name = data.get("full_name", "")
        user.phone = data.get("phone", "")
        user.id_number = data.get("id_number", "")
        if commit:
            user.save()
        return user
