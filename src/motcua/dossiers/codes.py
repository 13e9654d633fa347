"""Dossier codes (DOMAIN.md §5): ``<agency identifier>-YYMMDD-XXXX``.

The sequence is per agency and per day (Asia/Ho_Chi_Minh), from ``MOTCUA_DOSSIER_SEQUENCE_START``
(default 1), on a counter row that is locked while the number is taken: two submissions at
once never get the same code. Gaps are tolerated (a rolled-back transaction gives its number
back only if nothing after it committed). Past 9999 a day the number simply grows a digit.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from .models import DossierCodeCounter


def next_code(agency, when: datetime) -> str:
    """Take the next number of ``agency`` for the day of ``when``; call inside a transaction."""
    day = timezone.localtime(when).date()
    start = int(getattr(settings, "MOTCUA_DOSSIER_SEQUENCE_START", 1))
    DossierCodeCounter.objects.bulk_create(
        [DossierCodeCounter(agency=agency, day=day, last=start - 1)], ignore_conflicts=True
    )
    counter = DossierCodeCounter.objects.select_for_update().get(agency=agency, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{agency.code}-{day:%y%m%d}-{counter.last:04d}"


def parse_code(code: str) -> tuple[str, str, str] | None:
    """(agency identifier, YYMMDD, sequence) of a well-formed code, else None."""
    parts = (code or "").strip().rsplit("-", 2)
    if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) != 6 or not parts[2].isdigit():
        return None
    return parts[0], parts[1], parts[2]
