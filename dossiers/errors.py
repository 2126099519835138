"""Errors of the dossier workflow, with stable codes (docs/api.md §4)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dvctt.errors import Conflict


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ.")
