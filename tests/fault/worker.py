"""``python -m tests.fault.worker SCHEDULE_FILE``: the production Celery worker, with beat inside
it, plus the probe subscriber of the fault-injection tests."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

settings.MOTCUA_OUTBOX_HANDLER_MODULES = [
    *settings.MOTCUA_OUTBOX_HANDLER_MODULES,
    "tests.fault.probe_handler",
]

from motcua.celery import app  # noqa: E402

if __name__ == "__main__":
    app.worker_main(
        ["worker", "--beat", "--pool=solo", "--loglevel=WARNING", "--schedule", sys.argv[1]]
    )
