"""Django admin for accounts: users (the custom model through UserAdmin), memberships, and the read-only audit trail."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import AuditEvent, Group, Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ["group"]


@admin.register(User)
class VigilUserAdmin(UserAdmin[User]):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Vigil"), {"fields": ("language",)}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Vigil"), {"fields": ("language",)}),
    )
    list_display = ("username", "first_name", "last_name", "language", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "is_superuser", "language", "memberships__role")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "group", "role", "created_at")
    list_filter = ("role", "group")
    search_fields = ("user__username", "group__name")
    autocomplete_fields = ["user", "group"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """The audit trail is append-only: the admin shows it and nothing else."""

    list_display = ("at", "actor", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_type", "object_id", "actor__username")
    date_hierarchy = "at"
    readonly_fields = ("at", "actor", "action", "object_type", "object_id", "detail")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin[Group]):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
