"""Scheduled jobs of ``accounts``: registrations never verified are deleted."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="motcua.accounts.purge_registrations", ignore_result=True)
def purge_registrations(hours: int = 48) -> int:
    from .services.local import purge_unverified_registrations

    return purge_unverified_registrations(older_than_hours=hours)
