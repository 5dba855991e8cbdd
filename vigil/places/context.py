"""Template context: where the basemap is, when Vigil has one (vigil.places.basemap)."""

from __future__ import annotations

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from vigil.places import basemap

LIBRARY = "vendor/protomaps-leaflet/protomaps-leaflet-5.1.0.min.js"


def basemap_urls(request: HttpRequest) -> dict[str, str]:
    if not basemap.available():
        return {"basemap_url": "", "basemap_lib": ""}
    return {"basemap_url": reverse("basemap"), "basemap_lib": static(LIBRARY)}
