from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "vigil.network"
    label = "network"
