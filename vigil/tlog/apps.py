from django.apps import AppConfig


class TlogConfig(AppConfig):
    name = "vigil.tlog"
    label = "tlog"
