"""Scheduled job of the national-portal sync (Celery beat; the same function as
``motcua portal_sync reconcile``)."""

from __future__ import annotations

from celery import shared_task


def reconcile_recent() -> int:
    """The nightly reconciliation: the dossiers changed in the last
    ``MOTCUA_PORTAL_SYNC_RECONCILE_DAYS`` looked up at the portal; returns the report's id."""
    from .services import reconcile

    return reconcile().pk


@shared_task(name="motcua.integrations.portal.reconcile", ignore_result=True)
def reconcile_task() -> int:
    return reconcile_recent()
