"""``python bench/_outbox_worker.py worker|beat ...``: production Celery (a prefork worker, or
beat) with the subscribers (bench/_outbox_subscribers.py) and nothing else."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.MOTCUA_OUTBOX_HANDLER_MODULES = ["_outbox_subscribers"]

from motcua.celery import app  # noqa: E402

if __name__ == "__main__":
    app.start(sys.argv[1:])
