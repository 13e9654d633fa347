"""Scheduled jobs of ``dossiers`` (Celery beat; the same functions as the commands)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="motcua.dossiers.flag_deadlines", ignore_result=True)
def flag_deadlines() -> tuple[int, int]:
    from .processing import flag_deadlines as flag

    return flag()


@shared_task(name="motcua.dossiers.expire_drafts", ignore_result=True)
def expire_drafts() -> tuple[int, int]:
    from .services import remind_and_expire_drafts

    return remind_and_expire_drafts()
