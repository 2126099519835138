from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Chất lượng phục vụ"

    def ready(self) -> None:
        # The statistics table follows the dossier log inside each action's transaction.
        from dossiers.events import event_listener_register

        from .statistics import dossier_event_counted

        event_listener_register(dossier_event_counted)
