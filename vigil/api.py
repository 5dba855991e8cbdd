"""The JSON API (django-ninja): one NinjaAPI, each app contributes a router."""

from ninja import NinjaAPI

from vigil.hotline.api import router as hotline_router

api = NinjaAPI(title="Vigil API", version="1", urls_namespace="api")
api.add_router("/", hotline_router)
