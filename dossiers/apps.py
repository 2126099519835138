from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = "Hồ sơ"

    def ready(self) -> None:
        # The tracking cache listens to the dossier's models and to payments and the post.
        from . import tracking_cache

        tracking_cache.connect_other_apps()
