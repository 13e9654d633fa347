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


#: measure → (the drill-down list behind it, (numerator, denominator) from a node's counts).
MEASURES = {
    "fully_online_share": ("fully_online", lambda c: (c["fully_online"], c["received"])),
    "digitised_share": ("4.2", lambda c: (c["digitised"], c["received"])),
    "reused_share": ("4.3", lambda c: (c["reused"], c["received"])),
    "satisfaction": ("5.4", lambda c: (c["received"] - c["unsatisfying"], c["received"])),
}


def measure(name: str, counts: dict) -> tuple[Decimal | None, int | None, int | None, str]:
    """The current figure of a target's measure with its numerator, denominator and the
    drill-down list behind them; (None, None, None, "") when our data cannot tell it."""
    found = MEASURES.get(name)
    if found is None:
        return None, None, None, ""
    ident, parts = found
    numerator, denominator = parts(counts)
    return ratio_of(numerator, denominator), numerator, denominator, ident
