"""The JSON API (django-ninja): one NinjaAPI, each app contributes a router."""

from ninja import NinjaAPI

from vigil.intake.api import router as intake_router
from vigil.places.api import router as places_router

api = NinjaAPI(title="Vigil API", version="1", urls_namespace="api")
api.add_router("/", intake_router)
api.add_router("/", places_router)
