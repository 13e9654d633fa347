"""Reference data held in each process's memory for a short while.

Hot paths (filing, queues) read the same few rows of reference data on every request: the
units, the agency tree, a procedure's catalogue facts, published e-forms. ``held(seconds)``
keeps a function's answers for that long (cachetools' TTL cache, thread-safe), so those rows
cost a statement once per process and period instead of once per request. Only data that
changes rarely and through imports or admin pages belongs here; a change is seen by every
process within ``seconds``. Held objects are shared: callers must not modify them.

``clear_all()`` empties every cache (tests, and after an import in the same process).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from cachetools import TTLCache, cached

F = TypeVar("F", bound=Callable)

_CACHES: list[TTLCache] = []


def held(seconds: int, *, maxsize: int = 8192) -> Callable[[F], F]:
    def decorate(function: F) -> F:
        cache: TTLCache = TTLCache(maxsize=maxsize, ttl=seconds)
        _CACHES.append(cache)
        return cached(cache, lock=threading.RLock())(function)

    return decorate


def clear_all() -> None:
    for cache in _CACHES:
        cache.clear()
