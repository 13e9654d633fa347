"""The leader dashboard over ten million stored dossiers: p95 of its data endpoints for a
province and for the nation, each against a single-row read on the same stack in the same
run, and the lag from a status change to the dashboard showing it.

On PostgreSQL (``DATABASE_URL``, default ``motcua_bench``), ``BENCH_DOSSIERS`` (10,000,000)
synthetic dossiers over 24 months on the real units, agencies and catalogue
(bench/_dashboard_data.py: how they are spread and made). The dataset is kept between runs
(a marker table says it is complete); ``--fresh`` makes it again. Facts and counters come
from the statistics engine (bench/_dashboard_stats.py: the engine's per-dossier backfill is
timed on a sample; the ten million facts are written set-based with its rules, then the
engine's set-based ``stats_rebuild`` recounts the counters, or with
``BENCH_STAGED_COUNTERS=1`` the benchmark's staged statements that give the same rows).

A gunicorn server (``BENCH_WORKERS``, 4; the cache on Redis, ``BENCH_CACHE_URL``, emptied
first, as in production) answers ``BENCH_CLIENTS`` (8) concurrent clients,
``BENCH_REQUESTS`` (2,000) timed requests per kind in three alternating rounds (a phase
starts no new request after ``BENCH_PHASE_SECONDS``, 60), the period drawn from this month,
last month, this quarter, this year and last year:

- the baseline: ``GET /_bench/read/<id>/`` (session, staff check, one row by primary key);
- for the province (Hồ Chí Minh City, the largest; a supervisor of its people's committee)
  and for the nation (a system administrator): ``/can-bo/chi-so/du-lieu/tong-hop/``
  (scorecard), ``…/xu-huong/`` (12-month trend), ``…/xep-hang/`` (ranking of the children).

Lag: with production Celery (``BENCH_CELERY_WORKERS`` (1) workers of 2 processes and beat
dispatching the outbox every second, on Redis ``BENCH_BROKER_URL``) running every real
subscriber, ``BENCH_LAG_CHANGES`` (20) times a leader stops an open dossier of the province
through ``dossiers.processing.perform``; from its commit, the province's scorecard is asked
every 0.1 s until its figures change (one change before, not counted, warms the workers).
Targets: each p95 ratio ≤ 2, the longest lag ≤ 60 s.
Run: ``make bench BENCH=dashboard`` (``python bench/dashboard.py --fresh`` regenerates).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src"), str(HERE.parent)]
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_LOG_LEVEL", "WARNING")
os.environ["MOTCUA_OUTBOX_INLINE"] = "false"  # delivered by the workers, as in production

from _setup import ROOT, median, percentile, result  # noqa: E402

STORED = int(os.environ.get("BENCH_DOSSIERS", 10_000_000))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 8))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 2000))  # timed requests per kind
ROUNDS = 3
#: Seconds of one kind's phase in one round, after which no new request starts (a slow
#: endpoint is then measured on fewer requests, and the count says so).
BUDGET = float(os.environ.get("BENCH_PHASE_SECONDS", 60))
LAG_CHANGES = int(os.environ.get("BENCH_LAG_CHANGES", 20))
CELERY_WORKERS = int(os.environ.get("BENCH_CELERY_WORKERS", 1))
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
CACHE = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/13")
PROVINCE = "79"  # Hồ Chí Minh City
DATA = "/can-bo/chi-so/du-lieu"
ENDPOINTS = {"scorecard": "tong-hop", "trend": "xu-huong", "ranking": "xep-hang"}
LAG_TIMEOUT = 300.0


def say(line: str) -> None:
    print(line, flush=True)


# --- Who asks ----------------------------------------------------------------------------------


def staff_cookie(username: str, role: str, agency) -> tuple[str, object]:
    """A staff member with ``role`` at ``agency`` (None: everywhere), logged in with the
    second factor done: a session written directly, as the login would."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts import sessions
    from motcua.accounts.backends import BACKEND_STAFF
    from motcua.accounts.models import AccountType, RoleAssignment, User

    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"first_name": username, "account_type": AccountType.STAFF, "agency": agency},
    )
    RoleAssignment.objects.get_or_create(user=user, role=role, agency=agency)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = BACKEND_STAFF
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[sessions.AUTH_KEY] = {
        "method": sessions.METHOD_STAFF, "level": 2, "at": timezone.now().isoformat()
    }  # fmt: skip
    session.create()
    return f"sessionid={session.session_key}", user


