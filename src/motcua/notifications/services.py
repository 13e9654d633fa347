"""Telling people: one in-app notification per event and person, and its e-mail.

Called from outbox handlers, so it may run twice for the same event: the in-app row is unique
per (user, event) and the e-mail goes only with a newly created row. A failed e-mail raises, so
the handler's transaction drops the row too and the outbox tries both again later.
"""

from __future__ import annotations

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .delivery import send_email
from .models import Notification

log = structlog.get_logger(__name__)


def notify(user, *, event_id, title: str, body: str, url: str = "", email: str = "") -> bool:
    """Create the in-app notification (and send ``email`` the same text); False when this
    event was already notified to this user. ``url`` is a path on the site (made absolute with
    ``MOTCUA_SITE_URL`` in the e-mail)."""
    try:
        with transaction.atomic():
            Notification.objects.create(
                user=user, event_id=event_id, title=title, body=body, url=url
            )
    except IntegrityError:
        return False
    if email:
        link = site_url(url) if url.startswith("/") else url
        send_email(email, title, body + (f"\n\n{link}" if link else ""))
    return True


def site_url(path: str) -> str:
    """``path`` as an absolute address on the site (``MOTCUA_SITE_URL``), for links that leave
    it: e-mails, QR codes."""
    return getattr(settings, "MOTCUA_SITE_URL", "").rstrip("/") + path


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
