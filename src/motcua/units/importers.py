"""Import administrative units (2025 reform) and the agency tree from ``settings.DATA_DIR``.

Both imports are idempotent: rows are matched on their code, only changed rows are written,
and a second run over the same data reports nothing created or updated. Each import runs in one
transaction with bulk operations.

Data read (never anything outside the data directory):

* ``units-2025/``: ``provinces_2025.csv``, ``wards_2025.csv.gz``, ``wards_legacy_pre2025.csv.gz``,
  ``converter_2025.json.gz`` (see its ``SOURCE.md``);
* ``agencies/``: ``qcvn102_provinces.csv``, ``province_departments.csv``, ``ministries.csv``
  (see its ``SOURCE.md`` for the code scheme).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from tqdm import tqdm

from motcua.core.logging import get_logger
from motcua.core.text import nfc
from motcua.units.keys import converter_key, converter_key_marked
from motcua.units.models import (
    Agency,
    Commune,
    CommuneSuccession,
    LegacyCommune,
    LegacyProvince,
    Province,
)

logger = get_logger(__name__)

UNITS_DIR = "units-2025"
AGENCIES_DIR = "agencies"
BATCH_SIZE = 500

COMMUNE_KINDS = {
    "Xã": Commune.Kind.COMMUNE,
    "Phường": Commune.Kind.WARD,
    "Đặc khu": Commune.Kind.SPECIAL_ZONE,
}
# Level-2 block (Y1Y2) under which commune People's Committees are numbered (local convention).
COMMUNE_BLOCK = "90"
# Type words that start unit names; lower-cased inside agency names ("UBND tỉnh Lâm Đồng").
_TYPE_PREFIXES = ("Thành phố", "Tỉnh", "Đặc khu", "Phường", "Xã")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deleted += other.deleted


@dataclass
class ImportSummary:
    """What an import did; ``counts`` is keyed by a plural table name ("communes")."""

    counts: dict[str, Counts] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    legacy_with_successor: int = 0
    unresolved: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, name: str) -> Counts:
        return self.counts.setdefault(name, Counts())

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def deleted(self) -> int:
        return sum(c.deleted for c in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def merge(self, other: ImportSummary) -> ImportSummary:
        for name, counts in other.counts.items():
            self.count(name).add(counts)
        self.totals.update(other.totals)
        self.legacy_with_successor = self.legacy_with_successor or other.legacy_with_successor
        self.unresolved.extend(other.unresolved)
        self.notes.extend(other.notes)
        self.seconds += other.seconds
        return self

    def lines(self) -> list[str]:
        """Human-readable report, one line per table, then notes and unresolved keys."""
        out = []
        for name, c in self.counts.items():
            total = self.totals.get(name)
            out.append(
                f"{name}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged"
                + (f", {c.deleted} deleted" if c.deleted else "")
                + (f" (total {total})" if total is not None else "")
            )
        if self.legacy_with_successor:
            out.append(f"legacy communes with a successor: {self.legacy_with_successor}")
        out.extend(f"note: {note}" for note in self.notes)
        out.extend(f"unresolved: {item}" for item in self.unresolved)
        out.append(f"time: {self.seconds:.2f} s")
        return out


# --------------------------------------------------------------------------- reading files


def _data_dir(data_dir: Path | str | None) -> Path:
    return Path(data_dir) if data_dir is not None else Path(settings.DATA_DIR)


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def _find(directory: Path, name: str) -> Path:
    """``name`` or ``name.gz``, whichever exists."""
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(directory / name)


def read_csv(path: Path) -> list[dict[str, str]]:
    with _open_text(path) as handle:
        return [{k: nfc(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def read_json(path: Path) -> Any:
    with _open_text(path) as handle:
        return json.load(handle)


def _float(value: str) -> float | None:
    return float(value) if value not in ("", None) else None


def _lower_type(name: str) -> str:
    """'Tỉnh Lâm Đồng' → 'tỉnh Lâm Đồng' (for use inside a longer name)."""
    for prefix in _TYPE_PREFIXES:
        if name.startswith(prefix + " "):
            return prefix.lower() + name[len(prefix) :]
    return name


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


# --------------------------------------------------------------------------- generic sync


def _tracked_fields(model: type[models.Model]) -> list[str]:
    """Derived fields that ``normalise()`` computes, compared and written alongside values."""
    derived = {
        Province: ["name", "short_name", "sort_key"],
        Commune: ["name", "short_name", "sort_key"],
        Agency: ["code", "name", "short_name", "sort_key", "name_key", "path", "depth"],
    }
    return derived.get(model, [])


def _sync(
    model: type[models.Model],
    desired: dict[str, dict[str, Any]],
    counts: Counts,
    existing: dict[str, models.Model],
    *,
    create_only: Iterable[str] = (),
) -> None:
    """Create or update ``model`` rows keyed by ``code`` so that they carry ``desired`` values.

    Values that are model instances are foreign keys: they are compared by id and assigned as
    objects (so ``normalise()`` can read them without a query). Fields in ``create_only`` are set
    when a row is created but never overwritten (e.g. ``is_active``, which an administrator may
    change).
    """
    create_only = set(create_only)
    derived = _tracked_fields(model)
    now = timezone.now()
    has_timestamps = any(f.name == "updated_at" for f in model._meta.fields)
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    for code, values in desired.items():
        obj = existing.get(code)
        if obj is None:
            obj = model(code=code)
            for name, value in values.items():
                setattr(obj, name, value)
            if hasattr(obj, "normalise"):
                obj.normalise()
            to_create.append(obj)
            existing[code] = obj
            continue
        before = _snapshot(obj, values, derived)
        for name, value in values.items():
            if name not in create_only:
                setattr(obj, name, value)
        if hasattr(obj, "normalise"):
            obj.normalise()
        after = _snapshot(obj, values, derived)
        diff = [name for name in after if before[name] != after[name] and name not in create_only]
        if diff:
            changed_fields.update(diff)
            if has_timestamps:
                obj.updated_at = now
            to_update.append(obj)
        else:
            counts.unchanged += 1
    if to_create:
        model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        fields = sorted(changed_fields | ({"updated_at"} if has_timestamps else set()))
        model.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    counts.created += len(to_create)
    counts.updated += len(to_update)


def _snapshot(obj: models.Model, values: dict[str, Any], derived: list[str]) -> dict[str, Any]:
    snap = {}
    for name, value in values.items():
        if isinstance(value, models.Model) or (
            value is None and obj._meta.get_field(name).is_relation
        ):
            snap[name] = getattr(obj, f"{name}_id")
        else:
            snap[name] = getattr(obj, name)
    for name in derived:
        snap[name] = getattr(obj, name)
    return snap


def _by_code(model: type[models.Model]) -> dict[str, models.Model]:
    return {obj.code: obj for obj in model.objects.all()}


class _Progress:
    """A tqdm bar over the steps of an import (disabled unless asked for)."""

    def __init__(self, enabled: bool, total: int, desc: str) -> None:
        self.bar = tqdm(total=total, desc=desc, unit="step", disable=not enabled, leave=True)

    def step(self, label: str) -> None:
        self.bar.set_postfix_str(label, refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


# --------------------------------------------------------------------------- agency codes


def province_committee_code(qcvn_code: str) -> str:
    """QCVN 102 code of a province's People's Committee: ``000.00.00.H36``."""
    return f"000.00.00.{qcvn_code}"


def department_code(level2_code: str, qcvn_code: str) -> str:
    """Code of a provincial department: ``000.00.NN.H36`` (NN from province_departments.csv)."""
    if len(level2_code) != 2 or not level2_code.isdigit():
        raise ValueError(f"level-2 code must be two digits, got {level2_code!r}")
    return f"000.00.{level2_code}.{qcvn_code}"


def commune_committee_code(commune_code: str, qcvn_code: str) -> str:
    """Local code of a commune People's Committee: the 5-digit NSO commune code spread over the
    level-4 and level-3 fields under level-2 block 90 (``00004`` in H24 → ``000.04.90.H24``)."""
    if len(commune_code) != 5 or not commune_code.isdigit():
        raise ValueError(f"commune code must be five digits, got {commune_code!r}")
    return f"{commune_code[:3]}.{commune_code[3:]}.{COMMUNE_BLOCK}.{qcvn_code}"


# --------------------------------------------------------------------------- units


def read_qcvn_provinces(path: Path) -> dict[str, str]:
    """Legacy NSO province code → QCVN 102 level-1 code (``qcvn102_provinces.csv``)."""
    table = {row["legacy_province_code"]: row["qcvn_code"] for row in read_csv(path)}
    if len(set(table.values())) != len(table):
        raise ValueError(f"{path}: QCVN codes are not unique")
    return table


def import_units(data_dir: Path | None = None, *, progress: bool = False) -> ImportSummary:
    """Import the 34 provinces, 3,321 communes, the 63 + 10,040 pre-reform units and the
    succession of every pre-reform commune. Idempotent, one transaction."""
    started = time.perf_counter()
    root = _data_dir(data_dir)
    units_dir = root / UNITS_DIR
    bar = _Progress(progress, 6, "units")
    summary = ImportSummary()
    try:
        provinces = read_csv(_find(units_dir, "provinces_2025.csv"))
        wards = read_csv(_find(units_dir, "wards_2025.csv"))
        legacy = read_csv(_find(units_dir, "wards_legacy_pre2025.csv"))
        converter = read_json(_find(units_dir, "converter_2025.json"))
        qcvn = read_qcvn_provinces(_find(root / AGENCIES_DIR, "qcvn102_provinces.csv"))
        bar.step("read")
        with transaction.atomic():
            province_map = _import_provinces(provinces, legacy, converter, qcvn, summary)
            bar.step("provinces")
            _import_communes(wards, province_map, summary)
            bar.step("communes")
            legacy_provinces = _import_legacy_provinces(
                legacy, converter, province_map, qcvn, summary
            )
            bar.step("legacy provinces")
            _import_legacy_communes(legacy, legacy_provinces, summary)
            bar.step("legacy communes")
            _import_successions(wards, legacy, converter, summary)
            bar.step("successions")
    finally:
        bar.close()
    summary.totals.update(
        provinces=Province.objects.count(),
        communes=Commune.objects.count(),
        legacy_provinces=LegacyProvince.objects.count(),
        legacy_communes=LegacyCommune.objects.count(),
        successions=CommuneSuccession.objects.count(),
    )
    summary.seconds = time.perf_counter() - started
    logger.info(
        "units.import.done",
        created=summary.created,
        updated=summary.updated,
        deleted=summary.deleted,
        legacy_with_successor=summary.legacy_with_successor,
        unresolved=len(summary.unresolved),
        seconds=round(summary.seconds, 2),
    )
    return summary


def _legacy_province_keys(legacy: list[dict[str, str]]) -> dict[str, str]:
    """Converter key of each pre-reform province → its NSO code."""
    return {converter_key(row["province"]): row["provinceCode"] for row in legacy}


def _import_provinces(
    rows: list[dict[str, str]],
    legacy: list[dict[str, str]],
    converter: dict[str, Any],
    qcvn: dict[str, str],
    summary: ImportSummary,
) -> dict[str, Province]:
    old_keys = _legacy_province_keys(legacy)
    desired: dict[str, dict[str, Any]] = {}
    for row in rows:
        name = row["province"]
        key = converter_key(name)
        predecessors = converter["DICT_PROVINCE"].get(key)
        if predecessors is None:
            summary.unresolved.append(f"province {row['provinceCode']} {name}: key {key!r}")
        # The province keeps the QCVN code of the pre-reform province whose name it kept.
        legacy_code = old_keys.get(key) if predecessors and key in predecessors else None
        if legacy_code is None:
            legacy_code = row["provinceCode"]
            summary.notes.append(
                f"province {name}: no pre-reform province with the same name, "
                f"QCVN code taken from NSO code {legacy_code}"
            )
        if legacy_code not in qcvn:
            raise ValueError(f"no QCVN 102 code for pre-reform province {legacy_code}")
        desired[row["provinceCode"]] = {
            "name": name,
            "short_name": row["provinceShort"],
            "kind": Province.Kind.CITY if name.startswith("Thành phố") else Province.Kind.PROVINCE,
            "qcvn_code": qcvn[legacy_code],
            "latitude": _float(row["provinceLat"]),
            "longitude": _float(row["provinceLon"]),
        }
    _sync(Province, desired, summary.count("provinces"), _by_code(Province))
    return _by_code(Province)


def _import_communes(
    rows: list[dict[str, str]], provinces: dict[str, Province], summary: ImportSummary
) -> None:
    desired: dict[str, dict[str, Any]] = {}
    for row in rows:
        kind = COMMUNE_KINDS.get(row["wardType"])
        if kind is None:
            raise ValueError(f"commune {row['wardCode']}: unknown type {row['wardType']!r}")
        desired[row["wardCode"]] = {
            "province": provinces[row["provinceCode"]],
            "name": row["ward"],
            "short_name": row["wardShort"],
            "kind": kind,
            "latitude": _float(row["wardLat"]),
            "longitude": _float(row["wardLon"]),
            "area_km2": _float(row["wardAreaKm2"]),
        }
    _sync(Commune, desired, summary.count("communes"), _by_code(Commune))


def _import_legacy_provinces(
    legacy: list[dict[str, str]],
    converter: dict[str, Any],
    provinces: dict[str, Province],
    qcvn: dict[str, str],
    summary: ImportSummary,
) -> dict[str, LegacyProvince]:
    new_by_key = {converter_key(p.name): p for p in provinces.values()}
    successor_of: dict[str, Province] = {}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            if new_key in new_by_key:
                successor_of[old_key] = new_by_key[new_key]
    desired: dict[str, dict[str, Any]] = {}
    for row in legacy:
        code = row["provinceCode"]
        if code in desired:
            continue
        successor = successor_of.get(converter_key(row["province"]))
        if successor is None:
            summary.unresolved.append(f"legacy province {code} {row['province']}: no successor")
        desired[code] = {
            "name": row["province"],
            "successor": successor,
            "qcvn_code": qcvn.get(code, ""),
        }
    _sync(LegacyProvince, desired, summary.count("legacy_provinces"), _by_code(LegacyProvince))
    return _by_code(LegacyProvince)


def legacy_commune_code(row: dict[str, str]) -> str:
    """NSO commune code, or ``D`` + district code for island districts without communes."""
    return row["wardCode"] or f"D{row['districtCode']}"


def _import_legacy_communes(
    legacy: list[dict[str, str]], provinces: dict[str, LegacyProvince], summary: ImportSummary
) -> None:
    desired: dict[str, dict[str, Any]] = {}
    for row in legacy:
        desired[legacy_commune_code(row)] = {
            # An island district with no commune level is its own commune-level unit.
            "name": row["ward"] or row["district"],
            "kind": row["wardType"] or row["districtType"],
            "district_code": row["districtCode"],
            "district_name": row["district"],
            "district_kind": row["districtType"],
            "province": provinces[row["provinceCode"]],
        }
    _sync(LegacyCommune, desired, summary.count("legacy_communes"), _by_code(LegacyCommune))


def _index(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for key, code in pairs:
        index[key].add(code)
    return index


def _resolve(index: dict[str, set[str]], key: str) -> str | None:
    codes = index.get(key)
    return next(iter(codes)) if codes and len(codes) == 1 else None


def _legacy_keys(row: dict[str, str]) -> set[str]:
    """Every converter key a pre-reform commune may appear under."""
    province = converter_key(row["province"])
    districts = {converter_key(row["district"]), converter_key_marked(row["district"])}
    wards = {converter_key(row["ward"]), converter_key_marked(row["ward"])}
    return {f"{province}_{d}_{w}" for d in districts for w in wards}


def _import_successions(
    wards: list[dict[str, str]],
    legacy: list[dict[str, str]],
    converter: dict[str, Any],
    summary: ImportSummary,
) -> None:
    province_by_key = {converter_key(row["province"]): row["provinceCode"] for row in wards}
    new_index: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in wards:
        for key in (converter_key(row["ward"]), converter_key_marked(row["ward"])):
            new_index[row["provinceCode"]][key].add(row["wardCode"])
    old_index = _index(
        (key, legacy_commune_code(row)) for row in legacy for key in _legacy_keys(row)
    )
    commune_ids = dict(Commune.objects.values_list("code", "id"))
    legacy_ids = dict(LegacyCommune.objects.values_list("code", "id"))

    desired: dict[tuple[int, int], bool] = {}
    unresolved: list[str] = []

    def add(old_key: str, province_key: str, new_key: str, is_default: bool) -> None:
        old_code = _resolve(old_index, old_key)
        province_code = province_by_key.get(province_key)
        new_code = _resolve(new_index[province_code], new_key) if province_code else None
        if old_code is None:
            unresolved.append(f"old commune key {old_key!r}")
        if new_code is None:
            unresolved.append(f"new commune key {province_key}/{new_key!r}")
        if old_code is None or new_code is None:
            return
        pair = (legacy_ids[old_code], commune_ids[new_code])
        desired[pair] = desired.get(pair, False) or is_default

    for province_key, mapping in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, old_keys in mapping.items():
            for old_key in old_keys:
                add(old_key, province_key, new_key, True)
    for province_key, mapping in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in mapping.items():
            for target in targets:
                add(old_key, province_key, target["newWardKey"], bool(target["isDefaultNewWard"]))

    counts = summary.count("successions")
    existing = {
        (legacy_id, commune_id): (pk, is_default)
        for pk, legacy_id, commune_id, is_default in CommuneSuccession.objects.values_list(
            "id", "legacy_id", "commune_id", "is_default"
        )
    }
    to_create = [
        CommuneSuccession(legacy_id=legacy_id, commune_id=commune_id, is_default=is_default)
        for (legacy_id, commune_id), is_default in desired.items()
        if (legacy_id, commune_id) not in existing
    ]
    to_update = [
        CommuneSuccession(pk=existing[pair][0], legacy_id=pair[0], commune_id=pair[1], is_default=d)
        for pair, d in desired.items()
        if pair in existing and existing[pair][1] != d
    ]
    stale = [pk for pair, (pk, _) in existing.items() if pair not in desired]
    CommuneSuccession.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    CommuneSuccession.objects.bulk_update(to_update, ["is_default"], batch_size=BATCH_SIZE)
    for start in range(0, len(stale), BATCH_SIZE):
        CommuneSuccession.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    counts.created += len(to_create)
    counts.updated += len(to_update)
    counts.deleted += len(stale)
    counts.unchanged += len(desired) - len(to_create) - len(to_update)

    with_successor = {legacy_id for legacy_id, _ in desired}
    summary.legacy_with_successor = len(with_successor)
    code_by_id = {pk: code for code, pk in legacy_ids.items()}
    orphans = sorted(code_by_id[pk] for pk in set(legacy_ids.values()) - with_successor)
    summary.unresolved.extend(sorted(set(unresolved)))
    summary.unresolved.extend(f"legacy commune {code}: no successor" for code in orphans)


# --------------------------------------------------------------------------- agencies


def read_ministries(path: Path) -> list[dict[str, Any]]:
    """Rows of ``ministries.csv`` with ``aliases`` merged into one list (names, folders, codes)."""
    ministries = []
    for row in read_csv(path):
        aliases = [
            *_split_list(row.get("aliases", "")),
            *_split_list(row.get("source_folders", "")),
            *_split_list(row.get("former_codes", "")),
        ]
        ministries.append({**row, "alias_list": aliases})
    return ministries


def import_agencies(data_dir: Path | None = None, *, progress: bool = False) -> ImportSummary:
    """Import ministries, and for each province its People's Committee, departments, service
    centre and one People's Committee per commune. Needs ``import_units`` first. Idempotent;
    agencies created elsewhere (ministry units, manual additions) are left alone."""
    started = time.perf_counter()
    agencies_dir = _data_dir(data_dir) / AGENCIES_DIR
    bar = _Progress(progress, 3, "agencies")
    summary = ImportSummary()
    counts = summary.count("agencies")
    try:
        ministries = read_ministries(_find(agencies_dir, "ministries.csv"))
        departments = read_csv(_find(agencies_dir, "province_departments.csv"))
        valid_kinds = {Agency.Kind.DEPARTMENT, Agency.Kind.PROVINCE_CENTRE}
        for row in departments:
            if row["kind"] not in valid_kinds:
                raise ValueError(f"province_departments.csv: unexpected kind {row['kind']!r}")
        bar.step("read")
        with transaction.atomic():
            provinces = list(Province.objects.order_by("code"))
            if not provinces:
                summary.notes.append("no provinces: run import_units before import_agencies")
            roots: dict[str, dict[str, Any]] = {}
            for row in ministries:
                roots[row["code"]] = {
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "kind": Agency.Kind.MINISTRY,
                    "parent": None,
                    "province": None,
                    "commune": None,
                    "aliases": row["alias_list"],
                    "is_active": True,
                }
            for province in provinces:
                roots[province_committee_code(province.qcvn_code)] = {
                    "name": f"Ủy ban nhân dân {_lower_type(province.name)}",
                    "short_name": f"UBND {_lower_type(province.name)}",
                    "kind": Agency.Kind.PROVINCE_COMMITTEE,
                    "parent": None,
                    "province": province,
                    "commune": None,
                    "is_active": True,
                }
            existing = _by_code(Agency)
            _sync(Agency, roots, counts, existing, create_only={"is_active"})
            bar.step("ministries and provinces")

            existing = _by_code(Agency)
            children: dict[str, dict[str, Any]] = {}
            by_id = {province.id: province for province in provinces}
            for province in provinces:
                committee = existing[province_committee_code(province.qcvn_code)]
                for row in departments:
                    children[department_code(row["level2_code"], province.qcvn_code)] = {
                        "name": f"{row['name']} {_lower_type(province.name)}",
                        "short_name": row["short_name"],
                        "kind": row["kind"],
                        "parent": committee,
                        "province": province,
                        "commune": None,
                        "is_active": True,
                    }
            for commune in Commune.objects.order_by("code"):
                province = by_id[commune.province_id]
                committee = existing[province_committee_code(province.qcvn_code)]
                children[commune_committee_code(commune.code, province.qcvn_code)] = {
                    "name": f"Ủy ban nhân dân {_lower_type(commune.name)}",
                    "short_name": f"UBND {_lower_type(commune.name)}",
                    "kind": Agency.Kind.COMMUNE_COMMITTEE,
                    "parent": committee,
                    "province": province,
                    "commune": commune,
                    "is_active": True,
                }
            _sync(Agency, children, counts, existing, create_only={"is_active"})
            bar.step("departments and communes")

            generated = set(roots) | set(children)
            generated_kinds = [
                Agency.Kind.PROVINCE_COMMITTEE,
                Agency.Kind.DEPARTMENT,
                Agency.Kind.PROVINCE_CENTRE,
                Agency.Kind.COMMUNE_COMMITTEE,
            ]
            stale = [
                code
                for code, kind in Agency.objects.filter(kind__in=generated_kinds).values_list(
                    "code", "kind"
                )
                if code not in generated
            ]
            if stale:
                summary.notes.append(
                    f"{len(stale)} province or commune agencies are not in the data any more "
                    f"(kept): {', '.join(sorted(stale)[:10])}"
                )
    finally:
        bar.close()
    summary.totals["agencies"] = Agency.objects.count()
    summary.seconds = time.perf_counter() - started
    logger.info(
        "units.agencies.import.done",
        created=counts.created,
        updated=counts.updated,
        total=summary.totals["agencies"],
        seconds=round(summary.seconds, 2),
    )
    return summary


def import_all(data_dir: Path | None = None, *, progress: bool = False) -> ImportSummary:
    """``import_units`` then ``import_agencies`` in one transaction, one merged summary."""
    with transaction.atomic():
        summary = import_units(data_dir, progress=progress)
        return summary.merge(import_agencies(data_dir, progress=progress))
