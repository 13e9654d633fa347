"""Temporary: load the real catalogue into the test database once per session.

A repository-level ``conftest.py`` is to do this for every app; until it exists, the portal's
tests do it here. Whichever runs first fills the database and the other sees rows and skips.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from motcua.catalog.importers import import_catalog
    from motcua.catalog.models import Entry
    from motcua.units.importers import import_agencies, import_units

    with django_db_blocker.unblock():
        if not Entry.objects.exists():
            import_units()
            import_agencies()
            import_catalog()
