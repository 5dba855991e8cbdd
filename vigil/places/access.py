from __future__ import annotations

from vigil.accounts.access import AnyUser, coordinated_group_ids, first_or_404
from vigil.places.models import Zone


def zone_for_coordinator(user: AnyUser, zone_id: int) -> Zone:
    return first_or_404(
        Zone.objects.select_related("group").filter(pk=zone_id, group_id__in=coordinated_group_ids(user))
    )
