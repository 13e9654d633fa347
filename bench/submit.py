"""Filing a dossier under load, against a baseline that writes one row, on the same stack.

On PostgreSQL, in a fresh database with the real catalogue and 1,000,000 dossiers already
stored, a gunicorn server (production-like: the outbox is left to a worker, the cache and so
the sessions' reads on Redis, ``BENCH_CACHE_URL``) receives from 32 concurrent clients, each
logged in as a level-2 citizen:

- the baseline: ``POST /_bench/insert/`` — middleware, session, login check, CSRF and one
  transaction inserting one row;
- the submission: ``POST /ho-so/<id>/nop/`` of a complete draft — the whole path (access
  check, e-form validation, routing, the appointment from the working-day calendar, the locked
  per-agency code, the dossier, its event, the audit entry and the outbox event).

Targets: submission throughput ≥ 0.5 × baseline throughput; submission p95 < 150 ms.
The two kinds alternate over ``BENCH_ROUNDS`` rounds (3), so that a machine whose speed
drifts during the run weighs on both alike. Run: ``make bench BENCH=submit``
(``BENCH_DOSSIERS``, ``BENCH_CLIENTS``, ``BENCH_REQUESTS``, ``BENCH_ROUNDS`` and
``BENCH_WORKERS`` change the sizes).
"""

from __future__ import annotations

import http.client
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, median, percentile, prepare_stack, result

STORED = int(os.environ.get("BENCH_DOSSIERS", 1_000_000))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 32))
PER_CLIENT = int(os.environ.get("BENCH_REQUESTS", 60))  # timed requests per client and kind
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))  # baseline and submission phases alternate
WARMUP = 3
WORKERS = int(os.environ.get("BENCH_WORKERS", 4))
CACHE = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/13")
PROCEDURE = "1.001193"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def store_dossiers(count: int) -> float:
    """``count`` filed dossiers across the province's communes over five years, in SQL."""
    from django.db import connection

    from motcua.accounts.models import User
    from motcua.forms.models import FormDefinition

    started = time.monotonic()
    owner = User.objects.create(username="stored-owner")
    form = FormDefinition.objects.filter(procedure__code=PROCEDURE, status="published").first()
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
                public_id, created_at, updated_at, code, procedure_id, form_id, status, channel,
                applicant_type, applicant_name, applicant_pid_hash, applicant_phone_hash,
                submitted_by_id, digitised, province_id, commune_id, receiving_agency_id,
                resolving_agency_id, agency_path, cross_boundary, data, current_page,
                submitted_at, received_at, appointment_at, return_method
            )
            SELECT gen_random_uuid(), t, t,
                   c.code || '-' || to_char(t, 'YYMMDD') || '-' || lpad(g::text, 7, '0'),
                   %s, %s, (ARRAY[2,4,4,9,10,10,10,3,7])[1 + g %% 9], 1 + g %% 3, 1,
                   'Công dân ' || g, md5(g::text), md5((g + 1)::text), %s, g %% 2 = 0,
                   c.province_id, c.commune_id, c.id, c.id, c.path, false, '{}', '',
                   t, t, t + interval '3 days', 'online'
            FROM generate_series(1, %s) AS g
            CROSS JOIN total
            JOIN communes c ON c.n = g %% total.k
            CROSS JOIN LATERAL (
                SELECT now() - (g %% 1826) * interval '1 day' - (g %% 600) * interval '1 minute'
                AS t
            ) AS times
            """,
            [form.procedure_id, form.pk, owner.pk, count],
        )
        cursor.execute("VACUUM ANALYZE dossiers_dossier")
    return time.monotonic() - started


def prepare_clients(count: int, drafts_each: int) -> list[dict]:
    """Level-2 citizens, each with a session, a CSRF secret and complete drafts to file."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from motcua.accounts import sessions
    from motcua.accounts.backends import BACKEND_EID
    from motcua.accounts.models import IdentityDocument, Person, User
    from motcua.catalog.models import Procedure
    from motcua.documents.models import StoredFile
    from motcua.documents.services import store_generated
    from motcua.dossiers.models import Dossier, DossierDocument
    from motcua.forms.selectors import form_for
    from motcua.units.models import Commune, Province

    procedure = Procedure.objects.get(code=PROCEDURE)
    province = Province.objects.get(qcvn_code="H36")
    form = form_for(procedure, province)
    communes = list(Commune.objects.filter(province=province).order_by("code")[:50])
    stored = store_generated(PDF, name="giay-chung-sinh.pdf", content_type="application/pdf")
    StoredFile.objects.filter(pk=stored.pk).update(scan_status="clean")
    now = timezone.now().isoformat()
    clients = []
    for index in range(count):
        user = User.objects.create(username=f"bench-{index}", first_name=f"Công dân {index}")
        commune = communes[index % len(communes)]
        person = Person.objects.create(
            user=user,
            full_name=f"Nguyễn Văn Bench {index}",
            eid_subject=str(uuid.uuid4()),
            assurance_level=2,
            commune=commune,
            permanent_address=f"Số {index}, {commune.name}",
            phone=f"09{index:08d}",
            provenance={
                key: {"source": "vneid", "level": 2, "at": now}
                for key in ("full_name", "pid", "commune", "phone", "permanent_address")
            },
        )
        IdentityDocument.objects.create(person=person, kind="pid", number=f"068{index:09d}")
        drafts = Dossier.objects.bulk_create(
            Dossier(
                procedure=procedure,
                form=form,
                submitted_by=user,
                applicant_person=person,
                province=province,
                commune=communes[(index + n) % len(communes)],
                current_page="giay-to",
                data=ANSWERS,
            )
            for n in range(drafts_each)
        )
        DossierDocument.objects.bulk_create(
            DossierDocument(
                dossier=d, slot="birth_certificate", label="Giấy chứng sinh", file=stored
            )
            for d in drafts
        )
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = BACKEND_EID
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session[sessions.AUTH_KEY] = {"method": "eid", "level": 2, "at": now}
        session.create()
        clients.append(
            {
                "cookie": f"sessionid={session.session_key}; csrftoken={CSRF}",
                "drafts": [str(d.public_id) for d in drafts],
            }
        )
    return clients


