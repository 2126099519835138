from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = "Thủ tục hành chính"

    def ready(self) -> None:
        from . import signals

        signals.connect()
