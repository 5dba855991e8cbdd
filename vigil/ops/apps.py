from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "vigil.ops"
    label = "ops"
