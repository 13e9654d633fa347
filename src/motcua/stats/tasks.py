"""Scheduled statistics work: the monthly report (beat, on the 1st of each month)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="motcua.stats.send_monthly_reports", ignore_result=True)
def send_monthly_reports() -> dict[str, int]:
    from .reports import send_monthly_reports as send

    return send()
