"""The back office under a million stored dossiers: a clerk's work queue and a dossier's page,
each against a single-row read on the same stack, in the same run.

On PostgreSQL, a fresh database with the real catalogue and 1,000,000 dossiers: 40 % received
by Lâm Đồng's public-administration service centre and resolved by its Department of Justice
(the busiest desk of a province), the rest at the communes of every province, filed over five
years; those of the last 30 days are open (≈ 1.6 %), due over the coming weeks or overdue.
A gunicorn server (4 workers) answers ``BENCH_CLIENTS`` (4) concurrent clients logged in as
the centre's clerk (second factor done), in alternating rounds:

- the baseline: ``GET /_bench/read/<id>/`` — middleware, session, staff check and one row
  read by primary key;
- the queue: ``GET /can-bo/ho-so/`` — the clerk's open dossiers, most urgent first
  with the count, time left and actions (25 a page);
- the dossier page: ``GET /can-bo/ho-so/<id>/`` of a random open dossier of the centre.

Targets: each p95 ≤ 3 × the baseline's p95. Run: ``make bench BENCH=queues``
(``BENCH_DOSSIERS``, ``BENCH_CLIENTS``, ``BENCH_REQUESTS``, ``BENCH_WORKERS``).
"""

from __future__ import annotations

import http.client
import os
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, median, percentile, prepare_stack, result
from submit import start_server

STORED = int(os.environ.get("BENCH_DOSSIERS", 1_000_000))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 4))
PER_CLIENT = int(os.environ.get("BENCH_REQUESTS", 60))  # timed requests per client and kind
ROUNDS = 3
CENTRE, DEPARTMENT = "000.00.50.H36", "000.00.04.H36"


