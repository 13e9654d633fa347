"""Shared set-up of the benchmarks: a database of their own, migrated, with the real data.

The database is DATABASE_URL (default: PostgreSQL ``motcua_bench`` on this machine). Every
run starts from an empty database (dropped and created again), so figures never depend on
what an earlier run or an older schema left behind.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_bench"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    os.environ.setdefault("MOTCUA_LOG_LEVEL", "WARNING")
    fresh_database(os.environ["DATABASE_URL"])
    import django

    django.setup()


def fresh_database(url: str) -> None:
    """Drop and create the benchmark database (PostgreSQL), or delete the SQLite file."""
    if url.startswith("sqlite"):
        Path(url.split("sqlite:///", 1)[1]).unlink(missing_ok=True)
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def load_real_data() -> None:
    from django.core.management import call_command

    from motcua.catalog.importers import import_catalog
    from motcua.catalog.search.backends import get_backend
    from motcua.units.importers import import_agencies, import_units

    call_command("migrate", verbosity=0)
    import_units()
    import_agencies()
    if not import_catalog().unchanged:
        get_backend().maintain()


def prepare_stack(name: str) -> None:
    """A fresh PostgreSQL database with the real data, the working-day calendar and the
    bundled e-forms: what the benchmarks of whole requests start from."""
    if not os.environ.get("DATABASE_URL", DEFAULT_URL).startswith("postgres"):
        raise SystemExit(f"bench/{name}.py runs on PostgreSQL (DATABASE_URL)")
    setup_django()
    load_real_data()
    from motcua.core.calendar import import_calendar
    from motcua.forms.bundled import install_bundled_forms

    import_calendar()
    install_bundled_forms()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def result(metric: str, value: float, op: str, target: float) -> str:
    ok = {"<=": value <= target, ">=": value >= target, "<": value < target, ">": value > target}[
        op
    ]
    return f"RESULT {metric} {value:.4g} target {op} {target:g} {'PASS' if ok else 'FAIL'}"
