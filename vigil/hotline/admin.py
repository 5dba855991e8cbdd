"""Django admin for the rarely used corners of the hotline. Read-mostly: intake goes through the services, and the
sealed call-back contact is never shown here (it is read only through access.report_contact_for, audited)."""

from __future__ import annotations

from django.contrib import admin

from vigil.hotline.models import Incident, IncidentEvent, Report


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin[Incident]):
    list_display = ("pk", "state", "verdict", "zone", "report_count", "first_report_at", "last_report_at")
    list_filter = ("state", "verdict")
    readonly_fields = ("cell", "zone_cell", "lat", "lon", "report_count", "first_report_at", "last_report_at")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ("receipt", "channel", "language", "incident", "received_at")
    list_filter = ("channel", "language")
    search_fields = ("receipt",)
    # The sealed contact and the keyed hash of an SMS sender are not for eyes (nor to be edited to link reports).
    exclude = ("contact_sealed", "sender_hash")
    readonly_fields = (
        "receipt", "channel", "cell", "incident", "entered_by", "received_at", "contact_expires_at", "sender_expires_at"
    )  # fmt: skip

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(IncidentEvent)
class IncidentEventAdmin(admin.ModelAdmin[IncidentEvent]):
    list_display = ("at", "incident", "kind", "actor")
    list_filter = ("kind",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
