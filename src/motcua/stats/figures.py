"""Computed figures remembered in the cache, exact while nothing under their node changed.

Each node has a token (``FigureVersion``) that the writers of its counters change in their own
transaction (``rollups.apply``, ``rollups.rebuild``, the feedback subscriber, an edit of the
rules; node ``"*"`` stands for every node). ``remembered`` keeps a computed value under the
token it was computed with:

- same token: the value is exact and served for up to ``MOTCUA_STATS_CACHE_SECONDS`` (figures
  that depend on the clock alone, such as open dossiers falling overdue, are recomputed then);
- another token (dossiers changed since): served for ``MOTCUA_STATS_FRESH_SECONDS`` after it
  was computed, so that a busy node is recomputed at most that often; then one request
  recomputes it while the others get the previous figures, never older than
  ``MOTCUA_STATS_STALE_SECONDS``; past that they wait for the new ones.

The value comes back with the moment it was computed, for the page to say how recent it is.
With ``MOTCUA_STATS_CACHE_SECONDS`` = 0 nothing is remembered.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import FigureVersion

T = TypeVar("T")

#: The node whose token stands for all of them.
EVERY = "*"
#: Longest a recomputation may hold its lock (others wait at most this long).
LOCK_SECONDS = 30
#: How often a request waiting for another's recomputation looks again.
POLL_SECONDS = 0.05
#: Seconds since the epoch (shared by every process, unlike a monotonic clock).
clock = time.time


def touch(nodes: Iterable[str]) -> None:
    """Give ``nodes`` new tokens, inside the caller's transaction (in key order, so that two
    transactions touching the same nodes lock them in the same order)."""
    now = timezone.now()
    rows = [FigureVersion(node=node, token=uuid.uuid4().hex, changed_at=now)
            for node in sorted(set(nodes))]  # fmt: skip
    if rows:
        FigureVersion.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["node"],
            update_fields=["token", "changed_at"],
        )  # fmt: skip


def touch_all() -> None:
    """Every remembered figure is out of date (a recount, a change of the rules)."""
    touch([EVERY])


def version_of(node: str) -> str:
    """The token of ``node`` with that of every node: one primary-key read (asked on every
    view of a dashboard, so written without the query builder)."""
    table = connection.ops.quote_name(FigureVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT node, token FROM {table} WHERE node IN (%s, %s)", [EVERY, node])  # noqa: S608
        tokens = dict(cursor.fetchall())
    return f"{tokens.get(EVERY, '')}.{tokens.get(node, '')}"


def _key(kind: str, node: str, parts: tuple) -> str:
    digest = hashlib.sha256(repr((kind, node, parts)).encode()).hexdigest()[:40]
    return f"motcua:figures:{digest}"


def _moment(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, tz=UTC)


def _wait_for(key: str, lock: str, older_than: float) -> tuple | None:
    """Another request is computing ``key``: its entry once written (None if it gave up)."""
    deadline = time.monotonic() + LOCK_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        entry = cache.get(key)
        if entry is not None and entry[1] > older_than:
            return entry
        if cache.get(lock) is None:
            return None
    return None


def remembered(kind: str, node: str, parts: tuple, compute: Callable[[], T]) -> tuple[T, datetime]:
    """``compute()`` for the figures of ``kind`` at ``node`` (an agency path, "" the nation)
    with ``parts`` (the period and options, hashable), or the value remembered for them;
    with the moment it was computed."""
    keep = settings.MOTCUA_STATS_CACHE_SECONDS
    if keep <= 0:
        return compute(), timezone.now()
    token = version_of(node)
    key = _key(kind, node, parts)
    entry = cache.get(key)
    now = clock()
    age = now - entry[1] if entry is not None else None
    exact = entry is not None and entry[0] == token
    if age is not None and age < keep and (exact or age < settings.MOTCUA_STATS_FRESH_SECONDS):
        return entry[2], _moment(entry[1])
    lock = f"{key}:lock"
    held = cache.add(lock, token, LOCK_SECONDS)
    if not held:
        if age is not None and age < min(keep, settings.MOTCUA_STATS_STALE_SECONDS):
            return entry[2], _moment(entry[1])
        found = _wait_for(key, lock, entry[1] if entry is not None else 0.0)
        if found is not None:
            return found[2], _moment(found[1])
    started = clock()
    try:
        value = compute()
        cache.set(key, (token, started, value), keep)
    finally:
        if held:
            cache.delete(lock)
    return value, _moment(started)


def rules_changed(sender, **kwargs) -> None:
    """Signal receiver: an indicator set, an indicator or a social cost was saved or
    deleted."""
    touch_all()
