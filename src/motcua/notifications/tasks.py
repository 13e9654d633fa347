"""Scheduled job of ``notifications``: messages whose channel failed are sent again when their
next attempt comes (Celery beat, every minute; also ``motcua notifications resend``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="motcua.notifications.resend_due", ignore_result=True)
def resend_due() -> tuple[int, int]:
    from .services import resend_due as resend

    return resend()
