"""Dossier codes (DOMAIN.md §5): ``<agency identifier>-YYMMDD-XXXX``.

The sequence is per agency and per day (Asia/Ho_Chi_Minh), from ``MOTCUA_DOSSIER_SEQUENCE_START``
(default 1), on a counter row that is locked while the number is taken: two submissions at
once never get the same code. Gaps are tolerated (a rolled-back transaction gives its number
back only if nothing after it committed). Past 9999 a day the number simply grows a digit.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import DossierCodeCounter


def next_code(agency, when: datetime) -> str:
    """Take the next number of ``agency`` for the day of ``when``; call inside a transaction.

    One statement: an upsert that creates the day's counter or increments it, holding the
    row's lock until the transaction ends (PostgreSQL and SQLite both)."""
    day = timezone.localtime(when).date()
    start = int(getattr(settings, "MOTCUA_DOSSIER_SEQUENCE_START", 1))
    table = connection.ops.quote_name(DossierCodeCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (agency_id, day) DO UPDATE SET last = "
            f"{table}.last + 1 RETURNING last",
            [agency.pk, day, start],
        )
        number = cursor.fetchone()[0]
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def parse_code(code: str) -> tuple[str, str, str] | None:
    """(agency identifier, YYMMDD, sequence) of a well-formed code, else None."""
    parts = (code or "").strip().rsplit("-", 2)
    if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) != 6 or not parts[2].isdigit():
        return None
    return parts[0], parts[1], parts[2]
