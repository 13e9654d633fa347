"""The one place settings are read from the environment.

Every setting has a default that works for the embedded installation (`make run`), so a
fresh checkout runs without any variable set. Production overrides through the environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

#: Every variable read through :func:`env`, with its default, for the operations docs.
DECLARED: dict[str, Any] = {}


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


CASTS: dict[type, Callable[[str], Any]] = {bool: _bool, list: _list, int: int, float: float}


def env(name: str, default: T, cast: type | None = None) -> T:
    """Read ``name`` from the environment, cast to the type of ``default``."""
    DECLARED[name] = default
    raw = os.environ.get(name)
    if raw is None:
        return default
    kind = cast or type(default)
    caster = CASTS.get(kind, kind)
    try:
        return caster(raw)
    except ValueError as exc:
        raise ValueError(f"environment variable {name}: {exc}") from exc