def store_dossiers(count: int) -> float:
    """``count`` dossiers in SQL: 40 % at the centre, the rest over every commune."""
    from django.db import connection

    from motcua.accounts.models import User
    from motcua.forms.models import FormDefinition
    from motcua.units.models import Agency

    started = time.monotonic()
    owner = User.objects.create(username="stored-owner")
    form = FormDefinition.objects.filter(status="published").order_by("pk").first()
    centre, department = Agency.objects.get(code=CENTRE), Agency.objects.get(code=DEPARTMENT)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH communes AS (
                SELECT row_number() OVER (ORDER BY a.id) - 1 AS n, a.id, a.code, a.path,
                       a.commune_id, c.province_id
                FROM units_agency a JOIN units_commune c ON c.id = a.commune_id
                WHERE a.kind = 'commune_committee'
            ), total AS (SELECT count(*) AS k FROM communes)
            INSERT INTO dossiers_dossier (
                public_id, created_at, updated_at, code, procedure_id, form_id, status, stage,
                channel, applicant_type, applicant_name, applicant_pid_hash,
                applicant_phone_hash, submitted_by_id, digitised, province_id, commune_id,
                receiving_agency_id, resolving_agency_id, agency_path, cross_boundary, data,
                current_page, submitted_at, received_at, appointment_at, due_at,
                return_method, supplement_count, paused_seconds
            )
            SELECT gen_random_uuid(), t, t,
                   CASE WHEN at_centre THEN %s ELSE c.code END
                       || '-' || to_char(t, 'YYMMDD') || '-' || lpad(g::text, 7, '0'),
                   %s, %s,
                   CASE WHEN open THEN (ARRAY[1,2,4,4,4,5])[1 + g %% 6] ELSE
                       (ARRAY[10,10,10,10,3,8,9])[1 + g %% 7] END,
                   CASE WHEN open THEN (ARRAY['','assignment','processing','approval',
                       'processing',''])[1 + g %% 6] ELSE '' END,
                   1 + g %% 3, 1, 'Công dân ' || g, md5(g::text), md5((g + 1)::text), %s,
                   g %% 2 = 0,
                   CASE WHEN at_centre THEN %s ELSE c.province_id END,
                   CASE WHEN at_centre THEN NULL ELSE c.commune_id END,
                   CASE WHEN at_centre THEN %s ELSE c.id END,
                   CASE WHEN at_centre THEN %s ELSE c.id END,
                   CASE WHEN at_centre THEN %s ELSE c.path END,
                   false, '{"request": "Hồ sơ lưu sẵn"}', '', t, t,
                   CASE WHEN open THEN now() + (g %% 40 - 5) * interval '1 day'
                       ELSE t + interval '5 days' END,
                   CASE WHEN open THEN now() + (g %% 40) * interval '1 day'
                       ELSE t + interval '7 days' END,
                   'online', 0, 0
            FROM generate_series(1, %s) AS g
            CROSS JOIN total
            JOIN communes c ON c.n = g %% total.k
            CROSS JOIN LATERAL (
                SELECT now() - (g %% 1826) * interval '1 day' - (g %% 600) * interval '1 minute'
                       AS t,
                       g %% 5 < 2 AS at_centre,
                       g %% 1826 < 30 AS open
            ) AS shape
            """,
            [CENTRE, form.procedure_id, form.pk, owner.pk, centre.province_id, centre.pk,
             department.pk, department.path, count],
        )  # fmt: skip
        cursor.execute("VACUUM ANALYZE dossiers_dossier")
    return time.monotonic() - started


def clerk_cookie() -> str:
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts import sessions
    from motcua.accounts.backends import BACKEND_STAFF
    from motcua.accounts.models import AccountType, Role, RoleAssignment, User
    from motcua.units.models import Agency

    centre = Agency.objects.get(code=CENTRE)
    user = User.objects.create(
        username="bench-clerk", first_name="Cán bộ một cửa", account_type=AccountType.STAFF,
        agency=centre,
    )  # fmt: skip
    RoleAssignment.objects.create(user=user, role=Role.CLERK, agency=centre)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = BACKEND_STAFF
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[sessions.AUTH_KEY] = {
        "method": sessions.METHOD_STAFF, "level": 2, "at": timezone.now().isoformat()
    }  # fmt: skip
    session.create()
    return f"sessionid={session.session_key}"


def get(connection: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie, "Connection": "keep-alive"})
    response = connection.getresponse()
    response.read()
    return response.status, time.perf_counter() - started


def run_phase(port: int, cookie: str, paths: list[list[str]]) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()

    def work(mine: list[str]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        get(connection, mine[0], cookie)  # warm the connection and the worker
        timed = []
        for path in mine:
            status, seconds = get(connection, path, cookie)
            timed.append(seconds)
            if status != 200:
                with lock:
                    problems.append(f"{path}: {status}")
        with lock:
            latencies.extend(timed)

    threads = [threading.Thread(target=work, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, problems


def main() -> None:
    prepare_stack("queues")
    from tests.fixtures.processes import free_port

    from motcua.dossiers.models import Dossier
    from motcua.units.models import Agency

    seconds = store_dossiers(STORED)
    print(f"stored dossiers: {Dossier.objects.count():,} in {seconds:.0f} s")
    cookie = clerk_cookie()
    centre = Agency.objects.get(code=CENTRE)
    open_ids = list(
        Dossier.objects.filter(receiving_agency=centre, status__in=(1, 2, 4, 5)).values_list(
            "public_id", flat=True
        )[:5000]
    )
    rows = list(Dossier.objects.values_list("pk", flat=True)[:5000])
    rng = random.Random(1)
    kinds = {
        "baseline": lambda: f"/_bench/read/{rng.choice(rows)}/",
        "queue": lambda: "/can-bo/ho-so/",
        "dossier": lambda: f"/can-bo/ho-so/{rng.choice(open_ids)}/",
    }
    port = free_port()
    server = start_server(port)
    latencies: dict[str, list[float]] = {kind: [] for kind in kinds}
    problems: list[str] = []
    each = PER_CLIENT // ROUNDS
    try:
        for _ in range(ROUNDS):
            for kind, make in kinds.items():
                paths = [[make() for _ in range(each)] for _ in range(CLIENTS)]
                timed, found = run_phase(port, cookie, paths)
                latencies[kind] += timed
                problems += found
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"clients: {CLIENTS}, workers: {os.environ.get('BENCH_WORKERS', 4)}")
    visible = Dossier.objects.filter(receiving_agency=centre, status__in=(1, 2, 4, 5, 6, 7))
    print(f"open dossiers in the clerk's queue: {visible.count():,}")
    p95 = {}
    for kind, values in latencies.items():
        p95[kind] = percentile(values, 95) * 1000
        print(
            f"{kind:9s} {len(values)} requests, p50 {median(values) * 1000:.1f} ms, "
            f"p95 {p95[kind]:.1f} ms"
        )
    for problem in problems[:10]:
        print("problem:", problem)
    if problems:
        print("RESULT errors 1 target <= 0 FAIL")
    print(result("queue_p95_ratio", p95["queue"] / p95["baseline"], "<=", 3))
    print(result("dossier_page_p95_ratio", p95["dossier"] / p95["baseline"], "<=", 3))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
