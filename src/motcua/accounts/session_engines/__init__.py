"""Sessions stored in the database, their expiry renewed at most once a minute.

A session ends after ``MOTCUA_SESSION_IDLE_MINUTES`` without a request: the cookie is renewed
on every response, and the stored expiry with it — but an unchanged session is written again
only when its last write is ``RENEW_SECONDS`` old, not on every request (a write, with its
transaction, on every page cost more than many pages' own work). The idle timeout is so
kept to within a minute. A session whose data changed is always written at once.

``SESSION_ENGINE`` names this module, or ``.cached`` when the cache is shared between the
processes (Redis): reads then come from the cache, writes go to both.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.utils import timezone

RENEW_SECONDS = 60
RENEWED_KEY = "_motcua_renewed"  # when the session was last written (epoch seconds)


class RenewingMixin:
    def save(self, must_create: bool = False) -> None:
        now = int(timezone.now().timestamp())
        if (
            not must_create
            and self.session_key is not None
            and not self.modified
            and 0 <= now - int(self._session.get(RENEWED_KEY, 0)) < RENEW_SECONDS
        ):
            return
        self._session[RENEWED_KEY] = now
        super().save(must_create=must_create)


class SessionStore(RenewingMixin, db.SessionStore):
    pass
