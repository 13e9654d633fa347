"""Reads the citizen pages need beyond the catalogue selectors: choice lists and counts.

Everything here is read-only. The home page counts are a handful of aggregate queries,
cached for a few minutes because they only change when the catalogue is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.catalog.models import Entry, Field, Level, LifeEvent
from motcua.catalog.selectors import AUDIENCES
from motcua.units.models import Agency, Province

HOME_COUNTS_KEY = "portal:home-counts:v1:{language}"
HOME_COUNTS_TTL = 5 * 60
TOP_FIELDS = 12
BROWSE_LEVELS = (Level.MINISTRY, Level.PROVINCE, Level.COMMUNE)


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    count: int | None = None


def provinces() -> list[Choice]:
    return [
        Choice(code, name)
        for code, name in Province.objects.order_by("sort_key").values_list("qcvn_code", "name")
    ]


def ministries() -> list[Choice]:
    rows = Agency.objects.ministries().active().order_by("sort_key").values_list("code", "name")
    return [Choice(code, name) for code, name in rows]


def fields() -> list[Choice]:
    return [Choice(slug, name) for slug, name in Field.objects.values_list("slug", "name")]


def life_events() -> list[Choice]:
    return [Choice(slug, name) for slug, name in LifeEvent.objects.values_list("slug", "name")]


def agency_name(code: str) -> str | None:
    return Agency.objects.filter(code=code).values_list("name", flat=True).first()


def life_event_exists(slug: str) -> bool:
    return LifeEvent.objects.filter(slug=slug).exists()


def fields_with_counts() -> list[Choice]:
    """Every field with the number of catalogue lines in it, largest first."""
    rows = (
        Field.objects.annotate(n=Count("entry"))
        .filter(n__gt=0)
        .order_by("-n", "sort_key")
        .values_list("slug", "name", "n")
    )
    return [Choice(slug, name, n) for slug, name, n in rows]


def home_counts() -> dict:
    """Counts for the browse sections of the home page (cached)."""
    key = HOME_COUNTS_KEY.format(language=get_language())
    counts = cache.get(key)
    if counts is None:
        counts = _compute_home_counts()
        cache.set(key, counts, HOME_COUNTS_TTL)
    return counts


def _compute_home_counts() -> dict:
    entries = Entry.objects.all()
    labels = dict(Level.choices)
    levels = [
        Choice(level, str(labels[level]), entries.filter(levels__contains=level).count())
        for level in BROWSE_LEVELS
    ]
    audience_labels = {"citizen": _("Công dân"), "business": _("Doanh nghiệp, tổ chức")}
    audiences = [
        Choice(key, audience_labels[key], entries.filter(**{column: True}).count())
        for key, column in AUDIENCES.items()
    ]
    # One grouped query, summed per ministry subtree in Python.
    by_path = dict(entries.values_list("agency_path").annotate(n=Count("id")))
    ministry_rows = Agency.objects.ministries().active().order_by("sort_key")
    agencies = []
    for code, name, path in ministry_rows.values_list("code", "name", "path"):
        total = sum(n for p, n in by_path.items() if p and p.startswith(path))
        agencies.append(Choice(code, name, total))
    all_fields = fields_with_counts()
    return {
        "total": entries.count(),
        "fields": all_fields[:TOP_FIELDS],
        "field_total": len(all_fields),
        "levels": levels,
        "audiences": audiences,
        "ministries": [a for a in agencies if a.count],
        "life_events": [
            Choice(slug, name, n)
            for slug, name, n in LifeEvent.objects.annotate(n=Count("procedures")).values_list(
                "slug", "name", "n"
            )
        ],
    }
