"""Where a dossier goes: the receiving unit and the resolving agency (DOMAIN.md §2).

Since the 2025 reform there is no district level. A commune-level procedure is received and
resolved by the People's Committee of the commune the applicant chose — any commune of the
province (phi địa giới), not only where they live; it is *cross-boundary* when that is not the
applicant's commune of residence. A province-level procedure is received by the province's
public-administration service centre and resolved by the agency the province lists for it (or
the People's Committee). A ministry-level procedure goes to the ministry.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.catalog.models import Level, Listing, Procedure
from motcua.core.memo import held
from motcua.units.models import Agency, Commune, Province

#: How long each process keeps the agency tree's answers (agencies change through imports and
#: admin pages; a change reaches filing within this many seconds).
HELD_SECONDS = 60


class RoutingError(ValueError):
    def __init__(self, message_vi: str):
        self.message_vi = message_vi
        super().__init__(message_vi)


@dataclass(frozen=True)
class Route:
    receiving: Agency
    resolving: Agency
    province: Province | None
    commune: Commune | None
    cross_boundary: bool


def needs_commune(procedure: Procedure) -> bool:
    levels = procedure.level_list
    return Level.COMMUNE in levels and Level.PROVINCE not in levels


def needs_province(procedure: Procedure) -> bool:
    return any(level in procedure.level_list for level in (Level.COMMUNE, Level.PROVINCE)) or not (
        procedure.level_list
    )


def province_agency(province: Province, kind: str) -> Agency | None:
    """The province's active agency of ``kind`` (its people's committee, its service centre)."""
    return _province_agency_by_id(province.pk, kind)


@held(HELD_SECONDS)
def _province_agency_by_id(province_id: int, kind: str) -> Agency | None:
    agencies = Agency.objects.active().filter(province_id=province_id, kind=kind)
    return agencies.order_by("path").first()


@held(HELD_SECONDS)
def _commune_committee(commune_id: int) -> Agency | None:
    return (
        Agency.objects.active()
        .filter(kind=Agency.Kind.COMMUNE_COMMITTEE, commune_id=commune_id)
        .order_by("path")
        .first()
    )


@held(HELD_SECONDS)
def listed_agency(procedure_id: int, province_id: int) -> Agency | None:
    """The agency the province's published list names for the procedure, if any."""
    listing = (
        Listing.objects.filter(procedure_id=procedure_id, province_id=province_id)
        .select_related("agency")
        .order_by("local_code")
        .first()
    )
    return listing.agency if listing is not None and listing.agency_id else None


def route(
    procedure: Procedure,
    *,
    province: Province | None,
    commune: Commune | None = None,
    residence: Commune | None = None,
) -> Route:
    from django.utils.translation import gettext as _

    levels = procedure.level_list
    if commune is not None and province is None:
        province = commune.province
    if commune is not None and Level.COMMUNE in levels:
        committee = _commune_committee(commune.pk)
        if committee is None:
            raise RoutingError(_("Chưa có Ủy ban nhân dân của xã, phường này trong hệ thống."))
        cross = residence is not None and residence.pk != commune.pk
        return Route(committee, committee, province, commune, cross)
    if province is not None and (Level.PROVINCE in levels or Level.COMMUNE in levels or not levels):
        committee = province_agency(province, Agency.Kind.PROVINCE_COMMITTEE)
        resolving = listed_agency(procedure.pk, province.pk) or committee
        centre = province_agency(province, Agency.Kind.PROVINCE_CENTRE)
        if resolving is None:
            raise RoutingError(_("Chưa có cơ quan giải quyết thủ tục này tại tỉnh đã chọn."))
        cross = residence is not None and residence.province_id != province.pk
        return Route(centre or resolving, resolving, province, None, cross)
    if procedure.ministry_id:
        return Route(procedure.ministry, procedure.ministry, None, None, False)
    raise RoutingError(_("Hãy chọn tỉnh, thành phố nơi nộp hồ sơ."))
