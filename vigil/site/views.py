"""The public site: home, rumour control (HTML, Atom, JSON), the coarse map and its cells, statistics,
know-your-rights pages and printable card and poster. Reads only through vigil.public.selectors, which hand over
nothing that has not passed vigil.safety.publication. Every page here is kept briefly (see caching.py)."""

from __future__ import annotations

import h3
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from vigil.public import selectors
from vigil.public.topics import TOPICS
from vigil.safety import publication
from vigil.site import printing
from vigil.site.caching import public_page
from vigil.site.feeds import atom, debunk_title, json_feed


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    ctx = {
        "hotline_numbers": settings.VIGIL_HOTLINE_NUMBERS,
        "debunks": selectors.debunks(language=_language(), limit=5),
        "topics": selectors.rights_index(_language()),
    }
    return render(request, "site/home.html", ctx)


@require_safe
@public_page
def rumours(request: HttpRequest) -> HttpResponse:
    found = selectors.debunks(language=_language())
    ctx = {
        "debunks": [(d, debunk_title(d)) for d in found],
        "confirmed": selectors.confirmed_cells(),
        "rules": selectors.rules(),
        "delay_hours": int(selectors.rules().delay.total_seconds() // 3600),
    }
    return render(request, "site/rumours.html", ctx)


@require_safe
@public_page
def rumours_atom(request: HttpRequest) -> HttpResponse:
    return HttpResponse(atom(_language()), content_type="application/atom+xml; charset=utf-8")


@require_safe
@public_page
def rumours_json(request: HttpRequest) -> HttpResponse:
    return HttpResponse(json_feed(_language()), content_type="application/feed+json; charset=utf-8")


def _public_centre() -> tuple[float, float]:
    """The map opens on the centre of the resolution-7 cell holding the configured centre: no finer point."""
    cell = h3.latlng_to_cell(settings.MAP_CENTER[0], settings.MAP_CENTER[1], publication.RESOLUTION)
    return publication.cell_centre(cell)


@require_safe
@public_page
def map_page(request: HttpRequest) -> HttpResponse:
    lat, lon = _public_centre()
    policy = selectors.rules()
    ctx = {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "center_lat": f"{lat:.3f}",
        "center_lon": f"{lon:.3f}",
        "delay_hours": int(policy.delay.total_seconds() // 3600),
        "min_count": policy.min_count,
        "window_days": policy.window.days,
    }
    return render(request, "site/map.html", ctx)


@require_safe
@public_page
def map_cells(request: HttpRequest) -> HttpResponse:
    """GeoJSON of the public cells: a polygon (the cell's corners) and a count per cell, verified only."""
    policy = selectors.rules()
    features = []
    for c in selectors.confirmed_cells():
        ring = [[lon, lat] for lat, lon in publication.cell_outline(c.cell)]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "id": c.cell,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "cell": c.cell,
                    "confirmed": c.count.value,
                    "first_hour": c.first_hour.isoformat(),
                    "last_hour": c.last_hour.isoformat(),
                },
            }
        )
    body = {
        "type": "FeatureCollection",
        "features": features,
        "policy": {
            "delay_hours": int(policy.delay.total_seconds() // 3600),
            "min_count": policy.min_count,
            "window_days": policy.window.days,
            "resolution": publication.RESOLUTION,
        },
    }
    return JsonResponse(body)


@require_safe
@public_page
def stats(request: HttpRequest) -> HttpResponse:
    found = selectors.public_stats()
    rows = [
        (day, [found.reports_by_channel[ch][i] for ch in found.reports_by_channel]) for i, day in enumerate(found.days)
    ]
    ctx = {
        "stats": found,
        "channels": [found.channel_labels.get(ch, ch) for ch in found.reports_by_channel],
        "rows": rows,
        "share_percent": None if found.false_alarm_share is None else round(100 * found.false_alarm_share),
        "chart": {
            "slug": "reports-per-day",
            "stacked": True,
            "columns": ["", *[found.channel_labels.get(ch, ch) for ch in found.reports_by_channel]],
            "rows": [[day.isoformat(), *values] for day, values in rows],
        },
    }
    return render(request, "site/stats.html", ctx)


@require_safe
@public_page
def rights_index(request: HttpRequest) -> HttpResponse:
    return render(request, "site/rights_index.html", {"topics": selectors.rights_index(_language())})


@require_safe
@public_page
def rights_topic(request: HttpRequest, topic: str) -> HttpResponse:
    page = selectors.rights_page(topic, _language())
    if page is None or topic == "card":
        raise Http404
    ctx = {"page": page, "topic_label": TOPICS[topic], "topics": selectors.rights_index(_language())}
    return render(request, "site/rights_page.html", ctx)


@require_safe
@public_page
def rights_card(request: HttpRequest) -> HttpResponse:
    return HttpResponse(printing.card(_language()), content_type="application/pdf")


@require_safe
@public_page
def rights_poster(request: HttpRequest) -> HttpResponse:
    return HttpResponse(printing.poster(_language()), content_type="application/pdf")
