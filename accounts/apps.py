from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tài khoản và cơ quan"

    def ready(self) -> None:
        from . import schema, signals  # noqa: F401 — connects the receivers, the API token scheme
