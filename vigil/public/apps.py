from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "vigil.public"
    label = "public"
    verbose_name = "Public information"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vigil.public import receivers  # noqa: F401 - connects the answers to the hotline's signals
