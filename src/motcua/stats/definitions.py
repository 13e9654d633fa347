"""The indicator sets as data: loading ``stats/indicators/*.toml`` and choosing the set a
period uses (the one valid at its start)."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from motcua.core.memo import held

FOLDER = Path(__file__).resolve().parent / "indicators"
DEFAULT_CODE = "qd766"

_FIELDS = ("name", "group", "numerator_label", "denominator_label", "zero_rule", "kind", "note")


def indicator_files() -> list[Path]:
    return sorted(FOLDER.glob("*.toml"))


def read(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@transaction.atomic
def load(path: Path, *, models=None, overwrite: bool = False) -> tuple[object, bool]:
    """Create the set a file describes unless it exists (``overwrite``: replace its
    indicators with the file's, losing edits made in the admin). Returns (set, created).
    ``models``: the historical models of a migration (an object with IndicatorSet and
    Indicator), else the current ones."""
    if models is None:
        from . import models
    data = read(path)
    found = models.IndicatorSet.objects.filter(code=data["code"], version=data["version"]).first()
    if found is not None and not overwrite:
        return found, False
    if found is None:
        found = models.IndicatorSet(code=data["code"], version=data["version"])
    found.valid_from = data["valid_from"]
    found.name = data["name"]
    found.source = data.get("source", "")
    found.bands = data.get("bands") or found.bands
    found.save()
    models.Indicator.objects.filter(indicator_set=found).delete()
    models.Indicator.objects.bulk_create(
        [
            models.Indicator(
                indicator_set=found,
                ident=row["ident"],
                max_points=Decimal(str(row["max_points"])),
                threshold=Decimal(str(row["threshold"])) if "threshold" in row else None,
                scored=row.get("scored", True),
                scopes=row.get("scopes", []),
                position=position,
                **{name: row.get(name, "") for name in _FIELDS},
            )
            for position, row in enumerate(data["indicator"], start=1)
        ]
    )
    clear()
    return found, True


def load_all(*, models=None, overwrite: bool = False) -> list[tuple[object, bool]]:
    return [load(path, models=models, overwrite=overwrite) for path in indicator_files()]


@held(60)
def set_for(day: date, code: str = DEFAULT_CODE):
    """The set valid on ``day`` (the latest one started by then; else the earliest), with
    its indicators in order, or None when none is loaded."""
    from .models import IndicatorSet

    sets = IndicatorSet.objects.filter(code=code).prefetch_related("indicators")
    chosen = sets.filter(valid_from__lte=day).order_by("-valid_from", "-version").first()
    if chosen is None:
        chosen = sets.order_by("valid_from", "version").first()
    if chosen is not None:
        chosen.ordered = sorted(chosen.indicators.all(), key=lambda i: i.position)
    return chosen


def clear() -> None:
    set_for.cache_clear()
