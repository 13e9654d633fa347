"""Dossier codes (DOMAIN.md §5): ``<agency identifier>-YYMMDD-XXXX``.

The sequence is per agency and per day (Asia/Ho_Chi_Minh), from ``MOTCUA_DOSSIER_SEQUENCE_START``
(default 1), on a counter row that is locked while the number is taken: two submissions at
once never get the same code. Gaps are tolerated (a rolled-back transaction gives its number
back only if nothing after it committed). Past 9999 a day the number simply grows a digit.

``write_with_code`` takes the number and writes the dossier's row with its code in one
statement on PostgreSQL (a filing's every round trip counts), in two elsewhere.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from motcua.core import rows

from .models import Dossier, DossierCodeCounter

_WRITES: dict[tuple[str, ...], str] = {}


def _take() -> str:
    """The upsert that creates the day's counter or increments it, holding the row's lock
    until the transaction ends (PostgreSQL and SQLite both); parameters agency, day, start."""
    table = connection.ops.quote_name(DossierCodeCounter._meta.db_table)
    return (
        f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )


def _start() -> int:
    return int(getattr(settings, "MOTCUA_DOSSIER_SEQUENCE_START", 1))


def next_code(agency, when: datetime) -> str:
    """Take the next number of ``agency`` for the day of ``when``; call inside a transaction."""
    day = timezone.localtime(when).date()
    with connection.cursor() as cursor:
        cursor.execute(_take(), [agency.pk, day, _start()])
        number = cursor.fetchone()[0]
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def write_with_code(dossier: Dossier, agency, when: datetime, field_names: list[str]) -> str:
    """Take the next number of ``agency`` for the day of ``when``, set ``dossier.code`` and
    write the dossier's ``field_names`` with it (as ``core.rows.update``); returns the code."""
    if connection.vendor != "postgresql":
        dossier.code = next_code(agency, when)
        rows.update(dossier, [*field_names, "code"])
        return dossier.code
    names = tuple(name for name in field_names if name != "code")
    clause, fields = rows.assignments(Dossier, names)
    if names not in _WRITES:
        quote = connection.ops.quote_name
        meta = Dossier._meta
        table = quote(meta.db_table)
        code = quote(meta.get_field("code").column)
        # The number padded to four digits, longer past 9999 (as ``next_code``).
        number = "lpad(n.last::text, greatest(4, length(n.last::text)), '0')"
        _WRITES[names] = (
            f"WITH n AS ({_take()}) UPDATE {table} SET {clause}, "  # noqa: S608 (metadata)
            f"{code} = %s || {number} FROM n WHERE {table}.{quote(meta.pk.column)} = %s "
            f"RETURNING {table}.{code}"
        )
    day = timezone.localtime(when).date()
    values = rows.prepared(dossier, fields, connection, adding=False)
    params = [agency.pk, day, _start(), *values, f"{agency.code}-{day:%y%m%d}-", dossier.pk]
    with connection.cursor() as cursor:
        cursor.execute(_WRITES[names], params)
        dossier.code = cursor.fetchone()[0]
    return dossier.code


def parse_code(code: str) -> tuple[str, str, str] | None:
    """(agency identifier, YYMMDD, sequence) of a well-formed code, else None."""
    parts = (code or "").strip().rsplit("-", 2)
    if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) != 6 or not parts[2].isdigit():
        return None
    return parts[0], parts[1], parts[2]
