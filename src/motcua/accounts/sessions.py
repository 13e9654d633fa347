"""What a session knows about its login: how it was proven, and logins half done.

A login in two steps (password, then a code) keeps the account in ``PENDING_KEY`` between the
steps; the session is authenticated (Django's ``login()``, which gives it a new key) only when
the second step succeeds. A pending login expires after ``PENDING_TTL`` seconds and after
``MAX_FAILURES`` wrong codes, so a stolen password alone gets nowhere.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth import login as auth_login
from django.http import HttpRequest
from django.utils import timezone

from .models import User

PENDING_KEY = "motcua_pending_login"
AUTH_KEY = "motcua_auth"
PENDING_TTL = 600
MAX_FAILURES = 5

METHOD_EID = "eid"
METHOD_LOCAL = "local"
METHOD_STAFF = "staff"


@dataclass(frozen=True)
class Assurance:
    """How this session's login was proven. ``level``: 0 a local account, 1 or 2 the e-ID."""

    method: str
    level: int

    @property
    def label(self) -> str:
        from django.utils.translation import gettext as _

        if self.method == METHOD_EID:
            return _("Định danh điện tử VNeID mức %(level)s") % {"level": self.level}
        if self.method == METHOD_LOCAL:
            return _("Tài khoản cơ bản (số điện thoại hoặc e-mail)")
        return _("Tài khoản cán bộ, xác thực hai lớp")


def assurance(request: HttpRequest) -> Assurance | None:
    data = request.session.get(AUTH_KEY) if request.user.is_authenticated else None
    if not data:
        return None
    return Assurance(data.get("method", ""), int(data.get("level") or 0))


def complete_login(
    request: HttpRequest, user: User, *, backend: str, method: str, level: int
) -> None:
    """Authenticate the session (a new session key) and record how."""
    request.session.pop(PENDING_KEY, None)
    auth_login(request, user, backend=backend)
    request.session[AUTH_KEY] = {
        "method": method,
        "level": level,
        "at": timezone.now().isoformat(),
    }


# --- Logins between their two steps ---------------------------------------------------------


def begin_pending(request: HttpRequest, user: User, *, kind: str, next_url: str = "") -> None:
    request.session.cycle_key()  # whatever the session held before, it is a new one now
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "kind": kind,
        "at": int(time.time()),
        "next": next_url,
        "failures": 0,
    }


def pending_user(request: HttpRequest, kind: str) -> User | None:
    """The account waiting for its second step, if the pending login is still good."""
    data = request.session.get(PENDING_KEY)
    if not data or data.get("kind") != kind:
        return None
    if time.time() - data.get("at", 0) > PENDING_TTL:
        request.session.pop(PENDING_KEY, None)
        return None
    return User.objects.filter(pk=data.get("user"), is_active=True).first()


def pending_next(request: HttpRequest) -> str:
    return (request.session.get(PENDING_KEY) or {}).get("next") or ""


def count_failure(request: HttpRequest) -> bool:
    """Count a wrong second step; True when the pending login is now dropped."""
    data = dict(request.session.get(PENDING_KEY) or {})
    data["failures"] = data.get("failures", 0) + 1
    if data["failures"] >= MAX_FAILURES:
        request.session.pop(PENDING_KEY, None)
        return True
    request.session[PENDING_KEY] = data
    return False


def drop_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
