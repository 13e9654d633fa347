"""Look-ups for other importers (the procedure catalogue): ministries, their units, provinces.

Names are matched on ``name_key`` (accent-free, lower case, punctuation ignored), so
"Bộ tài chính", "BỘ TÀI CHÍNH" and "bo-tai-chinh" all find the Ministry of Finance. Ministries
also match their abbreviation (``short_name``), the former ministries merged into them in 2025
and their former codes (``Agency.aliases``, from ``data/agencies/ministries.csv``).
"""

from __future__ import annotations

import hashlib
import re

from django.db import IntegrityError, transaction

from motcua.core.logging import get_logger
from motcua.core.text import nfc
from motcua.units.keys import name_key
from motcua.units.models import Agency, Commune, LegacyProvince, Province

logger = get_logger(__name__)

# "scripts/crawler/data/raw/bo-tai-chinh/1.000178.json" → "bo-tai-chinh"
_SOURCE_FOLDER = re.compile(r"(?:^|/)raw/([^/]+)/")
# "000.00.00.G12" or "G12" → "G12"
_LEVEL1 = re.compile(r"^(?:\d{3}\.\d{2}\.\d{2}\.)?([A-Z]\d{2})$", re.IGNORECASE)
# "Cục Hải quan - Bộ tài chính": unit, dash, ministry.
_DASH = re.compile(r"\s+[-–—]\s+")
UNIT_HASH_LENGTHS = (8, 10, 12, 14)


def level1_code(code: str) -> str | None:
    """The level-1 part of a QCVN 102 code ("000.00.00.G12" → "G12"), if ``code`` is one."""
    match = _LEVEL1.match(nfc(code))
    return match.group(1).upper() if match else None


def _alias_keys(agency: Agency) -> tuple[set[str], set[str]]:
    names = {name_key(agency.short_name)} if agency.short_name else set()
    codes = set()
    for alias in agency.aliases or []:
        code = level1_code(alias)
        if code:
            codes.add(code)
        else:
            names.add(name_key(alias))
    return names, codes


def find_ministry(name_or_code: str | None) -> Agency | None:
    """The ministry (or ministerial-level agency, or the Supreme People's Court) named or coded
    ``name_or_code``: its name, abbreviation ("BTC"), a former ministry merged into it ("Bộ Kế
    hoạch và Đầu tư"), a catalogue folder ("bo-tai-chinh") or a code ("000.00.00.G12", "G04")."""
    text = nfc(name_or_code)
    if not text:
        return None
    ministries = list(Agency.objects.ministries().order_by("code"))
    code = level1_code(text)
    if code:
        for agency in ministries:
            if level1_code(agency.code) == code:
                return agency
        return next((a for a in ministries if code in _alias_keys(a)[1]), None)
    key = name_key(text)
    for agency in ministries:
        if agency.name_key == key:
            return agency
    return next((a for a in ministries if key in _alias_keys(a)[0]), None)


def ministry_for_source(folder_or_name: str | None) -> Agency | None:
    """The ministry for a catalogue source: a ``_source_path``
    ("scripts/crawler/data/raw/bo-tai-chinh/1.000178.json"), its folder ("bo-tai-chinh",
    "defence"), or anything :func:`find_ministry` accepts."""
    text = nfc(folder_or_name)
    match = _SOURCE_FOLDER.search(text)
    return find_ministry(match.group(1) if match else text)


def split_ministry_suffix(text: str | None) -> tuple[str, Agency | None]:
    """Split "Cục Hải quan - Bộ tài chính" into ("Cục Hải quan", <Bộ Tài chính>).

    Returns the text unchanged (NFC) and ``None`` when it does not end with a ministry.
    """
    value = nfc(text)
    parts = _DASH.split(value)
    if len(parts) > 1:
        ministry = find_ministry(parts[-1])
        if ministry is not None:
            return " - ".join(parts[:-1]), ministry
    return value, None


