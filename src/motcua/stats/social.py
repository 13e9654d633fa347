"""The social cost saved by online filing: per procedure (or the default) what one dossier
done in person costs its applicant; the default and its assumptions are data
(``stats/data/social-cost.toml``), edited in the admin afterwards."""

from __future__ import annotations

import tomllib
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "social-cost.toml"


def default_values() -> dict:
    with DEFAULT_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {k: data[k] for k in ("travel", "waiting", "paper", "assumptions")}


def load_default(model=None) -> None:
    """Create the default row (procedure empty) unless it exists."""
    if model is None:
        from .models import SocialCost as model
    if not model.objects.filter(procedure__isnull=True).exists():
        model.objects.create(procedure=None, **default_values())
