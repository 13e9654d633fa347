"""Population sources by id; ``MOTCUA_POPULATION_SOURCE`` chooses one (default ``demo``)."""

from __future__ import annotations

from motcua.core.plugins import PluginRegistry

from .base import PopulationError, PopulationSource

SOURCES: PluginRegistry[PopulationSource] = PluginRegistry(
    "source",
    setting="MOTCUA_POPULATION_SOURCE",
    default="demo",
    builtins=("motcua.integrations.population.demo",),
    unknown=lambda wanted: PopulationError(f"unknown population source: {wanted!r}"),
)
register = SOURCES.register
available = SOURCES.available
check_config = SOURCES.check_config


def get_source(source_id: str | None = None) -> PopulationSource:
    """The configured source (``source_id``: a given one)."""
    return SOURCES.get(source_id)
