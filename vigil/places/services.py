from __future__ import annotations

from collections.abc import Collection, Mapping

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vigil.accounts.access import audit
from vigil.accounts.models import Group, User
from vigil.lib.errors import VigilError
from vigil.places import geometry as zone_geometry
from vigil.places.models import NetworkSettings, Zone, ZoneCell
from vigil.places.selectors import cells_taken_elsewhere
from vigil.places.settings_table import BY_NAME, SETTINGS, out_of_range


def _clean_zone_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise VigilError(_("A zone needs a name."))
    if len(name) > 120:
        raise VigilError(_("A zone name has at most 120 characters."))
    return name


def create_zone(*, actor: User, group: Group, name: str) -> Zone:
    name = _clean_zone_name(name)
    with transaction.atomic():
        if Zone.objects.filter(group=group, name__iexact=name).exists():
            raise VigilError(_("This group already has a zone called %(name)s.") % {"name": name})
        zone = Zone.objects.create(group=group, name=name)
        audit(actor, "zone.create", object_type="zone", object_id=zone.pk, group_id=group.pk, name=name)
    return zone


def rename_zone(*, actor: User, zone: Zone, name: str) -> Zone:
    name = _clean_zone_name(name)
    with transaction.atomic():
        if Zone.objects.filter(group_id=zone.group_id, name__iexact=name).exclude(pk=zone.pk).exists():
            raise VigilError(_("This group already has a zone called %(name)s.") % {"name": name})
        old = zone.name
        zone.name = name
        zone.save(update_fields=["name"])
        audit(actor, "zone.rename", object_type="zone", object_id=zone.pk, old=old, new=name)
    return zone


def delete_zone(*, actor: User, zone: Zone) -> None:
    with transaction.atomic():
        audit(
            actor,
            "zone.delete",
            object_type="zone",
            object_id=zone.pk,
            group_id=zone.group_id,
            name=zone.name,
            cells=ZoneCell.objects.filter(zone=zone).count(),
        )
        zone.delete()


def set_zone_cells(*, actor: User, zone: Zone, cells: Collection[str], replace: bool, source: str) -> int:
    """Make `cells` the zone's cells (or add them with replace=False); refuse cells another zone holds.

    Returns the zone's number of cells afterwards.
    """
    wanted = set(cells)
    with transaction.atomic():
        # Lock the zone row so two coordinators editing the same zone apply one after the other.
        Zone.objects.select_for_update().filter(pk=zone.pk).first()
        taken = cells_taken_elsewhere(wanted, zone=zone)
        if taken:
            raise VigilError(_taken_message(taken, group_id=zone.group_id))
        current = set(ZoneCell.objects.filter(zone=zone).values_list("cell", flat=True))
        final = wanted if replace else current | wanted
        if len(final) > zone_geometry.MAX_ZONE_CELLS:
            raise VigilError(
                _("The zone would hold %(count)s cells; a zone holds at most %(max)s.")
                % {"count": f"{len(final):,}", "max": f"{zone_geometry.MAX_ZONE_CELLS:,}"}
            )
        removed = current - final
        added = final - current
        if removed:
            ZoneCell.objects.filter(zone=zone, cell__in=list(removed)).delete()
        try:
            with transaction.atomic():
                ZoneCell.objects.bulk_create([ZoneCell(zone=zone, cell=c) for c in sorted(added)], batch_size=500)
        except IntegrityError:
            # Another zone took one of these cells since we looked.
            raise VigilError(_("Some of these cells were just given to another zone. Try again.")) from None
        audit(
            actor,
            "zone.cells",
            object_type="zone",
            object_id=zone.pk,
            source=source,
            replace=replace,
            added=len(added),
            removed=len(removed),
            total=len(final),
        )
    return len(final)


def _taken_message(taken: Mapping[int, list[str]], *, group_id: int) -> str:
    count = sum(len(v) for v in taken.values())
    # Name the other zones only when they belong to the same group; other groups' zones are not the caller's business.
    names = sorted(Zone.objects.filter(pk__in=list(taken), group_id=group_id).values_list("name", flat=True))
    example = next(iter(sorted(c for cells in taken.values() for c in cells)))
    if names:
        return _(
            "%(count)s of these cells already belong to another zone (%(zones)s), for example %(cell)s. "
            "A cell belongs to one zone only: remove them there first, or leave them out."
        ) % {"count": count, "zones": ", ".join(names), "cell": example}
    return _(
        "%(count)s of these cells already belong to another group's zone, for example %(cell)s. "
        "A cell belongs to one zone only: leave them out."
    ) % {"count": count, "cell": example}


def toggle_zone_cell(*, actor: User, zone: Zone, cell: str) -> bool:
    """Add the cell to the zone, or remove it if the zone has it; True when the cell is now in the zone."""
    with transaction.atomic():
        Zone.objects.select_for_update().filter(pk=zone.pk).first()
        existing = ZoneCell.objects.filter(cell=cell).first()
        if existing is not None and existing.zone_id != zone.pk:
            raise VigilError(_taken_message({existing.zone_id: [cell]}, group_id=zone.group_id))
        if existing is not None:
            existing.delete()
            audit(actor, "zone.cells", object_type="zone", object_id=zone.pk, source="map", removed=1, added=0)
            return False
        if ZoneCell.objects.filter(zone=zone).count() >= zone_geometry.MAX_ZONE_CELLS:
            raise VigilError(_("A zone holds at most %(max)s cells.") % {"max": f"{zone_geometry.MAX_ZONE_CELLS:,}"})
        ZoneCell.objects.create(zone=zone, cell=cell)
        audit(actor, "zone.cells", object_type="zone", object_id=zone.pk, source="map", removed=0, added=1)
        return True


def update_network_settings(*, actor: User, values: Mapping[str, int]) -> NetworkSettings:
    """Change the operational settings (pk=1 row); each value must lie in its range (vigil.places.settings_table)."""
    for setting in SETTINGS:
        if out_of_range(setting.name, values.get(setting.name)):
            raise VigilError(
                _("%(name)s must be a whole number from %(low)s to %(high)s.")
                % {"name": setting.label, "low": setting.low, "high": setting.high},
                code="setting_out_of_range",
            )
    with transaction.atomic():
        row = NetworkSettings.objects.select_for_update().filter(pk=1).first()
        if row is None:
            row = NetworkSettings(pk=1)
        changes = {name: [getattr(row, name), values[name]] for name in BY_NAME if getattr(row, name) != values[name]}
        for name in BY_NAME:
            setattr(row, name, values[name])
        row.updated_by = actor
        row.save()
        audit(actor, "network_settings.update", object_type="network_settings", object_id=1, changes=changes)
    return row
