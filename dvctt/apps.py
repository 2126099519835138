from django.apps import AppConfig


class DvcttConfig(AppConfig):
    name = "dvctt"
    verbose_name = "DVCTT"

    def ready(self) -> None:
        from .admin_labels import translate_third_party_labels

        translate_third_party_labels()
