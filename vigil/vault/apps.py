from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "vigil.vault"
    label = "vault"