# --- Load --------------------------------------------------------------------------------------


def periods(today: date) -> list[str]:
    """This month, last month, this quarter, this year, last year (query strings)."""
    last_month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return [
        f"ky=thang&nam={today.year}&thang={today.month}",
        f"ky=thang&nam={last_month[0]}&thang={last_month[1]}",
        f"ky=quy&nam={today.year}&quy={(today.month - 1) // 3 + 1}",
        f"ky=nam&nam={today.year}",
        f"ky=nam&nam={today.year - 1}",
    ]


def get(connection: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie, "Connection": "keep-alive"})
    response = connection.getresponse()
    body = response.read()
    return response.status, time.perf_counter() - started, body


def run_phase(
    port: int, work: list[list[tuple[str, str]]], budget: float
) -> tuple[list[float], list[str]]:
    """Each client sends its (path, cookie) requests one after another on one connection,
    and starts no new one after ``budget`` seconds."""
    latencies: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + budget

    def client(mine: list[tuple[str, str]]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        get(connection, *mine[0])  # warm the connection and the worker
        timed = []
        for path, cookie in mine:
            if time.monotonic() > deadline:
                break
            status, seconds, _body = get(connection, path, cookie)
            timed.append(seconds)
            if status != 200:
                with lock:
                    problems.append(f"{path}: {status}")
        connection.close()
        with lock:
            latencies.extend(timed)

    threads = [threading.Thread(target=client, args=(mine,)) for mine in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, problems


def measure(port: int, kinds: dict) -> tuple[dict[str, list[float]], list[str]]:
    """``REQUESTS`` timed requests of each kind, the kinds alternating over ``ROUNDS``."""
    latencies: dict[str, list[float]] = {kind: [] for kind in kinds}
    problems: list[str] = []
    each = max(1, REQUESTS // ROUNDS // CLIENTS)
    for round_ in range(ROUNDS):
        for kind, make in kinds.items():
            work = [[make() for _ in range(each)] for _ in range(CLIENTS)]
            started = time.monotonic()
            timed, found = run_phase(port, work, BUDGET)
            latencies[kind] += timed
            problems += found
            say(
                f"  round {round_ + 1} {kind}: {len(timed)} requests in"
                f" {time.monotonic() - started:.1f} s, p95 {percentile(timed, 95) * 1000:.1f} ms"
            )
    return latencies, problems


def measure_cold(port: int, code: str, province_cookie: str, nation_cookie: str, choices):
    """Each endpoint for each period once, one request at a time, nothing remembered: what
    a computation costs when no one asked for those figures in the last minutes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    found: dict[str, list[float]] = {}
    for scope, unit, cookie in (("province", code, province_cookie),
                                ("nation", "ca-nuoc", nation_cookie)):  # fmt: skip
        for name, endpoint in ENDPOINTS.items():
            for query in choices:
                status, seconds, _body = get(
                    connection, f"{DATA}/{endpoint}/?don-vi={unit}&{query}", cookie
                )
                if status != 200:
                    raise SystemExit(f"{endpoint} {query}: {status}")
                found.setdefault(f"{scope} {name}", []).append(seconds)
    connection.close()
    return found


# --- Lag ---------------------------------------------------------------------------------------


class Celery:
    """Production Celery workers and beat, on a queue of this run's own."""

    def __init__(self):
        self.env = dict(os.environ)
        self.env.update(
            CELERY_BROKER_URL=BROKER,
            CELERY_TASK_DEFAULT_QUEUE=f"bench-dash-{uuid.uuid4().hex[:8]}",
            MOTCUA_OUTBOX_INTERVAL="1",
            MOTCUA_OUTBOX_INLINE="false",
            MOTCUA_LOG_LEVEL="WARNING",
            MOTCUA_VAR_DIR=str(ROOT / "var" / "bench"),
            PYTHONPATH=str(ROOT / "src"),
        )
        self.processes: list[subprocess.Popen] = []
        self.log = ROOT / "var" / "bench" / "dashboard-celery.log"

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("a")  # the workers' warnings (the national portal is not running)
        run = [sys.executable, "-m", "celery", "-A", "motcua.celery"]
        schedule = ROOT / "var" / "bench" / f"beat-{uuid.uuid4().hex[:6]}"
        schedule.parent.mkdir(parents=True, exist_ok=True)
        beat = [*run, "beat", "--loglevel=WARNING", "-s", str(schedule)]
        self.processes.append(
            subprocess.Popen(beat, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        )
        for i in range(CELERY_WORKERS):
            worker = [*run, "worker", "--concurrency", "2", f"--hostname=dash{i}@%h"]
            worker += ["--loglevel=WARNING", "--without-gossip", "--without-mingle"]
            self.processes.append(
                subprocess.Popen(
                    worker, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
                )
            )

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


def figures(connection, path: str, cookie: str) -> tuple:
    status, _seconds, body = get(connection, path, cookie)
    if status != 200:
        raise SystemExit(f"{path}: {status}")
    card = json.loads(body)
    return tuple((i["ident"], i["numerator"], i["denominator"]) for i in card["indicators"])


def drain_outbox(timeout: float) -> None:
    from motcua.core.models import Delivery, OutboxEvent

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = OutboxEvent.objects.filter(relayed_at__isnull=True).count()
        if (
            not waiting
            and not Delivery.objects.filter(
                delivered_at__isnull=True, subscriber="stats.refresh"
            ).exists()
        ):
            return
        time.sleep(0.5)
    raise SystemExit("the outbox did not drain")


def measure_lag(port: int, province, cookie: str) -> list[float]:
    """Stop ``LAG_CHANGES`` open dossiers of the province one after another, each time timing
    from the commit until the province's scorecard of this month changes."""
    from django.utils import timezone

    from motcua.accounts.models import Role
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.processing import perform

    _cookie, leader = staff_cookie("bench-dash-leader", Role.LEADER, province)
    today = timezone.localdate()
    start = today.replace(day=1)
    chosen = list(
        Dossier.objects.filter(
            agency_path__startswith=province.path, status=4, received_at__date__gte=start
        )
        .order_by("?")
        .values_list("public_id", flat=True)[: LAG_CHANGES + 1]
    )
    path = f"{DATA}/tong-hop/?don-vi={province.code}&ky=thang&nam={today.year}&thang={today.month}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    lags = []
    for n, public_id in enumerate(chosen):
        before = figures(connection, path, cookie)
        perform(public_id, "stop", actor=leader, reasons="Dừng giải quyết để đo độ trễ.")
        committed = time.monotonic()
        while figures(connection, path, cookie) == before:
            if time.monotonic() - committed > LAG_TIMEOUT:
                raise SystemExit(f"the dashboard did not change within {LAG_TIMEOUT:.0f} s")
            time.sleep(0.1)
        lag = time.monotonic() - committed
        if n == 0:  # the workers' first delivery (imports, caches): a warm-up, not counted
            say(f"  warm-up change: shown after {lag:.2f} s")
            continue
        lags.append(lag)
        say(f"  change {len(lags)}: shown after {lag:.2f} s")
    return lags


# --- The run -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="generate the dossiers again")
    args = parser.parse_args()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("bench/dashboard.py runs on PostgreSQL (DATABASE_URL)")

    import _dashboard_data
    import _dashboard_stats

    found = _dashboard_data.ensure_dataset(STORED, fresh=args.fresh, say=say)
    from django.db import connection
    from django.utils import timezone
    from tests.fixtures.processes import free_port

    from motcua.accounts.models import Role
    from motcua.dossiers.models import Dossier
    from motcua.units.models import Agency
    from submit import start_server

    with connection.cursor() as cursor:
        dataset = _dashboard_data.dataset(cursor)
    staged = os.environ.get("BENCH_STAGED_COUNTERS", "") not in ("", "0")
    stats = _dashboard_stats.fill(dataset["created_at"], say=say, staged=staged)
    province = Agency.objects.get(kind=Agency.Kind.PROVINCE_COMMITTEE, province__code=PROVINCE)
    province_cookie, _user = staff_cookie("bench-dash-province", Role.SUPERVISOR, province)
    nation_cookie, _user = staff_cookie("bench-dash-nation", Role.SYSTEM_ADMIN, None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM dossiers_dossier")
        low, high = cursor.fetchone()
    rng = random.Random(1)
    choices = periods(timezone.localdate())

    def data(endpoint: str, unit: str, cookie: str):
        return lambda: (f"{DATA}/{endpoint}/?don-vi={unit}&{rng.choice(choices)}", cookie)

    kinds = {"baseline": lambda: (f"/_bench/read/{rng.randint(low, high)}/", province_cookie)}
    for name, endpoint in ENDPOINTS.items():
        kinds[f"province {name}"] = data(endpoint, province.code, province_cookie)
    for name, endpoint in ENDPOINTS.items():
        kinds[f"nation {name}"] = data(endpoint, "ca-nuoc", nation_cookie)

    import redis

    redis.Redis.from_url(CACHE).flushdb()  # no figure remembered from an earlier run
    os.environ["MOTCUA_CACHE_URL"] = CACHE  # the server's and the workers' cache
    port = free_port()
    server = start_server(port)
    celery = Celery()
    try:
        cold = measure_cold(port, province.code, province_cookie, nation_cookie, choices)
        redis.Redis.from_url(CACHE).flushdb()  # the timed rounds meet their own first reads
        say(f"measuring: {CLIENTS} clients, {REQUESTS} requests per kind")
        latencies, problems = measure(port, kinds)
        celery.start()
        time.sleep(3)
        drain_outbox(120)
        say(f"lag: {LAG_CHANGES} status changes, Celery with beat every second")
        lags = measure_lag(port, province, province_cookie)
    finally:
        celery.stop()
        server.terminate()
        server.wait(timeout=30)

    say(
        f"dataset: {Dossier.objects.count():,} dossiers"
        + (" (reused)" if found.get("reused") else f", generated in {found['seconds']:.0f} s")
    )
    say(
        f"engine backfill rate {stats['backfill_rate']:,.0f} dossiers/s; facts set-based"
        f" {stats['facts_seconds']:.0f} s; counters rebuilt {stats['rebuild_seconds']:.0f} s"
    )
    say(f"clients: {CLIENTS}, gunicorn workers: {os.environ.get('BENCH_WORKERS', 4)}")
    p95 = {}
    for kind, values in latencies.items():
        p95[kind] = percentile(values, 95) * 1000
        say(
            f"{kind:18s} {len(values)} requests, p50 {median(values) * 1000:.1f} ms,"
            f" p95 {p95[kind]:.1f} ms, p99 {percentile(values, 99) * 1000:.1f} ms,"
            f" max {max(values) * 1000:.0f} ms"
        )
    for kind, values in cold.items():
        say(
            f"{kind:18s} first computation (nothing remembered, one client): median"
            f" {median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"
        )
    for problem in problems[:10]:
        say(f"problem: {problem}")
    if problems:
        say(f"RESULT errors {len(problems)} target <= 0 FAIL")
    worst = {
        scope: max(v for k, v in p95.items() if k.startswith(scope))
        for scope in ("province", "nation")
    }
    say(f"lag: p50 {median(lags):.2f} s, max {max(lags):.2f} s over {len(lags)} changes")
    say(result("dashboard_province_p95_ratio", worst["province"] / p95["baseline"], "<=", 2))
    say(result("dashboard_nation_p95_ratio", worst["nation"] / p95["baseline"], "<=", 2))
    say(result("dashboard_lag_s", max(lags), "<=", 60))


if __name__ == "__main__":
    main()
