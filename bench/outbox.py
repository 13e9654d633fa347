"""The outbox under load: delivery lag at a sustained rate of status changes, and the time to
drain a backlog of a million events.

On PostgreSQL, a fresh database; Redis as the broker (``BENCH_BROKER_URL``, default the
machine's Redis, database 13, a queue of the run's own); ``BENCH_WORKERS`` (2) production
Celery workers with ``BENCH_CONCURRENCY`` (2) processes each, and beat dispatching every
second, as in production. Three subscribers do what real ones do (bench/_outbox_subscribers.py):
an in-app notification row, and two HTTP posts to a local receiver (the national-portal sync
and a webhook).

1. Sustained: ``BENCH_RATE`` (100) status changes a second for ``BENCH_SECONDS`` (300), each a
   transaction writing its audit entry and outbox event, as a service does. The lag of a
   delivery is from the event's commit time (``created_at``) to its ``delivered_at``. Target:
   p95 ≤ 5 s over every delivery of the phase.
2. Backlog: the workers stopped, ``BENCH_BACKLOG`` (1,000,000) events of 100,000 dossiers for
   the national-portal sync are stored (what a long outage leaves), then the workers started;
   the drain time runs until the last one is delivered.

Run: ``make bench BENCH=outbox``.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, percentile, result, setup_django

RATE = float(os.environ.get("BENCH_RATE", 100))
SECONDS = float(os.environ.get("BENCH_SECONDS", 300))
BACKLOG = int(os.environ.get("BENCH_BACKLOG", 1_000_000))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 2))
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
PRODUCERS = 4
HERE = Path(__file__).resolve().parent


class Dossier:
    """The aggregate of an event (only its label and public id are read)."""

    class _meta:  # the shape outbox.emit() reads
        label_lower = "dossiers.dossier"

    def __init__(self, public_id: str):
        self.public_id = public_id


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Topology:
    """The sink, beat and the workers as child processes."""

    def __init__(self):
        self.port = free_port()
        self.sink = subprocess.Popen([sys.executable, str(HERE / "_sink.py"), str(self.port)])
        self.env = dict(os.environ)
        self.env.update(
            CELERY_BROKER_URL=BROKER,
            CELERY_TASK_DEFAULT_QUEUE=f"bench-{uuid.uuid4().hex[:8]}",
            BENCH_SINK_URL=f"http://127.0.0.1:{self.port}",
            MOTCUA_OUTBOX_INTERVAL="1",
            MOTCUA_ENV="embedded",
            MOTCUA_LOG_LEVEL="WARNING",
            MOTCUA_VAR_DIR=str(ROOT / "var" / "bench"),
        )
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        run = [sys.executable, str(HERE / "_outbox_worker.py")]
        schedule = ROOT / "var" / "bench" / f"beat-{uuid.uuid4().hex[:6]}"
        schedule.parent.mkdir(parents=True, exist_ok=True)
        beat = [*run, "beat", "--loglevel=WARNING", "-s", str(schedule)]
        self.processes.append(subprocess.Popen(beat, env=self.env, cwd=ROOT))
        for i in range(WORKERS):
            worker = [*run, "worker", "--concurrency", str(CONCURRENCY)]
            worker += [f"--hostname=bench{i}@%h", "--loglevel=WARNING", "--without-gossip"]
            self.processes.append(subprocess.Popen(worker, env=self.env, cwd=ROOT))

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()

    def received(self) -> dict:
        url = f"http://127.0.0.1:{self.port}/count"
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.loads(response.read())

    def close(self) -> None:
        self.stop()
        self.sink.terminate()


def undelivered() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_outboxevent WHERE relayed_at IS NULL")
        waiting = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM core_delivery WHERE delivered_at IS NULL")
        return waiting + cursor.fetchone()[0]


def wait_drained(timeout: float) -> float:
    started = time.monotonic()
    while undelivered():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"not drained after {timeout:.0f} s: {undelivered()} waiting")
        time.sleep(1)
    return time.monotonic() - started


def produce() -> tuple[int, float]:
    """``RATE`` changes a second for ``SECONDS``, paced, from ``PRODUCERS`` threads."""
    from django.db import connection, transaction

    from motcua.core import audit, outbox

    total = int(RATE * SECONDS)
    numbers = itertools.count()
    lock = threading.Lock()
    start = time.monotonic() + 1

    def run():
        try:
            while True:
                with lock:
                    n = next(numbers)
                if n >= total:
                    return
                delay = start + n / RATE - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                with transaction.atomic():
                    dossier = Dossier(f"d{n % 5000}")
                    audit.record("dossier_accept", code=f"D-{n}")
                    outbox.emit("bench.change", aggregate=dossier, status=4, n=n)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(PRODUCERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return total, time.monotonic() - start


def warm_up() -> None:
    """One change, delivered: beat and the workers are up and have their connections."""
    from motcua.core import outbox

    outbox.emit("bench.warmup", aggregate=Dossier("warm-up"))
    wait_drained(300)


def lags() -> dict[str, list[float]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.subscriber, EXTRACT(EPOCH FROM d.delivered_at - e.created_at)"
            " FROM core_delivery d JOIN core_outboxevent e ON e.id = d.event_id"
            " WHERE e.topic = 'bench.change'"
        )
        found: dict[str, list[float]] = {}
        for subscriber, seconds in cursor.fetchall():
            found.setdefault(subscriber, []).append(float(seconds))
    return found


def store_backlog(count: int) -> float:
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_outboxevent (id, topic, aggregate_type, aggregate_id, payload,"
            " created_at) SELECT gen_random_uuid(), 'bench.backlog', 'dossiers.dossier',"
            " 'b' || (g %% 100000), '{\"status\": 4}'::jsonb, clock_timestamp()"
            " FROM generate_series(1, %s) g",
            [count],
        )
        cursor.execute("ANALYZE core_outboxevent")
    return time.monotonic() - started


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua_bench")
    os.environ["MOTCUA_OUTBOX_INLINE"] = "false"
    setup_django()
    from django.core.management import call_command

    from motcua.accounts.models import User

    call_command("migrate", verbosity=0)
    User.objects.create(username="bench-citizen")
    topology = Topology()
    try:
        topology.start()
        warm_up()
        print(f"sustained: {RATE:g} changes/s for {SECONDS:g} s, {WORKERS}×{CONCURRENCY} workers")
        total, took = produce()
        print(f"produced {total} changes in {took:.1f} s ({total / took:.1f}/s)")
        wait_drained(300)
        found = lags()
        every = [v for values in found.values() for v in values]
        for subscriber, values in sorted(found.items()):
            print(
                f"  {subscriber}: {len(values)} deliveries, lag p50 {percentile(values, 50):.2f} s"
                f" p95 {percentile(values, 95):.2f} s max {max(values):.2f} s"
            )
        p50, p95 = percentile(every, 50), percentile(every, 95)
        print(f"lag over every delivery: p50 {p50:.2f} s, p95 {p95:.2f} s")
        counts = topology.received()
        print(f"receiver: {counts['received']} posts, {counts['distinct']} distinct deliveries")

        topology.stop()
        stored = store_backlog(BACKLOG)
        print(f"backlog: {BACKLOG} events stored in {stored:.1f} s; draining")
        topology.start()
        drain = wait_drained(6 * 3600)
        print(f"drained {BACKLOG} events in {drain:.1f} s ({BACKLOG / drain:.0f} events/s)")
        print(f"RESULT outbox_lag_p50_seconds {p50:.4g} (no target)")
        print(f"RESULT outbox_backlog_drain_seconds {drain:.4g} (no target)")
        print(result("outbox_lag_p95_seconds", p95, "<=", 5))
    finally:
        topology.close()


if __name__ == "__main__":
    main()
