"""Life events as data (life_events.toml): each query links its best-matching procedure."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .models import LifeEvent, Procedure
from .search import search_procedures

LIFE_EVENTS_PATH = Path(__file__).with_name("life_events.toml")


def sync_life_events(path: Path = LIFE_EVENTS_PATH) -> list[str]:
    """Create or update the events and their procedures; return the queries that found none."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    unresolved = []
    slugs = []
    for position, item in enumerate(data.get("event", [])):
        event, _ = LifeEvent.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item.get("description", ""),
                "audience": item.get("audience", "citizen"),
                "position": position,
            },
        )
        slugs.append(event.slug)
        ids = list(
            Procedure.objects.filter(code__in=item.get("codes", [])).values_list("id", flat=True)
        )
        for query in item.get("queries", []):
            found = search_procedures(query).procedure_ids[:1]
            if found:
                ids.extend(found)
            else:
                unresolved.append(f"{event.slug}: {query}")
        event.procedures.set(dict.fromkeys(ids))
    LifeEvent.objects.exclude(slug__in=slugs).delete()
    return unresolved
