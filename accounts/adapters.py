"""django-allauth adapters: new sign-ups are citizens, with their profile fields saved.

The VNeID (social account) adapter lives in accounts/vneid.py.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login

from dvctt.client_ip import client_ip

from .constants import UserKind
from .vneid import official_password_refused, refused_official_redirect


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

    def pre_login(self, request, user, **kwargs):
        # VNEID_REQUIRED_FOR_OFFICIALS: an official's password alone no longer opens a session.
        if official_password_refused(request, user, kwargs.get("signal_kwargs")):
            clear_login(request)
            return refused_official_redirect(request)
        return super().pre_login(request, user, **kwargs)
