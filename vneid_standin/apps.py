from django.apps import AppConfig


class VneidStandinConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "vneid_standin"
    verbose_name = "VNeID (stand-in)"
