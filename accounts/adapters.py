"""django-allauth adapters: new sign-ups are citizens, with their profile fields saved."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from dvctt.client_ip import client_ip

from .constants import UserKind


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        # allauth's login and reset limits count per address: the portal's one IP function.
        return client_ip(request)

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
