"""Vietnamese names, in the admin, for third-party apps that ship none.

allauth's MFA model has no verbose name at all (Django derives "Authenticators") and DRF's
token app has no Vietnamese catalogue, so a clerk would read English in the admin index.
Only the names the admin shows are changed: `_meta.original_attrs`, which migrations read,
stays as shipped, so no migration is generated for those apps.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

# app label → (app name, {model name → (singular, plural)})
LABELS = {
    "mfa": (_("Xác thực hai lớp"), {"authenticator": (_("phương thức xác thực"), None)}),
    "authtoken": (_("Mã truy cập API"), {"token": (_("mã truy cập"), None)}),
    "knox": (_("Mã truy cập API"), {"authtoken": (_("mã truy cập"), None)}),
    "account": (_("Tài khoản đăng nhập"), {}),
}


def translate_third_party_labels() -> None:
    """Give the third-party apps and models in LABELS their Vietnamese admin names."""
    for label, (app_name, models) in LABELS.items():
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        config.verbose_name = app_name
        for model in config.get_models(include_auto_created=False):
            names = models.get(model._meta.model_name or "")
            if names:
                model._meta.verbose_name = names[0]
                model._meta.verbose_name_plural = names[1] or names[0]
        # DRF's proxy model (TokenProxy) is the one its admin registers.
        for model in config.get_models():
            concrete = model._meta.concrete_model
            if model._meta.proxy and concrete and concrete._meta.model_name in models:
                names = models[concrete._meta.model_name]
                model._meta.verbose_name = names[0]
                model._meta.verbose_name_plural = names[1] or names[0]
