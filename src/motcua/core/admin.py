"""The audit log in the admin: a read-only list for system administrators."""

from __future__ import annotations

from django.contrib import admin

from .models import AuditEntry


def _is_system_admin(user) -> bool:
    from motcua.accounts.access import scope_of

    return bool(user.is_active and scope_of(user).is_system_admin)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = (
        "at",
        "action",
        "actor",
        "on_behalf_of",
        "on_behalf_of_organisation",
        "object_type",
        "object_id",
        "ip",
    )
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "ip")
    date_hierarchy = "at"
    list_select_related = ("actor", "on_behalf_of", "on_behalf_of_organisation")
    readonly_fields = tuple(f.name for f in AuditEntry._meta.fields)
    actions = None

    def has_module_permission(self, request) -> bool:
        return _is_system_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_system_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
