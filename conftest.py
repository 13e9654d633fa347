"""Test-session setup shared by every test: the real units, catalogue and working-day
calendar, imported once.

The test database (PostgreSQL when DATABASE_URL is set, SQLite otherwise) is created by
pytest-django; this fixture then imports the bundled data once per test process, so that
search, API and page tests run against the real catalogue. Tests run in transactions that are
rolled back, so this data stays as imported.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from motcua.catalog.importers import import_catalog
    from motcua.catalog.models import Entry
    from motcua.core.calendar import WorkingCalendar, import_calendar
    from motcua.units.importers import import_agencies, import_units

    with django_db_blocker.unblock():
        if not Entry.objects.exists():
            import_units()
            import_agencies()
            import_catalog()
            import_calendar()
        WorkingCalendar.invalidate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts and ends with empty caches (home-page counts are cached; reference
    data is held per process, keyed by ids that a rolled-back test may hand out again)."""
    from django.core.cache import cache

    from motcua.core import memo

    cache.clear()
    memo.clear_all()
    yield
    cache.clear()
    memo.clear_all()


@pytest.fixture(autouse=True)
def _stats_figures_follow_every_change(_fresh_cache, settings):
    """Dashboard figures are recomputed as soon as dossiers change (no grace period): a test
    that changes data and reads again sees the change (``stats.figures``)."""
    settings.MOTCUA_STATS_FRESH_SECONDS = 0


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Every test writes the files it stores to its own folder, scanned by the demo scanner."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "motcua.documents.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    settings.MOTCUA_MALWARE_SCANNER = "demo"
    return location


@pytest.fixture(autouse=True)
def _portal_sync_off(settings):
    """No test talks to a national portal unless it starts the demo one itself
    (``motcua/integrations/portal/tests/conftest.py``): the sync's outbox subscriber finds it
    disabled and is done."""
    settings.MOTCUA_PORTAL_SYNC = "disabled"