CSRF = secrets.token_hex(16)  # a 32-character unmasked token, sent as cookie and as field
ANSWERS = {
    "relation": "me",
    "child_name": "Trần Minh Khôi",
    "child_birth_date": "2026-11-20",
    "child_sex": "nam",
    "child_ethnicity": "Kinh",
    "child_birth_place": "Bệnh viện Đa khoa tỉnh Lâm Đồng",
    "child_home_town": "Lâm Đồng",
    "mother_name": "Nguyễn Thị Hoa",
    "mother_pid": "068186001234",
    "has_father": False,
    "return_method": "online",
}


def start_server(port: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        {
            "MOTCUA_OUTBOX_INLINE": "false",
            "MOTCUA_BENCH_ENDPOINTS": "true",
            "MOTCUA_LOG_LEVEL": "WARNING",
            "MOTCUA_VAR_DIR": str(ROOT / "var" / "bench"),
            "MOTCUA_CACHE_URL": CACHE,
        }
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "motcua.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=str(ROOT),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start")


def post(connection: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, float, str]:
    body = f"csrfmiddlewaretoken={CSRF}"
    started = time.perf_counter()
    connection.request(
        "POST",
        path,
        body=body,
        headers={
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Connection": "keep-alive",
        },
    )
    response = connection.getresponse()
    response.read()
    return response.status, time.perf_counter() - started, response.getheader("Location") or ""


