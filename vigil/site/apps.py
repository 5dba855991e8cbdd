from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "vigil.site"
    label = "public_site"
    verbose_name = "Public site"
