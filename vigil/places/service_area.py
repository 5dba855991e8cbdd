"""Where the network serves: its zones plus a margin.

A report placed farther than VIGIL_SERVICE_MARGIN_RINGS rings of zone cells (H3 resolution VIGIL_H3_RES_ZONE, about
0.5 km each) from every zone is outside the service area: it is kept (so nothing anyone sends is lost) but opens no
incident, so it never reaches the dispatchers' queue, and the reporter is told where to get help instead
(VIGIL_OUTSIDE_AREA_HELP). A network with no zones yet serves everywhere.
"""

from __future__ import annotations

import h3
from django.conf import settings
from django.utils.translation import gettext as _

from vigil.places.models import ZoneCell


def serves(cell: str) -> bool:
    """Whether the report cell `cell` (any resolution at or finer than the zones') is in the service area."""
    res = int(settings.VIGIL_H3_RES_ZONE)
    zone_level = h3.cell_to_parent(cell, res) if h3.get_resolution(cell) > res else cell
    nearby = h3.grid_disk(zone_level, int(settings.VIGIL_SERVICE_MARGIN_RINGS))
    # Most reports are inside: one query answers them; only a report outside asks whether there are zones at all.
    return ZoneCell.objects.filter(cell__in=nearby).exists() or not ZoneCell.objects.exists()


def help_text() -> str:
    """What a reporter outside the area is told (VIGIL_OUTSIDE_AREA_HELP, or a translated default)."""
    configured = str(getattr(settings, "VIGIL_OUTSIDE_AREA_HELP", ""))
    return configured or _(
        "This hotline only covers its own area, so nobody from it will be sent. Please contact the rapid response "
        "network or hotline where you are; in an emergency call 911."
    )
