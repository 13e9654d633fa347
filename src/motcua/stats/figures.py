"""Computed figures remembered in the cache, exact while nothing under their node changed.

Each node has a token (``FigureVersion``) that the writers of its counters change once their
transaction has committed (``rollups.apply``, ``rollups.rebuild``, the feedback subscriber, an
edit of the rules; node ``"*"`` stands for every node). ``remembered`` keeps a computed value
under the token read before computing it, so a value is never stored under a token newer than
its data:

- same token: the value is exact and served for up to ``MOTCUA_STATS_CACHE_SECONDS`` (inputs
  without a token — the clock turning open items overdue, the catalogue, the agency tree —
  are read again then);
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

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from motcua.core import memo

from .models import FigureVersion

T = TypeVar("T")
log = structlog.get_logger(__name__)

#: The node whose token stands for all of them.
EVERY = "*"
#: Part of every key: a release that changes what is remembered changes it.
FORMAT = 1
#: Longest a recomputation may hold its lock.
LOCK_SECONDS = 30
#: Longest a request waits for another's recomputation (well under a web worker's timeout).
WAIT_SECONDS = 10
#: How often a request waiting for another's recomputation looks again.
POLL_SECONDS = 0.05
#: Seconds since the epoch (shared by every process, unlike a monotonic clock).
clock = time.time

_ATTR = "_motcua_figures_touched"


def touch(nodes: Iterable[str]) -> None:
    """Give ``nodes`` new tokens once the caller's transaction commits (at once outside one).

    After the commit, not inside: the token row of the nation would otherwise stay locked for
    the whole of every transaction that changes a counter, one after another. A value computed
    between the commit and the new token is stored under the old token and so is recomputed
    after the change like any other."""
    nodes = set(nodes)
    if not nodes:
        return
    if not connection.in_atomic_block:
        _write(nodes)
        return
    pending = getattr(connection, _ATTR, None)
    if pending is None:
        pending = set()
        setattr(connection, _ATTR, pending)
    pending.update(nodes)
    # The first of a transaction's callbacks writes every node touched; the others find
    # nothing left (nodes of a rolled-back savepoint are written too: a harmless extra).
    transaction.on_commit(_flush)


def _flush() -> None:
    pending = getattr(connection, _ATTR, None)
    setattr(connection, _ATTR, None)
    if pending:
        _write(pending)


def _write(nodes: set[str]) -> None:
    now = timezone.now()
    rows = [FigureVersion(node=node, token=uuid.uuid4().hex, changed_at=now)
            for node in sorted(nodes)]  # fmt: skip
    if rows:  # in key order: two writers lock the same rows in the same order
        FigureVersion.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["node"],
            update_fields=["token", "changed_at"],
        )  # fmt: skip


def touch_all() -> None:
    """Every remembered figure is out of date (a recount, a change of the rules)."""
    touch([EVERY])


_seen = {"every": None}


def version_of(node: str) -> str:
    """The token of ``node`` with that of every node: one primary-key read (asked on every
    view of a dashboard, so written without the query builder). A new token of every node
    also empties this process's held reference data (the rules, the catalogue's sets)."""
    table = connection.ops.quote_name(FigureVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT node, token FROM {table} WHERE node IN (%s, %s)", [EVERY, node])  # noqa: S608
        tokens = dict(cursor.fetchall())
    every = tokens.get(EVERY, "")
    if every != _seen["every"]:
        if _seen["every"] is not None:
            memo.clear_all()
        _seen["every"] = every
    return f"{every}.{tokens.get(node, '')}"


def _key(kind: str, node: str, parts: tuple) -> str:
    digest = hashlib.sha256(repr((FORMAT, kind, node, parts)).encode()).hexdigest()[:40]
    return f"motcua:figures:{digest}"


def _moment(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, tz=UTC)


def _entry(key: str) -> tuple | None:
    """(token, computed at, value), or None; an entry that cannot be read counts as none."""
    try:
        return cache.get(key)
    except Exception:
        log.warning("stats.figures.unreadable")
        return None


def _wait_for(key: str, lock: str, older_than: float) -> tuple | None:
    """Another request is computing ``key``: its entry once written; None when the other
    request is gone without one, or after ``WAIT_SECONDS``."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        entry = _entry(key)
        if entry is not None and entry[1] > older_than:
            return entry
        if cache.get(lock) is None:
            entry = _entry(key)
            return entry if entry is not None and entry[1] > older_than else None
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
    entry = _entry(key)
    age = max(0.0, clock() - entry[1]) if entry is not None else None
    exact = entry is not None and entry[0] == token
    if age is not None and age < keep and (exact or age < settings.MOTCUA_STATS_FRESH_SECONDS):
        return entry[2], _moment(entry[1])
    lock, mine = f"{key}:lock", uuid.uuid4().hex
    held = cache.add(lock, mine, LOCK_SECONDS)
    if not held:
        if age is not None and age < min(keep, settings.MOTCUA_STATS_STALE_SECONDS):
            return entry[2], _moment(entry[1])
        found = _wait_for(key, lock, entry[1] if entry is not None else 0.0)
        if found is not None:
            return found[2], _moment(found[1])
        held = cache.add(lock, mine, LOCK_SECONDS)  # the other request gave up: take over
    started = clock()
    try:
        value = compute()
        stored = _entry(key)
        if stored is None or stored[1] <= started:  # never replace newer figures
            cache.set(key, (token, started, value), keep)
    finally:
        if held and cache.get(lock) == mine:
            cache.delete(lock)
    return value, _moment(started)


def rules_changed(sender, **kwargs) -> None:
    """Signal receiver: an indicator set, an indicator or a social cost was saved or
    deleted."""
    touch_all()
