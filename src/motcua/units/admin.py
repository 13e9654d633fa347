"""Django admin for system administrators: imported units are read-only, agencies editable."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.admin import ReadOnlyAdmin
from motcua.units.models import (
    Agency,
    Commune,
    CommuneSuccession,
    LegacyCommune,
    LegacyProvince,
    Province,
)


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "qcvn_code")
    list_filter = ("kind",)
    search_fields = ("code", "name", "short_name", "qcvn_code")


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "province")
    list_filter = ("kind", "province")
    list_select_related = ("province",)
    search_fields = ("code", "name", "short_name")


class SuccessionInline(admin.TabularInline):
    model = CommuneSuccession
    fields = ("commune", "is_default")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("đơn vị kế thừa")
    verbose_name_plural = _("đơn vị kế thừa")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(LegacyProvince)
class LegacyProvinceAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "qcvn_code", "successor")
    list_select_related = ("successor",)
    search_fields = ("code", "name", "qcvn_code")


@admin.register(LegacyCommune)
class LegacyCommuneAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "district_name", "province")
    list_filter = ("province",)
    list_select_related = ("province",)
    search_fields = ("code", "name", "district_name")
    inlines = (SuccessionInline,)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "province", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("parent", "province")
    search_fields = ("code", "name", "short_name", "name_key")
    raw_id_fields = ("parent", "province", "commune")
    readonly_fields = ("path", "depth", "name_key", "created_at", "updated_at")
    fields = (
        "code",
        "name",
        "short_name",
        "kind",
        "parent",
        "province",
        "commune",
        "is_active",
        "aliases",
        *readonly_fields,
    )

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Agencies are referenced by procedures and listings: deactivate instead.
        return False
