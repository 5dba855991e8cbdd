from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count, QuerySet

from vigil.accounts.models import Group
from vigil.places.models import NetworkSettings, Zone, ZoneCell


def zones(group: Group) -> QuerySet[Zone]:
    return Zone.objects.filter(group=group).annotate(cell_count=Count("cells")).order_by("name")


def zone_cells(zone: Zone) -> list[str]:
    return list(ZoneCell.objects.filter(zone=zone).order_by("cell").values_list("cell", flat=True))


def cells_taken_elsewhere(cells: Sequence[str] | set[str], *, zone: Zone) -> dict[int, list[str]]:
    """Of `cells`, those already in another zone: {other zone id: [cells]}."""
    taken: dict[int, list[str]] = defaultdict(list)
    cell_list = list(cells)
    for start in range(0, len(cell_list), 500):
        rows = (
            ZoneCell.objects.filter(cell__in=cell_list[start : start + 500])
            .exclude(zone=zone)
            .values_list("zone_id", "cell")
        )
        for zone_id, cell in rows:
            taken[zone_id].append(cell)
    return dict(taken)


def network_settings_row() -> NetworkSettings | None:
    return NetworkSettings.objects.filter(pk=1).first()
