"""Import the bundled catalogue: idempotent, one transaction, every change recorded.

Procedures are keyed by their national code. A provincial list entry becomes that
province's listing of the procedure; a code found only in a provincial list creates a
procedure without national detail. The run ends with a quality report (per structured field:
records with source text, records parsed, the codes that failed).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from motcua.core.logging import get_logger
from motcua.core.text import fold, sort_key
from motcua.units import services
from motcua.units.models import Agency, Province

from . import sources
from .life_events import sync_life_events
from .models import (
    Entry,
    Field,
    ImportRun,
    LegalBasis,
    Listing,
    OnlineLevel,
    Procedure,
    ProcedureChange,
    RequiredDocument,
    SearchDocument,
    SubmissionChannel,
)
from .search import vocabulary_cache
from .search.backends import get_backend

log = get_logger(__name__)

#: Fields of a source record compared to tell what changed on re-import.
TRACKED = [
    f.name for f in dataclass_fields(sources.ProcedureRecord) if f.name not in {"code", "quality"}
]
QUALITY_FIELDS = [
    "processing_time",
    "processing_time_unit",
    "fee",
    "documents",
    "channels",
    "legal_basis",
    "results",
    "levels",
    "field",
]


@dataclass
class ImportSummary:
    unchanged: bool = False
    created: int = 0
    updated: int = 0
    removed: int = 0
    procedures: int = 0
    listings: int = 0
    entries: int = 0
    skipped: list[dict] = field(default_factory=list)
    run_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "unchanged": self.unchanged,
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "procedures": self.procedures,
            "listings": self.listings,
            "entries": self.entries,
            "skipped": len(self.skipped),
        }


def source_checksum(data_dir: Path) -> str:
    digest = hashlib.sha256()
    files = [sources.NATIONAL_FILE, sources.DEFENCE_FILE, *sources.PROVINCIAL_FILES.values()]
    for name in files:
        digest.update((data_dir / name).read_bytes())
    digest.update(Path(sources.__file__).read_bytes())
    digest.update(Path(sources.parsing.__file__).read_bytes())
    return digest.hexdigest()


def _hash(content: dict) -> str:
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _quality_report(records: list[sources.ProcedureRecord]) -> dict:
    report: dict[str, dict] = {}
    for name in QUALITY_FIELDS:
        had = parsed = 0
        failures: list[str] = []
        for record in records:
            had_text, ok = record.quality.get(name, (False, False))
            had += had_text
            parsed += ok
            if had_text and not ok:
                failures.append(record.code)
        report[name] = {
            "had_text": had,
            "parsed": parsed,
            "rate": round(100 * parsed / had, 2) if had else None,
            "failures": failures,
        }
    return report


def _find_ministry(name: str) -> Agency | None:
    return services.find_ministry(name) if name else None


def _ministry_unit(ministry: Agency, unit_name: str) -> Agency:
    return services.ensure_ministry_unit(ministry, unit_name)


def collect(data_dir: Path, progress: bool) -> tuple[dict, list[sources.ListingRecord], list]:
    records: dict[str, sources.ProcedureRecord] = {}
    national = list(sources.read_national(data_dir)) + list(sources.read_defence(data_dir))
    for record in tqdm(national, desc="Thủ tục quốc gia", disable=not progress, unit=" tt"):
        records[record.code] = record
    listings: list[sources.ListingRecord] = []
    skipped: list = []
    for province in sources.PROVINCIAL_FILES:
        rows, dropped = sources.read_provincial(data_dir, province)
        listings.extend(rows)
        skipped.extend(dropped)
    for listing in listings:
        code = listing.national_code or listing.local_code
        if code not in records:
            if listing.national_code is None:
                skipped.append(
                    sources.Skipped(
                        sources.PROVINCIAL_FILES[listing.province],
                        listing.row,
                        listing.local_code,
                        listing.name,
                        "mã nội bộ: nhập như thủ tục riêng của tỉnh",
                    )
                )
            records[code] = sources.ProcedureRecord(
                code=code,
                name=listing.name,
                source="provincial",
                field_name=listing.field_name,
                levels=sources.listing_levels(listing.agency_text),
                has_detail=False,
            )
    return records, listings, skipped


@transaction.atomic
def import_catalog(
    data_dir: Path | None = None, *, progress: bool = False, force: bool = False
) -> ImportSummary:
    data_dir = Path(data_dir or settings.DATA_DIR)
    checksum = source_checksum(data_dir)
    latest = ImportRun.objects.filter(finished_at__isnull=False).first()
    if latest and latest.checksum == checksum and not force:
        return ImportSummary(unchanged=True, run_id=latest.id, **_counts())

    records, listings, skipped = collect(data_dir, progress)
    run = ImportRun.objects.create(checksum=checksum)
    summary = ImportSummary(run_id=run.id, skipped=[asdict(s) for s in skipped])

    fields = _sync_fields(
        {r.field_name for r in records.values()} | {lr.field_name for lr in listings}
    )
    ministries = {name: _find_ministry(name) for name in {r.ministry for r in records.values()}}
    existing = {p.code: p for p in Procedure.objects.all()}
    popularity = _popularity(records, listings)
    changes: list[ProcedureChange] = []
    to_create: list[Procedure] = []
    to_update: list[Procedure] = []
    children_for: dict[str, sources.ProcedureRecord] = {}
    value_fields: list[str] = []

    for code, record in tqdm(records.items(), desc="Lưu thủ tục", disable=not progress):
        content = record.content()
        digest = _hash(content)
        procedure = existing.pop(code, None)
        values = _procedure_values(record, fields, ministries, popularity.get(code, 0))
        value_fields = list(values)
        if procedure is None:
            procedure = Procedure(code=code, content_hash=digest, source_data=content, **values)
            to_create.append(procedure)
            children_for[code] = record
            changes.append(ProcedureChange(run=run, code=code, action="created", version=1))
        elif procedure.content_hash != digest or procedure.popularity != values["popularity"]:
            changed = _changed_fields(procedure.source_data, content)
            if changed:
                procedure.version += 1
                changes.append(
                    ProcedureChange(
                        run=run,
                        code=code,
                        action="updated",
                        fields=changed,
                        version=procedure.version,
                    )
                )
                children_for[code] = record
            for key, value in values.items():
                setattr(procedure, key, value)
            procedure.content_hash = digest
            procedure.source_data = content
            procedure.is_active = True
            to_update.append(procedure)
    for code, procedure in existing.items():
        if procedure.is_active:
            procedure.is_active = False
            to_update.append(procedure)
            changes.append(ProcedureChange(run=run, code=code, action="removed"))

    Procedure.objects.bulk_create(to_create, batch_size=500)
    update_fields = [
        *value_fields,
        "content_hash",
        "source_data",
        "version",
        "is_active",
    ]
    Procedure.objects.bulk_update(to_update, update_fields, batch_size=500)
    ProcedureChange.objects.bulk_create(changes, batch_size=1000)
    summary.created = sum(c.action == "created" for c in changes)
    summary.updated = sum(c.action == "updated" for c in changes)
    summary.removed = sum(c.action == "removed" for c in changes)

    by_code = {p.code: p for p in Procedure.objects.only("id", "code")}
    _replace_children(children_for, by_code)
    _link_agencies(records, by_code, ministries)
    _sync_listings(listings, by_code)
    rebuild_entries()
    rebuild_search_index()
    vocabulary_cache.clear()
    unresolved_events = sync_life_events()
    summary.skipped = [asdict(s) for s in skipped]

    counts = _counts()
    summary.procedures, summary.listings, summary.entries = (
        counts["procedures"],
        counts["listings"],
        counts["entries"],
    )
    run.summary = summary.as_dict()
    run.report = {
        "quality": _quality_report([r for r in records.values() if r.has_detail]),
        "skipped": summary.skipped,
        "life_events_unresolved": unresolved_events,
        "sources": {
            "national": sum(r.source == "national" for r in records.values()),
            "defence": sum(r.source == "defence" for r in records.values()),
            "provincial_only": sum(r.source == "provincial" for r in records.values()),
            "listings": dict(Counter(lr.province for lr in listings)),
        },
    }
    run.finished_at = timezone.now()
    run.save()
    vocabulary_cache.clear()
    log.info("catalog.imported", **summary.as_dict())
    return summary


def _counts() -> dict:
    return {
        "procedures": Procedure.objects.filter(is_active=True).count(),
        "listings": Listing.objects.count(),
        "entries": Entry.objects.count(),
    }


def _sync_fields(names: set[str]) -> dict[str, Field]:
    names.discard("")
    existing = {f.name: f for f in Field.objects.all()}
    slugs = {f.slug for f in existing.values()}
    new = []
    for name in sorted(names - set(existing)):
        slug = base = slugify(fold(name))[:240] or "linh-vuc"
        counter = 2
        while slug in slugs:
            slug = f"{base}-{counter}"
            counter += 1
        slugs.add(slug)
        new.append(Field(name=name, slug=slug, sort_key=sort_key(name)))
    Field.objects.bulk_create(new)
    return {f.name: f for f in Field.objects.all()}


def _popularity(records: dict, listings: list[sources.ListingRecord]) -> dict[str, int]:
    """A small ranking prior: procedures listed by provinces and done at commune level by
    citizens are the ones most people look for."""
    provinces = defaultdict(set)
    for listing in listings:
        provinces[listing.national_code or listing.local_code].add(listing.province)
    result = {}
    for code, record in records.items():
        value = 2 * len(provinces.get(code, ()))
        value += 3 if "commune" in record.levels else 0
        value += 2 if record.for_citizens and not record.for_businesses else 0
        result[code] = min(value, 10)
    return result


def _procedure_values(record, fields, ministries, popularity) -> dict:
    return {
        "name": record.name,
        "sort_key": sort_key(record.name),
        "field": fields.get(record.field_name),
        "levels": ",".join(record.levels),
        "procedure_type": record.procedure_type[:255],
        "decision_number": record.decision_number[:255],
        "subjects": record.subjects,
        "for_citizens": record.for_citizens,
        "for_businesses": record.for_businesses,
        "ministry": ministries.get(record.ministry),
        "implementing_agency": record.implementing_agency,
        "competent_authority": record.competent_authority,
        "authorised_agency": record.authorised_agency,
        "coordinating_agency": record.coordinating_agency,
        "receiving_address": record.receiving_address,
        "steps": record.steps,
        "conditions": record.conditions,
        "result_text": record.result_text,
        "results": record.results,
        "related_procedures": record.related_procedures,
        "has_online_channel": any(c["channel"] == "online" for c in record.channels),
        "has_detail": record.has_detail,
        "source": record.source,
        "source_url": record.source_url[:500],
        "popularity": popularity,
    }


def _changed_fields(old: dict, new: dict) -> list[str]:
    return [name for name in TRACKED if old.get(name) != new.get(name)]


def _replace_children(records: dict[str, sources.ProcedureRecord], by_code: dict) -> None:
    ids = [by_code[code].id for code in records]
    for model in (SubmissionChannel, RequiredDocument, LegalBasis):
        model.objects.filter(procedure_id__in=ids).delete()
    channels, documents, legal = [], [], []
    for code, record in records.items():
        pid = by_code[code].id
        for position, c in enumerate(record.channels):
            channels.append(
                SubmissionChannel(
                    procedure_id=pid,
                    position=position,
                    channel=c["channel"],
                    channel_label=c["channel_label"][:100],
                    time_value=c["time_value"],
                    time_unit=c["time_unit"],
                    time_text=c["time_text"],
                    fee_kind=c["fee_kind"],
                    fee_amount=c["fee_amount"],
                    fee_items=c["fee_items"],
                    fee_text=c["fee_text"],
                    description=c["description"],
                )
            )
        for position, d in enumerate(record.documents):
            documents.append(
                RequiredDocument(
                    procedure_id=pid,
                    position=position,
                    group=d["group"],
                    name=d["name"],
                    template=d["template"][:255],
                    original_count=d["original_count"],
                    copy_count=d["copy_count"],
                    quantity_text=d["quantity_text"][:255],
                )
            )
        for position, law in enumerate(record.legal_bases):
            issued = law.get("issued_on")
            legal.append(
                LegalBasis(
                    procedure_id=pid,
                    position=position,
                    title=law["title"],
                    number=law["number"][:120],
                    issuer=law.get("issuer", "")[:255],
                    issued_on=date.fromisoformat(issued) if issued else None,
                )
            )
    SubmissionChannel.objects.bulk_create(channels, batch_size=1000)
    RequiredDocument.objects.bulk_create(documents, batch_size=1000)
    LegalBasis.objects.bulk_create(legal, batch_size=1000)


def _link_agencies(records: dict, by_code: dict, ministries: dict) -> None:
    through = Procedure.agencies.through
    wanted = set()
    for code, record in records.items():
        ministry = ministries.get(record.ministry)
        if ministry is None:
            continue
        for unit in record.implementing_units():
            agency = ministry if unit == ministry.name else _ministry_unit(ministry, unit)
            wanted.add((by_code[code].id, agency.id))
    current = set(through.objects.values_list("procedure_id", "agency_id"))
    for pid, aid in current - wanted:
        through.objects.filter(procedure_id=pid, agency_id=aid).delete()
    through.objects.bulk_create(
        [through(procedure_id=pid, agency_id=aid) for pid, aid in wanted - current],
        batch_size=1000,
    )


def _sync_listings(listings: list[sources.ListingRecord], by_code: dict) -> None:
    provinces = {p.qcvn_code: p for p in Province.objects.all()}
    committees = {
        a.province_id: a for a in Agency.objects.filter(kind=Agency.Kind.PROVINCE_COMMITTEE)
    }
    existing = {(lst.local_code, lst.agency_text): lst for lst in Listing.objects.all()}
    create, update = [], []
    for record in listings:
        province = provinces[record.province]
        procedure = by_code[record.national_code or record.local_code]
        values = {
            "procedure_id": procedure.id,
            "province_id": province.id,
            "name": record.name,
            "field_name": record.field_name[:255],
            "agency": committees.get(province.id),
            "online_level": sources.online_level(record.online_level_text),
            "online_level_text": record.online_level_text[:60],
            "decision_number": record.decision_number[:255],
            "source_row": record.row,
        }
        listing = existing.pop((record.local_code, record.agency_text), None)
        if listing is None:
            create.append(
                Listing(local_code=record.local_code, agency_text=record.agency_text, **values)
            )
        else:
            for key, value in values.items():
                setattr(listing, key, value)
            update.append(listing)
    Listing.objects.filter(id__in=[lst.id for lst in existing.values()]).delete()
    Listing.objects.bulk_create(create, batch_size=1000)
    Listing.objects.bulk_update(
        update,
        [
            "procedure_id",
            "province_id",
            "name",
            "field_name",
            "agency",
            "online_level",
            "online_level_text",
            "decision_number",
            "source_row",
        ],
        batch_size=1000,
    )


ENTRY_FIELDS = [
    "code",
    "kind",
    "procedure_id",
    "listing_id",
    "name",
    "sort_key",
    "levels",
    "field_id",
    "province_id",
    "agency_path",
    "online_level",
    "for_citizens",
    "for_businesses",
    "rank",
]


def _sync_rows(model, wanted: list, key, fields: list[str]) -> None:
    """Make ``model``'s table hold exactly ``wanted``: update changed rows, add new ones,
    delete the rest. Unchanged rows are not written (no dead rows after a no-op import)."""
    current = {key(row): row for row in model.objects.only(model._meta.pk.attname, *fields)}
    create, update = [], []
    for row in wanted:
        existing = current.pop(key(row), None)
        if existing is None:
            create.append(row)
        elif any(getattr(existing, f) != getattr(row, f) for f in fields):
            row.pk = existing.pk
            update.append(row)
    model.objects.filter(pk__in=[row.pk for row in current.values()]).delete()
    model.objects.bulk_update(update, fields, batch_size=2000)
    model.objects.bulk_create(create, batch_size=2000)


def rebuild_entries() -> int:
    """Bring the denormalised catalogue lines in line with procedures and listings."""
    province_rank = {
        pid: index + 1
        for index, pid in enumerate(
            Province.objects.order_by("sort_key").values_list("id", flat=True)
        )
    }
    procedures = {
        p.id: p for p in Procedure.objects.filter(is_active=True).select_related("ministry")
    }

    def entry(procedure: Procedure, **line) -> Entry:
        """A catalogue line: what it shares with its procedure, plus its own ``line``."""
        return Entry(
            procedure_id=procedure.id,
            levels=procedure.levels,
            field_id=procedure.field_id,
            for_citizens=procedure.for_citizens,
            for_businesses=procedure.for_businesses,
            **line,
        )

    entries = [
        entry(
            procedure,
            code=procedure.code,
            kind=Entry.Kind.NATIONAL,
            name=procedure.name,
            sort_key=procedure.sort_key,
            agency_path=procedure.ministry.path if procedure.ministry else "",
            online_level=OnlineLevel.UNKNOWN,
            rank=0,
        )
        for procedure in procedures.values()
        if procedure.has_detail
    ]
    listings = Listing.objects.select_related("agency").order_by("id")
    for listing in listings.iterator(chunk_size=5000):
        procedure = procedures.get(listing.procedure_id)
        if procedure is None:
            continue
        entries.append(
            entry(
                procedure,
                code=listing.local_code,
                kind=Entry.Kind.PROVINCIAL,
                listing_id=listing.id,
                name=listing.name,
                sort_key=sort_key(listing.name),
                province_id=listing.province_id,
                agency_path=listing.agency.path if listing.agency else "",
                online_level=listing.online_level,
                rank=province_rank.get(listing.province_id, 99),
            )
        )
    _sync_rows(Entry, entries, lambda e: (e.code, e.listing_id), ENTRY_FIELDS)
    return len(entries)


def rebuild_search_index() -> int:
    """One search document per procedure: its names (national and provincial), field,
    agencies and results, folded for accent-insensitive matching."""
    names: dict[int, list[str]] = defaultdict(list)
    codes: dict[int, list[str]] = defaultdict(list)
    for pid, name, code in Listing.objects.values_list("procedure_id", "name", "local_code"):
        names[pid].append(name)
        codes[pid].append(code)
    documents = []
    for procedure in Procedure.objects.filter(is_active=True).select_related("field", "ministry"):
        all_names = list(dict.fromkeys([procedure.name, *names.get(procedure.id, [])]))
        keywords = [
            procedure.field.name if procedure.field else "",
            procedure.ministry.name if procedure.ministry else "",
            procedure.implementing_agency,
            " ".join(r.get("name", "") for r in procedure.results),
        ]
        # Distinct words only: matching needs no order (ranking reads the name itself), and
        # small vectors keep the index fast when provinces list a procedure many times.
        names_text = _distinct_words(" ".join(all_names).lower())
        keywords_text = _distinct_words(" ".join(k for k in keywords if k).lower())
        documents.append(
            SearchDocument(
                procedure=procedure,
                name=procedure.name.lower(),
                names=names_text,
                keywords=keywords_text,
                codes=" ".join([procedure.code, *codes.get(procedure.id, [])]),
                name_folded=_words(_PROCEDURE_PREFIX.sub("", procedure.name)),
                names_folded=_words(names_text),
                keywords_folded=_words(keywords_text),
                popularity=procedure.popularity,
            )
        )
    fields = [
        "name",
        "names",
        "keywords",
        "codes",
        "name_folded",
        "names_folded",
        "keywords_folded",
        "popularity",
    ]
    indexed = ("names_folded", "keywords_folded", "name_folded")
    before = {
        row[0]: row[1:] for row in SearchDocument.objects.values_list("procedure_id", *indexed)
    }
    _sync_rows(SearchDocument, documents, lambda d: d.procedure_id, fields)
    rows = [(d.procedure_id, d.names_folded, d.keywords_folded, d.name_folded) for d in documents]
    wanted = {row[0] for row in rows}
    get_backend().index(
        [row for row in rows if before.get(row[0]) != row[1:]],
        removed=[pid for pid in before if pid not in wanted],
    )
    get_backend().analyse()
    return len(documents)


def _distinct_words(text: str) -> str:
    return " ".join(dict.fromkeys(re.findall(r"\w+", text)))


# Many national names start with "Thủ tục ..."; the words carry no meaning for ranking.
_PROCEDURE_PREFIX = re.compile(r"^\s*thủ tục\s+", re.IGNORECASE)


def _words(value: str) -> str:
    """Folded words separated by single spaces: what the index and the ranking compare."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(value)))
