"""Beat's schedule names only tasks that exist."""

from __future__ import annotations

from django.conf import settings

from motcua.celery import app, beat_schedule


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    schedule = beat_schedule(settings)
    missing = {entry["task"] for entry in schedule.values()} - set(app.tasks)
    assert not missing
    assert schedule["outbox"]["schedule"] == float(settings.MOTCUA_OUTBOX_INTERVAL)
    expected = {"outbox", "webhooks", "notifications", "payments", "deadlines", "drafts"}
    assert expected <= set(schedule)
