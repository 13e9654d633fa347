"""Reads of the public catalogue: filtering, search and paging of catalogue lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from motcua.core.memo import held
from motcua.units.models import Agency, Province

from .models import Entry, Field, Level, LifeEvent, Listing, OnlineLevel, Procedure
from .search import SearchOutcome, search_procedures

AUDIENCES = {"citizen": "for_citizens", "business": "for_businesses"}


@dataclass(slots=True)
class Filters:
    level: str = ""
    field: str = ""  # Field slug
    agency: str = ""  # Agency code: the agency and its subtree
    province: str = ""  # Province NSO code ("68") or QCVN code ("H36")
    online_only: bool = False
    audience: str = ""
    life_event: str = ""

    def errors(self) -> dict[str, str]:
        """Problems with the filter values, in Vietnamese, by parameter name."""
        problems = {}
        if self.level and self.level not in Level.values:
            problems["level"] = "Cấp thực hiện không hợp lệ."
        if self.audience and self.audience not in AUDIENCES:
            problems["audience"] = "Đối tượng phải là 'citizen' hoặc 'business'."
        if self.field and not Field.objects.filter(slug=self.field).exists():
            problems["field"] = "Không có lĩnh vực này."
        if self.agency and not Agency.objects.filter(code=self.agency).exists():
            problems["agency"] = "Không có cơ quan với mã này."
        if self.province and resolve_province(self.province) is None:
            problems["province"] = "Không có tỉnh, thành phố với mã này."
        if self.life_event and not LifeEvent.objects.filter(slug=self.life_event).exists():
            problems["life_event"] = "Không có sự kiện này."
        return problems


@dataclass(slots=True)
class EntryPage:
    count: int
    entries: list[Entry]
    outcome: SearchOutcome | None = None
    scores: dict[int, float] = field(default_factory=dict)


def resolve_province(code: str) -> Province | None:
    code = code.strip().upper()
    if not code:
        return None
    lookup = {"qcvn_code": code} if code.startswith("H") else {"code": code.zfill(2)}
    return Province.objects.filter(**lookup).first()


def filter_entries(filters: Filters) -> QuerySet[Entry]:
    entries = Entry.objects.all()
    if filters.level:
        entries = entries.filter(levels__contains=filters.level)
    if filters.field:
        entries = entries.filter(field__slug=filters.field)
    if filters.agency:
        agency = Agency.objects.filter(code=filters.agency).first()
        entries = entries.filter(agency_path__startswith=agency.path) if agency else entries.none()
    if filters.province:
        province = resolve_province(filters.province)
        if province is None:
            return entries.none()
        entries = entries.filter(in_province(province))
    if filters.online_only:
        entries = entries.filter(online_level=OnlineLevel.FULL)
    if filters.audience in AUDIENCES:
        entries = entries.filter(**{AUDIENCES[filters.audience]: True})
    if filters.life_event:
        entries = entries.filter(procedure__life_events__slug=filters.life_event)
    return entries


def in_province(province: Province) -> Q:
    """What a person can do in ``province``: its own listings, and national procedures of
    province or commune level that it has not listed (every province carries them out)."""
    listed_here = Listing.objects.filter(procedure=OuterRef("procedure"), province=province)
    local_level = Q(levels__contains=Level.PROVINCE) | Q(levels__contains=Level.COMMUNE)
    return Q(province=province) | (Q(kind=Entry.Kind.NATIONAL) & local_level & ~Exists(listed_here))


def _with_relations(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    return entries.select_related("procedure", "province", "field")


def list_entries(query: str, filters: Filters, limit: int, offset: int) -> EntryPage:
    """Catalogue lines for a query (ranked by relevance) or, without one, in name order."""
    entries = filter_entries(filters)
    if not query.strip():
        total = entries.count()
        page = list(
            _with_relations(entries.order_by("sort_key", "rank", "id"))[offset : offset + limit]
        )
        return EntryPage(count=total, entries=page)

    outcome = search_procedures(query)
    ids = outcome.procedure_ids
    if not ids:
        return EntryPage(count=0, entries=[], outcome=outcome)
    matching = entries.filter(procedure_id__in=ids)
    counts = dict(
        matching.values("procedure_id").annotate(n=Count("id")).values_list("procedure_id", "n")
    )
    total = sum(counts.values())
    wanted: list[tuple[int, int, int]] = []
    skip, need = offset, limit
    for pid in ids:
        n = counts.get(pid, 0)
        if not n:
            continue
        if skip >= n:
            skip -= n
            continue
        take = min(n - skip, need)
        wanted.append((pid, skip, take))
        need -= take
        skip = 0
        if need <= 0:
            break
    by_procedure: dict[int, list[Entry]] = {}
    rows = _with_relations(matching.filter(procedure_id__in=[w[0] for w in wanted]))
    named = set(outcome.code_matches)
    # A code typed in the query names one line: it comes first among its procedure's lines.
    for entry in sorted(rows, key=lambda e: (e.code not in named, e.rank, e.id)):
        by_procedure.setdefault(entry.procedure_id, []).append(entry)
    page = []
    for pid, start, take in wanted:
        page.extend(by_procedure.get(pid, [])[start : start + take])
    return EntryPage(count=total, entries=page, outcome=outcome, scores=outcome.scores)


def procedure_by_code(code: str) -> tuple[Procedure, Listing | None] | None:
    """The procedure behind a national or local code, with the listing a local code names."""
    code = code.strip()
    procedure = (
        Procedure.objects.select_related("field", "ministry")
        .prefetch_related("channels", "documents", "legal_bases", "listings__province", "agencies")
        .filter(code=code, is_active=True)
        .first()
    )
    if procedure is not None:
        return procedure, None
    listing = (
        Listing.objects.select_related("province", "procedure").filter(local_code=code).first()
    )
    if listing is None:
        return None
    procedure = (
        Procedure.objects.select_related("field", "ministry")
        .prefetch_related("channels", "documents", "legal_bases", "listings__province", "agencies")
        .get(pk=listing.procedure_id)
    )
    return procedure, listing


def online_in_province(procedure: Procedure, province: Province | None) -> str:
    """Online level of ``procedure`` in ``province`` from its listing there; without one, what
    the national record says (an online channel, level not published)."""
    if province is not None:
        for listing in procedure.listings.all():
            if listing.province_id == province.id:
                return listing.online_level
    return OnlineLevel.UNKNOWN if procedure.has_online_channel else OnlineLevel.NONE


#: A catalogue record's long texts and raw source: what filing and routing never read.
LONG_FIELDS = (
    "subjects", "implementing_agency", "competent_authority", "authorised_agency",
    "coordinating_agency", "receiving_address", "steps", "conditions", "result_text",
    "results", "related_procedures", "source_data", "source_url", "content_hash",
)  # fmt: skip


@held(60)
def procedure_facts(procedure_id: int) -> Procedure:
    """The procedure without its long texts, held per process for a minute (a catalogue import
    changes a record's version; filing reads the code, name, levels, ministry and version)."""
    return Procedure.objects.defer(*LONG_FIELDS).get(pk=procedure_id)
