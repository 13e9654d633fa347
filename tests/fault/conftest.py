"""An installation to break: its own PostgreSQL database, a Redis server of its own that the
tests stop and start, Celery workers as child processes (killed with SIGKILL when a test says
so) and a probe receiver. The tests talk to the database with plain SQL, as another process
would; Django in the test process is not used."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from tests.fault.probe import Probe
from tests.fixtures.processes import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _server() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("fault injection runs on PostgreSQL (set DATABASE_URL); CI does")
    return dj_database_url.parse(url)


def _connect(config: dict, name: str) -> psycopg.Connection:
    return psycopg.connect(
        host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432,
        user=config["USER"] or "postgres", password=config["PASSWORD"] or None,
        dbname=name, autocommit=True,
    )  # fmt: skip


class Installation:
    def __init__(self, tmp: Path, database_url: str, config: dict, name: str):
        self.tmp = tmp
        self.database_url = database_url
        self.config = config
        self.name = name
        self.workers: list[subprocess.Popen] = []

    def sql(self, statement: str, params=()) -> list[tuple]:
        with _connect(self.config, self.name) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def emit(self, topic: str, aggregate: str, n: int) -> None:
        """An event as a service writes it (``core.outbox.emit``), committed."""
        self.sql(
            "INSERT INTO core_outboxevent (id, topic, aggregate_type, aggregate_id, payload,"
            " created_at) VALUES (%s, %s, 'tests.thing', %s, %s, clock_timestamp())",
            (uuid.uuid4(), topic, aggregate, json.dumps({"n": n})),
        )

    def undelivered(self, subscriber: str = "probe") -> int:
        relayed = self.sql("SELECT count(*) FROM core_outboxevent WHERE relayed_at IS NULL")
        pending = self.sql(
            "SELECT count(*) FROM core_delivery WHERE subscriber = %s AND delivered_at IS NULL",
            (subscriber,),
        )
        return relayed[0][0] + pending[0][0]

    def wait_delivered(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while self.undelivered():
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.undelivered()} events still undelivered")
            time.sleep(0.3)

    def env(self, broker_url: str, probe: Probe, queue: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=broker_url,
            CELERY_TASK_DEFAULT_QUEUE=queue,
            MOTCUA_PROBE_URL=probe.url,
            MOTCUA_VAR_DIR=str(self.tmp),
            MOTCUA_OUTBOX_INTERVAL="0.5",
            MOTCUA_LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        return env

    def start_worker(self, broker_url: str, probe: Probe, queue: str) -> subprocess.Popen:
        schedule = self.tmp / f"beat-{uuid.uuid4().hex[:8]}"
        worker = subprocess.Popen(  # noqa: S603 (our own worker)
            [sys.executable, "-m", "tests.fault.worker", str(schedule)],
            cwd=ROOT, env=self.env(broker_url, probe, queue),
            stdout=subprocess.DEVNULL, stderr=open(self.tmp / "worker.log", "ab"),  # noqa: SIM115
        )  # fmt: skip
        self.workers.append(worker)
        return worker


@pytest.fixture(scope="session")
def installation(tmp_path_factory):
    config = _server()
    name = f"motcua_fault_{uuid.uuid4().hex[:8]}"
    with _connect(config, "postgres") as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    tmp = tmp_path_factory.mktemp("fault")
    migrate = subprocess.run(  # noqa: S603 (our own command)
        [str(BIN / "motcua"), "migrate", "--noinput"],
        env={**os.environ, "DATABASE_URL": url, "MOTCUA_VAR_DIR": str(tmp)},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    site = Installation(tmp, url, config, name)
    yield site
    for worker in site.workers:
        if worker.poll() is None:
            stop(worker)
    with _connect(config, "postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh(installation):
    """Each test starts with no events and no workers of an earlier test."""
    for worker in installation.workers:
        if worker.poll() is None:
            stop(worker)
    installation.workers.clear()
    installation.sql("TRUNCATE core_outboxevent, core_delivery, core_outboxsubscriber CASCADE")
    return installation


class Redis:
    """A Redis server of the test's own, which the test may stop and start again."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.tmp = tmp
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (a local server)
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while (
            subprocess.run(  # noqa: S603
                [shutil.which("redis-cli"), "-p", str(self.port), "ping"], capture_output=True
            ).stdout.strip()
            != b"PONG"
        ):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


@pytest.fixture
def redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is missing: scripts/install-system-packages test installs it")
    server = Redis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def probe():
    receiver = Probe()
    yield receiver
    receiver.close()
