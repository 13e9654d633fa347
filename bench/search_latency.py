"""Latency of the search API against the procedure-detail API, on the real catalogue and on
one scaled ×20 with synthetic provincial listings.

Each size runs in its own database (``<name>`` and ``<name>_x20``), built from scratch by a
child process; requests go through the whole Django stack (middleware, DRF, serialisers) with
the test client. Target: p95(search) ≤ 3 × p95(detail) at both sizes.
Run: ``make bench BENCH=search_latency``.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import DEFAULT_URL, percentile, result

DEV_SET = Path(__file__).resolve().parent / "data" / "search_dev.jsonl"
ROUNDS = 3
TARGET_RATIO = 3.0


def queries() -> list[str]:
    """At least 200 distinct queries: the development set plus words taken from names."""
    from motcua.catalog.models import Procedure

    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line]
    found = list(dict.fromkeys(row["query"] for row in rows))
    rng = random.Random(20251)
    names = list(Procedure.objects.order_by("id").values_list("name", flat=True))
    while len(found) < 260:
        words = rng.choice(names).split()
        start = rng.randrange(max(len(words) - 3, 1))
        found.append(" ".join(words[start : start + rng.randint(2, 4)]).lower())
        found = list(dict.fromkeys(found))
    return found


def scale_listings(factor: int) -> int:
    """Add synthetic provincial listings until the catalogue has ``factor`` times its lines."""
    from motcua.catalog.importers import rebuild_entries, rebuild_search_index
    from motcua.catalog.models import Entry, Listing, OnlineLevel, Procedure
    from motcua.units.models import Agency, Province

    target = Entry.objects.count() * factor
    provinces = list(Province.objects.order_by("code"))
    committees = dict(
        Agency.objects.filter(kind=Agency.Kind.PROVINCE_COMMITTEE).values_list("province_id", "id")
    )
    procedures = list(Procedure.objects.order_by("id").values_list("id", "code", "name"))
    taken = set(Listing.objects.values_list("procedure_id", "province_id"))
    rng = random.Random(7)
    levels = [OnlineLevel.FULL, OnlineLevel.PARTIAL, OnlineLevel.NONE]
    batch: list[Listing] = []
    needed = target - Entry.objects.count()
    for province in provinces:
        for pid, code, name in procedures:
            if needed <= 0:
                break
            if (pid, province.id) in taken:
                continue
            batch.append(
                Listing(
                    procedure_id=pid,
                    province=province,
                    local_code=f"{code}.000.00.00.{province.qcvn_code}",
                    name=name if rng.random() < 0.8 else f"Thủ tục {name[0].lower()}{name[1:]}",
                    agency_id=committees.get(province.id),
                    online_level=rng.choice(levels),
                    online_level_text="synthetic",
                )
            )
            needed -= 1
    Listing.objects.bulk_create(batch, batch_size=5000)
    rebuild_entries()
    rebuild_search_index()
    return Entry.objects.count()


def measure(client, urls: list[str]) -> list[float]:
    timings = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        timings.append(elapsed)
    return timings


def child(scale: int) -> None:
    from _setup import load_real_data, setup_django

    setup_django()
    load_real_data()
    from django.db import transaction
    from django.test import Client
    from django.utils.http import urlencode

    from motcua.catalog.models import Entry

    if scale > 1:
        from motcua.catalog.search.backends import get_backend

        with transaction.atomic():
            scale_listings(scale)
        get_backend().maintain()
    entries = Entry.objects.count()
    qs = queries()
    rng = random.Random(11)
    codes = rng.sample(list(Entry.objects.values_list("code", flat=True)), len(qs))
    client = Client()
    search_urls = [f"/api/v1/procedures/?{urlencode({'q': q, 'limit': 20})}" for q in qs]
    detail_urls = [f"/api/v1/procedures/{code}" for code in codes]
    measure(client, search_urls[:20] + detail_urls[:20])  # warm caches and connections
    search, detail = [], []
    for _ in range(ROUNDS):
        search += measure(client, search_urls)
        detail += measure(client, detail_urls)
    print(
        json.dumps(
            {
                "scale": scale,
                "entries": entries,
                "queries": len(set(qs)),
                "search": [percentile(search, 50), percentile(search, 95)],
                "detail": [percentile(detail, 50), percentile(detail, 95)],
            }
        )
    )


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        return 0
    base = os.environ.get("DATABASE_URL", DEFAULT_URL)
    runs = []
    for scale, url in ((1, base), (20, _scaled_url(base))):
        env = {**os.environ, "DATABASE_URL": url, "MOTCUA_LOG_LEVEL": "WARNING"}
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(scale)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    print(
        f"{'size':<10}{'entries':>9}{'queries':>9}{'search p50':>12}{'p95':>8}"
        f"{'detail p50':>12}{'p95':>8}{'ratio p95':>11}"
    )
    for run in runs:
        ratio = run["search"][1] / run["detail"][1]
        run["ratio"] = ratio
        print(
            f"{'×' + str(run['scale']):<10}{run['entries']:>9}{run['queries']:>9}"
            f"{run['search'][0]:>10.1f}ms{run['search'][1]:>6.1f}ms"
            f"{run['detail'][0]:>10.1f}ms{run['detail'][1]:>6.1f}ms{ratio:>11.2f}"
        )
    for run in runs:
        print(
            result(f"search_p95_over_detail_p95_x{run['scale']}", run["ratio"], "<=", TARGET_RATIO)
        )
    return 0


def _scaled_url(url: str) -> str:
    if url.startswith("sqlite"):
        return url.replace(".sqlite3", "_x20.sqlite3")
    return url.rstrip("/") + "_x20"


if __name__ == "__main__":
    raise SystemExit(main())
