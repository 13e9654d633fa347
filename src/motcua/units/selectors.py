"""The administrative units and agencies, held per process: they change only through the
imports and admin pages."""

from __future__ import annotations

from motcua.core.memo import held

from .models import Agency, Commune, Province


@held(600)
def commune(commune_id: int) -> Commune:
    return Commune.objects.select_related("province").get(pk=commune_id)


@held(600)
def province(province_id: int) -> Province:
    return Province.objects.get(pk=province_id)


@held(60)
def agency(agency_id: int) -> Agency:
    """An agency (the tree changes through imports and admin pages: a minute at most)."""
    return Agency.objects.select_related("province", "commune").get(pk=agency_id)
