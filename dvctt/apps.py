from django.apps import AppConfig


class DvcttConfig(AppConfig):
    name = "dvctt"
    verbose_name = "DVCTT"
