"""Population sources by id; ``MOTCUA_POPULATION_SOURCE`` chooses one (default ``demo``)."""

from __future__ import annotations

from django.conf import settings

from .base import PopulationError, PopulationSource

_SOURCES: dict[str, type[PopulationSource]] = {}


def register(cls: type[PopulationSource]) -> type[PopulationSource]:
    """Class decorator: make a source plugin available under its ``id``."""
    if cls.id in _SOURCES and _SOURCES[cls.id] is not cls:
        raise ValueError(f"population source id already registered: {cls.id}")
    _SOURCES[cls.id] = cls
    return cls


def available() -> dict[str, type[PopulationSource]]:
    _load_builtin()
    return dict(_SOURCES)


def get_source(source_id: str | None = None) -> PopulationSource:
    """The configured source. Plugins read settings when called, so one instance is cheap."""
    _load_builtin()
    wanted = source_id or getattr(settings, "MOTCUA_POPULATION_SOURCE", "demo")
    try:
        return _SOURCES[wanted]()
    except KeyError:
        raise PopulationError(f"unknown population source: {wanted!r}") from None


def check_config() -> list[str]:
    """Problems with the configured source (empty when it is ready)."""
    _load_builtin()
    wanted = getattr(settings, "MOTCUA_POPULATION_SOURCE", "demo")
    if wanted not in _SOURCES:
        return [
            f"MOTCUA_POPULATION_SOURCE={wanted!r} is not a known source ({', '.join(_SOURCES)})"
        ]
    return _SOURCES[wanted]().check_config()


def _load_builtin() -> None:
    from . import demo  # noqa: F401  (registers itself)
