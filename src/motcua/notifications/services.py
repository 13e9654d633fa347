"""Telling people: messages of an event on each channel, recorded one per (event, account,
channel), sent, and sent again when a channel failed.

:func:`announce` is called from outbox handlers, so it may run twice for the same event: it
finds the messages it made the first time and sends only those not yet sent. A channel that
fails does not stop the others and does not make the handler fail (which would roll back the
record of what did go out): the message stays ``failed`` with its error and the moment of its
next attempt, and :func:`resend_due` (a scheduled job) or an administrator ("Gửi lại") sends
it again. Logs name the kind and channel, never an address.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core import audit, outbox

from . import preferences
from .channels import CHANNELS, Recipient, enabled
from .defaults import CITIZEN_KINDS, DEFAULTS
from .delivery import DeliveryError, send_email
from .models import Message, MessageTemplate, Notification, Preference

log = structlog.get_logger(__name__)

__all__ = ["Recipient", "announce", "resend", "resend_due", "save_preferences", "template_for"]


# --- Templates -------------------------------------------------------------------------------


def ensure_templates(model=MessageTemplate) -> int:
    """Create the built-in template of every kind that has none (never overwrites an edited
    one); returns how many were created. Used by the data migration too."""
    existing = set(model.objects.values_list("key", flat=True))
    created = [
        model(
            key=key,
            label=entry["label"],
            audience=entry.get("audience", "citizen"),
            essential=bool(entry.get("essential")),
            subject=entry["subject"],
            email_body=entry["email_body"],
            sms_text=entry["sms_text"],
            title=entry["title"],
            body=entry["body"],
        )
        for key, entry in DEFAULTS.items()
        if key not in existing
    ]
    model.objects.bulk_create(created, ignore_conflicts=True)
    return len(created)


def template_for(kind: str) -> MessageTemplate | None:
    """The active template of ``kind`` (the built-in one is created on first use)."""
    template = MessageTemplate.objects.filter(key=kind).first()
    if template is None and kind in DEFAULTS:
        ensure_templates()
        template = MessageTemplate.objects.filter(key=kind).first()
    return template if template is not None and template.is_active else None


# --- Announcing an event ---------------------------------------------------------------------


def announce(
    event_id, kind: str, recipients: list[Recipient], context: dict, *, path: str = ""
) -> list[Message]:
    """Record and send the messages of ``kind`` for this event to each recipient on the
    channels their preferences choose. ``path`` is the page the message leads to (made
    absolute for e-mail and SMS as ``{{ link }}``)."""
    template = template_for(kind)
    if template is None:
        return []
    context = {**context, "link": site_url(path) if path else ""}
    available = enabled()
    messages: list[Message] = []
    seen: set = set()
    for recipient in recipients:
        if recipient.user.pk in seen:
            continue
        seen.add(recipient.user.pk)
        for channel_id in preferences.channels_for(recipient.user, template, available):
            channel = CHANNELS.get(channel_id)
            address = channel.address(recipient)
            subject, body = channel.compose(template, context)
            if not address or not body:
                continue
            message = _planned(event_id, kind, recipient.user, channel_id, address, subject,
                               body, path)  # fmt: skip
            if message is not None:
                messages.append(message)
    for message in messages:
        if message.state != Message.State.SENT:
            attempt(message)
    return messages


def _planned(event_id, kind, user, channel, address, subject, body, path) -> Message | None:
    try:
        with transaction.atomic():
            message, _created = Message.objects.get_or_create(
                event_id=event_id,
                user=user,
                channel=channel,
                defaults={
                    "kind": kind,
                    "address": address if channel != "inapp" else "",
                    "subject": subject[:255],
                    "body": body,
                    "url": path[:300],
                },
            )
    except IntegrityError:  # made at the same moment by another worker: it sends it
        return None
    return message


def _backoff(attempts: int) -> timedelta:
    seconds = 60 * 2 ** min(attempts - 1, 10)
    return min(timedelta(seconds=seconds), timedelta(hours=6))


def max_attempts() -> int:
    return int(getattr(settings, "MOTCUA_NOTIFICATION_MAX_ATTEMPTS", 8))


def attempt(message: Message) -> bool:
    """Send one message unless it was sent already; True when it is sent. The row is locked
    while sending, so a resend and a retried event cannot both send it."""
    with transaction.atomic():
        locked = (
            Message.objects.select_for_update()
            .filter(pk=message.pk)
            .exclude(state=Message.State.SENT)
            .first()
        )
        if locked is None:
            return True
        now = timezone.now()
        locked.attempts += 1
        try:
            reference = CHANNELS.get(locked.channel).deliver(locked)
        except DeliveryError as error:
            locked.state = Message.State.FAILED
            locked.last_error = error.reason[:300]
            final = error.permanent or locked.attempts >= max_attempts()
            locked.next_attempt_at = None if final else now + _backoff(locked.attempts)
            locked.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
            log.warning(
                "notifications.message_failed",
                kind=locked.kind,
                channel=locked.channel,
                attempts=locked.attempts,
                error=locked.last_error,
                final=final,
            )
            message.state = locked.state
            return False
        locked.state = Message.State.SENT
        locked.sent_at = now
        locked.last_error = ""
        locked.next_attempt_at = None
        locked.provider_ref = (reference or "")[:100]
        locked.save(
            update_fields=["state", "sent_at", "attempts", "last_error", "next_attempt_at",
                           "provider_ref"]
        )  # fmt: skip
        log.info("notifications.message_sent", kind=locked.kind, channel=locked.channel)
        message.state = locked.state
        return True


def resend(messages) -> tuple[int, int]:
    """Try the given messages again now, those not sent yet (the administrators' "Gửi lại");
    returns (sent, still failing)."""
    sent = failed = 0
    for message in messages.exclude(state=Message.State.SENT).order_by("id"):
        if attempt(message):
            sent += 1
        else:
            failed += 1
    return sent, failed


def resend_due(now=None, limit: int = 500) -> tuple[int, int]:
    """Send again the failed messages whose next attempt has come (run every minute)."""
    now = now or timezone.now()
    due = Message.objects.filter(state=Message.State.FAILED, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at").values_list("id", flat=True)[:limit])
    return resend(Message.objects.filter(id__in=ids))


# --- Preferences -----------------------------------------------------------------------------


@transaction.atomic
def save_preferences(user, chosen: dict[str, dict[str, bool]], *, request=None) -> None:
    """Record the person's choice of channels per kind (kinds not given keep theirs)."""
    changed = []
    for kind in CITIZEN_KINDS:
        if kind not in chosen:
            continue
        email, sms = bool(chosen[kind].get("email")), bool(chosen[kind].get("sms"))
        preference, created = Preference.objects.get_or_create(
            user=user, kind=kind, defaults={"email": email, "sms": sms}
        )
        if created or (preference.email, preference.sms) != (email, sms):
            Preference.objects.filter(pk=preference.pk).update(email=email, sms=sms)
            changed.append(kind)
    audit.record(
        "notification_preferences_changed", actor=user, obj=user, request=request,
        kinds=changed,
    )  # fmt: skip
    outbox.emit("notifications.preferences_changed", aggregate=user, kinds=changed)


# --- The portal's in-app list, and one-off notices -------------------------------------------


def notify(user, *, event_id, title: str, body: str, url: str = "", email: str = "") -> bool:
    """Create the in-app notification (and send ``email`` the same text); False when this
    event was already notified to this user. ``url`` is a path on the site (made absolute with
    ``MOTCUA_SITE_URL`` in the e-mail). For one-off notices without a template (the draft
    reminder); events use :func:`announce`."""
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
