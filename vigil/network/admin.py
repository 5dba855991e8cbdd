"""Django admin for the rarely used parts of the network. Daily work has proper pages under /network/.

Sealed fields (an observer's phone) are never shown, not even as bytes: the admin says only whether one is on file.
Dispatch history (dispatches, observations, notifications) is read-only here: it changes only through the services
that also write the incident's events.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from vigil.lib.admin import HistoryAdmin
from vigil.network.models import Dispatch, Notification, Observation, Observer, Shift


@admin.register(Observer)
class ObserverAdmin(admin.ModelAdmin[Observer]):
    list_display = ("user", "group", "trained_on", "training_expires_on", "code_accepted_at", "active", "phone_on_file")
    list_filter = ("active", "group")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ["user", "group"]
    # The sealed phone is set on the coordinator's observer page (which seals it); never here.
    exclude = ("phone_sealed",)
    readonly_fields = ("phone_on_file",)

    @admin.display(description=_("phone on file"), boolean=True)
    def phone_on_file(self, obj: Observer) -> bool:
        return bool(obj.phone_sealed)


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin[Shift]):
    list_display = ("observer", "starts_at", "ends_at", "started_at", "ended_at")
    list_filter = ("observer__group",)
    search_fields = ("observer__user__username",)
    date_hierarchy = "starts_at"
    autocomplete_fields = ["observer"]
    # The coarse cell is the observer's own report of where they are; nobody edits it for them.
    readonly_fields = ("cell",)


@admin.register(Dispatch)
class DispatchAdmin(HistoryAdmin):
    list_display = ("pk", "incident", "observer", "status", "wave", "sent_at", "responded_at", "left_at")
    list_filter = ("status",)
    search_fields = ("observer__user__username",)
    date_hierarchy = "sent_at"


@admin.register(Observation)
class ObservationAdmin(HistoryAdmin):
    list_display = ("pk", "dispatch", "recorded_at")
    date_hierarchy = "recorded_at"


@admin.register(Notification)
class NotificationAdmin(HistoryAdmin):
    list_display = ("created_at", "user", "kind", "subject", "read_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "subject")
