from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "vigil.network"
    label = "network"

    def ready(self) -> None:
        from vigil.network import receivers  # noqa: F401 - connects the answers to the hotline's signals
