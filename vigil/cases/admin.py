"""Admin: states and metadata only. Sealed fields and digests are never shown or editable here."""

from django.contrib import admin

from vigil.cases.models import Case, CaseEvent


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    list_display = ("pk", "group", "state", "source", "attorney", "created_at")
    list_filter = ("state", "source")
    fields = ("group", "state", "source", "attorney", "jurisdiction", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin[CaseEvent]):
    list_display = ("case", "kind", "actor", "at")
    readonly_fields = ("case", "kind", "actor", "data", "at")
