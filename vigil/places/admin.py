from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vigil.lib.admin import HistoryAdmin
from vigil.places.models import NetworkSettings, Zone, ZoneCell


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin[Zone]):
    list_display = ("name", "group", "cell_count")
    list_filter = ("group",)
    search_fields = ("name", "group__name")
    autocomplete_fields = ["group"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Zone]:
        return super().get_queryset(request).annotate(n_cells=Count("cells"))

    @admin.display(description=_("cells"), ordering="n_cells")
    def cell_count(self, obj: Zone) -> int:
        return int(getattr(obj, "n_cells", 0))


@admin.register(ZoneCell)
class ZoneCellAdmin(admin.ModelAdmin[ZoneCell]):
    list_display = ("cell", "zone")
    list_filter = ("zone__group",)
    search_fields = ("cell", "zone__name")
    autocomplete_fields = ["zone"]


@admin.register(NetworkSettings)
class NetworkSettingsAdmin(HistoryAdmin):
    """Settings change on /network/settings/, where ranges are checked and changes audited."""

    list_display = ("__str__", "cluster_meters", "cluster_minutes", "dispatch_pair_size", "updated_at", "updated_by")
