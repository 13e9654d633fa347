"""The administrative units, held per process: they change only through the units import."""

from __future__ import annotations

from motcua.core.memo import held

from .models import Commune, Province


@held(600)
def commune(commune_id: int) -> Commune:
    return Commune.objects.select_related("province").get(pk=commune_id)


@held(600)
def province(province_id: int) -> Province:
    return Province.objects.get(pk=province_id)
