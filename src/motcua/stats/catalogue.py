"""The procedure-level indicators' sets (1.3, 3.1, 3.2, 3.5, 3.5b, 4.5a), from the catalogue
per unit: the procedures under a unit's authority are a province's listings (a department:
the listings naming an agency of its subtree, else the province's; a commune: the province's
listings of commune level), a ministry's procedures, and for the nation all of them. Each
set is a few thousand ids at most, held per process for five minutes."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from motcua.core.memo import held
from motcua.units.models import Agency

ONLINE_LEVELS = ("full", "partial")


@held(300)
def _fee_sets() -> tuple[frozenset, frozenset, frozenset]:
    """(procedures with a fee, with a non-zero fee, with online payment configured)."""
    from motcua.catalog.models import SubmissionChannel
    from motcua.payments.models import FeeKind, FeeRule, FeeSchedule, Timing

    fee, nonzero = set(), set()
    for procedure_id, amount in SubmissionChannel.objects.filter(fee_kind="amount").values_list(
        "procedure_id", "fee_amount"
    ):
        fee.add(procedure_id)
        if amount:
            nonzero.add(procedure_id)
    integrated = set()
    schedules = FeeSchedule.objects.exclude(kind=FeeKind.FREE).exclude(timing=Timing.EXEMPT)
    for procedure_id, amount in schedules.values_list("procedure_id", "amount"):
        fee.add(procedure_id)
        integrated.add(procedure_id)
        if amount:
            nonzero.add(procedure_id)
    nonzero.update(
        FeeRule.objects.filter(amount__gt=0, schedule__in=schedules).values_list(
            "schedule__procedure_id", flat=True
        )
    )
    return frozenset(fee), frozenset(nonzero), frozenset(integrated)


@held(300)
def _complete() -> frozenset:
    """Procedures published with all seven parts (DOMAIN.md §3): name, steps, ways of
    submission, documents, processing time, who may apply, implementing agency."""
    from motcua.catalog.models import Procedure, RequiredDocument, SubmissionChannel

    channels = SubmissionChannel.objects.filter(procedure=OuterRef("pk"))
    timed = channels.filter(time_value__isnull=False)
    documents = RequiredDocument.objects.filter(procedure=OuterRef("pk"))
    found = (
        Procedure.objects.filter(is_active=True)
        .exclude(name="")
        .exclude(steps="")
        .exclude(subjects="")
        .exclude(implementing_agency="")
        .filter(Exists(channels), Exists(timed), Exists(documents))
        .values_list("pk", flat=True)
    )
    return frozenset(found)


@held(300)
def _citizens() -> frozenset:
    from motcua.catalog.models import Procedure

    return frozenset(
        Procedure.objects.filter(is_active=True, for_citizens=True).values_list("pk", flat=True)
    )


def _listings(condition: Q) -> tuple[set, set]:
    from motcua.catalog.models import Listing

    authority, online = set(), set()
    for procedure_id, level in Listing.objects.filter(condition).values_list(
        "procedure_id", "online_level"
    ):
        authority.add(procedure_id)
        if level in ONLINE_LEVELS:
            online.add(procedure_id)
    return authority, online


def _ministry_procedures(condition: Q) -> tuple[set, set]:
    from motcua.catalog.models import Procedure

    authority, online = set(), set()
    rows = Procedure.objects.filter(condition, is_active=True).values_list(
        "pk", "has_online_channel"
    )
    for pk, has_online in rows:
        authority.add(pk)
        if has_online:
            online.add(pk)
    return authority, online


def authority_of(node: Agency | None) -> tuple[frozenset, frozenset]:
    """(procedures under the unit's authority, those offered online) for ``node``."""
    if node is None:
        return _authority("", "", 0, None)
    return _authority(node.path, node.kind, node.depth, node.province_id)


@held(300)
def _authority(path: str, kind: str, depth: int, province_id) -> tuple[frozenset, frozenset]:
    if not path:
        listed, listed_online = _listings(Q())
        ministry, ministry_online = _ministry_procedures(Q(ministry__isnull=False))
        return frozenset(listed | ministry), frozenset(listed_online | ministry_online)
    root_code = path.split("/", 1)[0]
    if kind in (Agency.Kind.MINISTRY, Agency.Kind.MINISTRY_UNIT):
        found = _ministry_procedures(Q(ministry__code=root_code))
    elif kind == Agency.Kind.COMMUNE_COMMITTEE:
        found = _listings(Q(province_id=province_id, procedure__levels__contains="commune"))
    elif depth == 0:
        found = _listings(Q(province_id=province_id))
    else:
        found = _listings(Q(agency__path__startswith=path))
        if not found[0]:
            found = _listings(Q(province_id=province_id))
    return frozenset(found[0]), frozenset(found[1])


def sets_for(node: Agency | None, used: dict[str, set[int]], *, procedure_id: int = 0) -> dict:
    """The sets the procedure-level indicators compare, for one node (and procedure)."""
    authority, online = authority_of(node)
    fee, nonzero, integrated = _fee_sets()
    sets = {
        "authority": set(authority),
        "public": set(authority),
        "complete": set(authority & _complete()),
        "online_offered": set(online),
        "with_online_dossier": set(used.get("online", set())),
        "fee": set(authority & fee),
        "fee_nonzero": set(authority & nonzero),
        "fee_integrated": set(authority & integrated),
        "with_online_payment": set(used.get("paid_online", set())),
        "for_citizens": set(authority & _citizens()),
        "with_population_data": set(used.get("population_data", set())),
    }
    if procedure_id:
        sets = {name: found & {procedure_id} for name, found in sets.items()}
    return sets
