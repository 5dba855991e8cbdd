from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "vigil.places"
    label = "places"
