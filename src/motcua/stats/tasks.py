"""Scheduled statistics work (beat): the monthly report on the 1st of each month, and the
national-portal sync flag caught up every few minutes."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="motcua.stats.send_monthly_reports", ignore_result=True)
def send_monthly_reports() -> dict[str, int]:
    from .reports import send_monthly_reports as send

    return send()


@shared_task(name="motcua.stats.refresh_synced", ignore_result=True)
def refresh_synced() -> int:
    from .services import refresh_synced as refresh

    return refresh()