def ministry_unit_code(parent: Agency, unit_name: str, length: int = 8) -> str:
    """Local code of a unit under ``parent`` (a ministry or one of its units): the parent's
    level-1 code, ".U", and the first ``length`` hex digits (upper case) of SHA-256 of
    "<parent code>|<name_key(unit_name)>" — e.g. "G12.U1F0C3A9B". Stable across databases and
    import orders; longer digests are used only if two names collide."""
    level1 = level1_code(parent.code) or parent.code.rsplit(".", 1)[-1]
    digest = hashlib.sha256(f"{parent.code}|{name_key(unit_name)}".encode()).hexdigest()
    return f"{level1}.U{digest[:length].upper()}"


def ensure_ministry_unit(ministry: Agency, unit_name: str) -> Agency:
    """The unit named ``unit_name`` under ``ministry``, created if missing (idempotent).

    Returns ``ministry`` itself when ``unit_name`` is one of its own names. The new unit has
    kind ``ministry_unit`` and the code of :func:`ministry_unit_code`.
    """
    if ministry.kind not in (Agency.Kind.MINISTRY, Agency.Kind.MINISTRY_UNIT):
        raise ValueError(f"{ministry.code} is not a ministry or a ministry unit")
    name = nfc(unit_name)
    key = name_key(name)
    if not key:
        raise ValueError("unit name is empty")
    if key == ministry.name_key or key in _alias_keys(ministry)[0]:
        return ministry
    existing = Agency.objects.filter(parent=ministry, name_key=key).order_by("code").first()
    if existing is not None:
        return existing
    for length in UNIT_HASH_LENGTHS:
        code = ministry_unit_code(ministry, name, length)
        clash = Agency.objects.filter(code=code).first()
        if clash is not None:
            if clash.parent_id == ministry.pk and clash.name_key == key:
                return clash
            continue  # a different agency has this code: use a longer digest
        try:
            with transaction.atomic():
                unit = Agency(code=code, name=name, kind=Agency.Kind.MINISTRY_UNIT, parent=ministry)
                unit.save()
        except IntegrityError:
            # Created concurrently by another process: return theirs.
            unit = Agency.objects.get(code=code)
        logger.info("units.ministry_unit.created", code=unit.code, parent=ministry.code)
        return unit
    raise RuntimeError(f"no free code for unit {name!r} under {ministry.code}")


def find_agency(
    name: str | None,
    *,
    province: Province | None = None,
    kinds: list[str] | None = None,
    parent: Agency | None = None,
) -> Agency | None:
    """The first agency (by path) whose name matches ``name``, optionally within a province,
    under a parent or of given kinds."""
    key = name_key(name)
    if not key:
        return None
    queryset = Agency.objects.filter(name_key=key)
    if province is not None:
        queryset = queryset.filter(province=province)
    if parent is not None:
        queryset = queryset.filter(parent=parent)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    return queryset.order_by("path").first()


def find_province(name_or_code: str | None) -> Province | None:
    """A post-2025 province by QCVN code ("H36", "000.00.00.H36"), NSO code ("68") or name
    ("Lâm Đồng", "Tỉnh Lâm Đồng"). A pre-reform QCVN code or name ("H05", "Bạc Liêu") gives
    the province that succeeded it."""
    text = nfc(name_or_code)
    if not text:
        return None
    code = level1_code(text)
    if code:
        province = Province.objects.filter(qcvn_code=code).first()
        if province is not None:
            return province
        legacy = LegacyProvince.objects.filter(qcvn_code=code).select_related("successor")
        return next((lp.successor for lp in legacy), None)
    if text.isdigit():
        return Province.objects.filter(code=text.zfill(2)).first()
    key = name_key(text)
    for province in Province.objects.all():
        if key in (name_key(province.name), name_key(province.short_name)):
            return province
    for legacy in LegacyProvince.objects.select_related("successor"):
        short = re.sub(r"^(Tỉnh|Thành phố) ", "", legacy.name)
        if key in (name_key(legacy.name), name_key(short)):
            return legacy.successor
    return None


def province_committee(province: Province) -> Agency | None:
    """The People's Committee (Ủy ban nhân dân) of ``province``."""
    return Agency.objects.filter(
        kind=Agency.Kind.PROVINCE_COMMITTEE, province=province, parent__isnull=True
    ).first()


def commune_committee(commune: Commune) -> Agency | None:
    """The People's Committee of ``commune``."""
    return Agency.objects.filter(kind=Agency.Kind.COMMUNE_COMMITTEE, commune=commune).first()
