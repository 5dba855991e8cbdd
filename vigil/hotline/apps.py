from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "vigil.hotline"
    label = "hotline"
