"""The smoke journey runs only against a running production topology (scripts/prod-local
smoke sets ``PROD_LOCAL_URL``); the ordinary test run does not collect it."""

from __future__ import annotations

import os

collect_ignore_glob = [] if os.environ.get("PROD_LOCAL_URL") else ["test_*.py"]
