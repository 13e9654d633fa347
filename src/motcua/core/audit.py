"""The audit log: one call, :func:`record`, for every security-relevant event.

What goes in ``details`` must never be personal data in clear. Passwords, tokens and identity
numbers are dropped here if a caller passes them by mistake; a username that must be kept (a
failed login for an account that does not exist) is kept only as :func:`username_hash`, a keyed
HMAC (SECRET_KEY) that lets a reviewer group attempts on one name without storing the name.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import structlog
from django.db import models
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from . import rows
from .models import AuditEntry

log = structlog.get_logger(__name__)

#: Keys refused in ``details``, whatever the caller meant.
FORBIDDEN_DETAILS = frozenset(
    {
        "password",
        "password1",
        "password2",
        "passwd",
        "secret",
        "token",
        "id_token",
        "access_token",
        "refresh_token",
        "username",
        "pid",
        "old_id",
        "identity_number",
        "number",
    }
)
_HASH_SALT = "motcua.core.audit.username"


def username_hash(username: str) -> str:
    """A keyed hash of a username (HMAC-SHA256 with SECRET_KEY): comparable, not reversible."""
    value = (username or "").strip().casefold()
    return salted_hmac(_HASH_SALT, value, algorithm="sha256").hexdigest()[:32]


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as seen by django-axes (same proxy settings), else REMOTE_ADDR."""
    if request is None:
        return None
    value = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def record(
    action: str,
    *,
    actor=None,
    on_behalf_of=None,
    on_behalf_of_organisation=None,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
    **details: Any,
) -> AuditEntry:
    """Append one entry to the audit log and return it.

    ``actor`` defaults to the request's authenticated user. ``obj`` is the thing acted on.
    ``on_behalf_of`` (a user) and ``on_behalf_of_organisation`` say for whom the actor acted
    (``accounts.acting.Acting.audit_fields()`` gives both, and the delegation's id).
    """
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    dropped = sorted(key for key in details if key.lower() in FORBIDDEN_DETAILS)
    if dropped:
        log.warning("audit.details_dropped", action=action, keys=dropped)
        details = {k: v for k, v in details.items() if k not in dropped}
    entry = AuditEntry(
        action=action,
        actor=actor if actor is not None and actor.pk is not None else None,
        on_behalf_of=on_behalf_of,
        on_behalf_of_organisation=on_behalf_of_organisation,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        ip=client_ip(request),
        details=details,
    )
    return rows.insert(entry)
