"""Scheduled jobs of ``documents``: scan again what the scanner could not scan."""

from __future__ import annotations

import structlog
from celery import shared_task

log = structlog.get_logger(__name__)


@shared_task(name="motcua.documents.rescan_quarantined", ignore_result=True)
def rescan_quarantined() -> dict:
    from .scanners import ScanUnavailable, get_scanner
    from .services import rescan_quarantined as rescan

    try:
        get_scanner().ping()
    except ScanUnavailable as error:
        log.warning("documents.rescan_skipped", code=error.code)
        return {}
    return rescan()