def run_phase(
    port: int, clients: list[dict], paths_of
) -> tuple[float, list[float], list[str], float]:
    """Every client sends its requests one after another; returns (elapsed seconds, latencies
    in seconds, problems, CPU seconds the clients used). ``paths_of(client)`` gives (warm-up
    paths, timed paths)."""
    latencies: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(len(clients) + 1)
    done = threading.Barrier(len(clients) + 1)

    def work(client: dict) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        warm, timed = paths_of(client)
        for path in warm:
            post(connection, path, client["cookie"])
        ready.wait()
        mine = []
        for path in timed:
            status, seconds, location = post(connection, path, client["cookie"])
            mine.append(seconds)
            if status != 302 or "dang-nhap" in location or "xem-lai" in location:
                with lock:
                    problems.append(f"{path}: {status} {location}")
        with lock:
            latencies.extend(mine)
        done.wait()

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    ready.wait()
    started, cpu = time.perf_counter(), time.process_time()
    done.wait()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    for thread in threads:
        thread.join()
    return elapsed, latencies, problems, cpu


def main() -> None:
    prepare_stack("submit")
    from tests.fixtures.processes import free_port

    from motcua.dossiers.models import Dossier

    seconds = store_dossiers(STORED)
    print(f"stored dossiers: {Dossier.objects.count():,} in {seconds:.0f} s")
    clients = prepare_clients(CLIENTS, WARMUP + PER_CLIENT // ROUNDS * ROUNDS)
    import redis

    redis.Redis.from_url(CACHE).flushdb()  # no session nor figure left from an earlier run
    port = free_port()
    server = start_server(port)
    base_lat: list[float] = []
    sub_lat: list[float] = []
    problems: list[str] = []
    base_time = sub_time = client_cpu = 0.0
    submit_path = "/ho-so/{}/nop/"
    each = PER_CLIENT // ROUNDS
    try:
        # Alternating rounds: a machine whose speed drifts during the run affects both alike.
        for index in range(ROUNDS):
            warm = WARMUP if index == 0 else 0
            seconds, latencies, found, cpu = run_phase(
                port,
                clients,
                lambda c, w=warm: (["/_bench/insert/"] * w, ["/_bench/insert/"] * each),
            )
            client_cpu += cpu
            base_time, base_lat, problems = (
                base_time + seconds,
                base_lat + latencies,
                problems + found,
            )
            first = WARMUP + index * each
            seconds, latencies, found, cpu = run_phase(
                port,
                clients,
                lambda c, w=warm, first=first: (
                    [submit_path.format(d) for d in c["drafts"][:w]],
                    [submit_path.format(d) for d in c["drafts"][first : first + each]],
                ),
            )
            sub_time, sub_lat, problems = sub_time + seconds, sub_lat + latencies, problems + found
            client_cpu += cpu
    finally:
        server.terminate()
        server.wait(timeout=30)
    base_rate, sub_rate = len(base_lat) / base_time, len(sub_lat) / sub_time
    filed = Dossier.objects.filed().filter(submitted_by__username__startswith="bench-")
    codes = list(filed.values_list("code", flat=True))
    print(f"clients: {CLIENTS}, workers: {WORKERS}, timed requests per phase: {len(sub_lat)}")
    print(
        f"baseline (one row): {base_rate:.1f} req/s, p50 {median(base_lat) * 1000:.1f} ms, "
        f"p95 {percentile(base_lat, 95) * 1000:.1f} ms"
    )
    print(
        f"submission:         {sub_rate:.1f} req/s, p50 {median(sub_lat) * 1000:.1f} ms, "
        f"p95 {percentile(sub_lat, 95) * 1000:.1f} ms"
    )
    # The clients share the server's cores: what they take, every request pays alike.
    print(
        f"clients' CPU: {client_cpu / (len(base_lat) + len(sub_lat)) * 1000:.2f} ms per request "
        f"({client_cpu / (base_time + sub_time) * 100:.0f} % of one core)"
    )
    print(f"filed by the clients: {len(codes)} dossiers, {len(set(codes))} distinct codes")
    for problem in problems[:10]:
        print("problem:", problem)
    if problems or len(codes) != len(set(codes)):
        print("RESULT errors 1 target <= 0 FAIL")
    print(result("submit_throughput_ratio", sub_rate / base_rate, ">=", 0.5))
    print(result("submit_p95_ms", percentile(sub_lat, 95) * 1000, "<", 150))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
