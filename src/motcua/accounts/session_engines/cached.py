"""The renewing sessions (see the package) read from the shared cache, written to both."""

from __future__ import annotations

from django.contrib.sessions.backends import cached_db

from . import RenewingMixin


class SessionStore(RenewingMixin, cached_db.SessionStore):
    pass
