"""The national targets (DOMAIN.md §12) as data (``stats/data/targets.toml``) and the figure
each one is measured by."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path

from .scoring import ratio_of

TARGETS_FILE = Path(__file__).resolve().parent / "data" / "targets.toml"


@cache
def load_targets() -> tuple[dict, ...]:
    with TARGETS_FILE.open("rb") as handle:
        return tuple(tomllib.load(handle)["target"])


def _satisfaction(counts: dict) -> Decimal | None:
    received = counts["received"]
    return ratio_of(received - counts["unsatisfying"], received)


MEASURES = {
    "fully_online_share": lambda c: ratio_of(c["fully_online"], c["received"]),
    "digitised_share": lambda c: ratio_of(c["digitised"], c["received"]),
    "reused_share": lambda c: ratio_of(c["reused"], c["received"]),
    "satisfaction": _satisfaction,
}


def measure(name: str, counts: dict, node, period) -> Decimal | None:
    """The current figure of a target's measure, None when it cannot be told from our data."""
    compute = MEASURES.get(name)
    return compute(counts) if compute is not None else None
