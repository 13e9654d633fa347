"""Which unit a statistics page is about (``don-vi``), and the units a staff member may pick.

A unit is an agency of the tree (its code) or the whole nation (``ca-nuoc``, system
administrators only). An agency outside the ``stats.view`` reach does not exist for the user
(404), checked against the grants loaded for the request (``StaffScope.allows``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from motcua.accounts.access import scope_of
from motcua.accounts.models import Permission
from motcua.units.models import Agency

NATION = "ca-nuoc"
PARAM = "don-vi"


@dataclass(frozen=True)
class Unit:
    """The chosen unit: ``agency`` None means the whole nation."""

    agency: Agency | None

    @property
    def code(self) -> str:
        return self.agency.code if self.agency is not None else NATION

    @property
    def name(self) -> str:
        return self.agency.name if self.agency is not None else _("Cả nước")


def reachable(user):
    """The agencies whose figures ``user`` may see."""
    return scope_of(user).agencies(Permission.STATS_VIEW)


def sees_nation(user) -> bool:
    return scope_of(user).allows(Permission.STATS_VIEW, None)


def default_unit(user) -> Unit:
    if sees_nation(user):
        return Unit(None)
    tops = scope_of(user).top_agencies(Permission.STATS_VIEW)
    if not tops:
        raise Http404
    return Unit(tops[0])


def unit_from(request) -> Unit:
    """The unit named by ``don-vi`` (the user's default when absent); 404 outside the reach."""
    code = (request.GET.get(PARAM) or "").strip()
    if not code:
        return default_unit(request.user)
    if code == NATION:
        if not sees_nation(request.user):
            raise Http404
        return Unit(None)
    agency = Agency.objects.active().filter(code=code).first()
    if agency is None or not scope_of(request.user).allows(Permission.STATS_VIEW, agency):
        raise Http404
    return Unit(agency)


def choices(user, unit: Unit) -> list[tuple[str, str]]:
    """The picker: the nation (system administrators), the units at which the user holds
    ``stats.view`` (for the nation: every top-level unit), the chosen unit's ancestors within
    reach, the chosen unit and its children. Indented by depth."""
    found: dict[str, Agency] = {}
    if sees_nation(user):
        tops = list(Agency.objects.active().filter(parent__isnull=True).order_by("sort_key"))
    else:
        tops = scope_of(user).top_agencies(Permission.STATS_VIEW)
    allowed = reachable(user)
    if unit.agency is not None:
        codes = [part for part in unit.agency.path.split("/") if part]
        chain = allowed.filter(code__in=codes)
        children = allowed.filter(parent=unit.agency).order_by("sort_key")
    else:
        chain, children = Agency.objects.none(), Agency.objects.none()
    for agency in [*tops, *chain, *children]:
        found.setdefault(agency.code, agency)
    items = sorted(found.values(), key=lambda a: a.path)
    result = [(NATION, _("Cả nước"))] if sees_nation(user) else []
    base = min((a.depth for a in items), default=0)
    result += [(a.code, "\u2003" * (a.depth - base) + a.name) for a in items]
    return result
