"""The channels a message goes out on, as plugins (``core.plugins``): e-mail over SMTP, SMS
through the configured gateway (``sms.py``), in-app (a ``Notification`` row).

``MOTCUA_NOTIFICATION_CHANNELS`` lists the channels in use (all three by default); in-app is
always among them. A channel knows the address it needs for a recipient, what it takes from a
template, and how to hand one message over (raising ``DeliveryError``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.db import IntegrityError, transaction

from motcua.core.plugins import PluginRegistry

from .delivery import DeliveryError, send_email, send_sms
from .rendering import render
from .sms import GATEWAYS


@dataclass(frozen=True)
class Recipient:
    """An account to tell, with the addresses that reach it for this message (verified
    account contacts, or those given in the dossier by the person who filed it)."""

    user: object
    email: str = ""
    phone: str = ""


def account_addresses(user) -> tuple[str, str]:
    """(e-mail, mobile) that reach an account on its own: its verified contacts, and for the
    phone the number its person record holds; empty when unknown. Never an unverified one."""
    from motcua.accounts.contacts import normalise_phone

    email = user.email if user.email and user.email_verified_at else ""
    phone = user.phone if user.phone and user.phone_verified_at else ""
    person = getattr(user, "person", None) if not phone else None
    if person is not None:
        phone = normalise_phone(person.phone or "") or ""
    return email, phone


class Channel:
    id: ClassVar[str]
    label: ClassVar[str]

    def address(self, recipient: Recipient) -> str:
        return ""

    def compose(self, template, context: dict) -> tuple[str, str]:
        """(subject, body) of the message on this channel; an empty body sends nothing."""
        raise NotImplementedError

    def deliver(self, message) -> str:
        """Hand ``message`` over; the provider's reference if any. Raise DeliveryError."""
        raise NotImplementedError

    def check_config(self) -> list[str]:
        return []


CHANNELS: PluginRegistry[Channel] = PluginRegistry(
    "notification channel",
    setting="MOTCUA_NOTIFICATION_DEFAULT_CHANNEL",
    default="inapp",
    builtins=(__name__,),
    unknown=lambda wanted: DeliveryError(str(wanted), "unknown_channel"),
)


def enabled() -> list[str]:
    """The channels in use, in-app always included."""
    wanted = list(getattr(settings, "MOTCUA_NOTIFICATION_CHANNELS", ["email", "sms", "inapp"]))
    return [c for c in CHANNELS.available() if c in wanted or c == InAppChannel.id]


@CHANNELS.register
class EmailChannel(Channel):
    id = "email"
    label = "E-mail (SMTP)"

    def address(self, recipient: Recipient) -> str:
        return recipient.email

    def compose(self, template, context: dict) -> tuple[str, str]:
        return render(template.subject, context), render(template.email_body, context)

    def deliver(self, message) -> str:
        send_email(message.address, message.subject, message.body, reference=str(message.pk))
        return ""

    def check_config(self) -> list[str]:
        backend = getattr(settings, "EMAIL_BACKEND", "")
        if backend.endswith("smtp.EmailBackend") and not getattr(settings, "EMAIL_HOST", ""):
            return ["MOTCUA_EMAIL_HOST is not set."]
        return []


@CHANNELS.register
class SmsChannel(Channel):
    id = "sms"
    label = "SMS (cổng SMS)"

    def address(self, recipient: Recipient) -> str:
        return recipient.phone

    def compose(self, template, context: dict) -> tuple[str, str]:
        return "", render(template.sms_text, context)

    def deliver(self, message) -> str:
        # Stable across attempts, distinct per recipient: the gateway drops a repeat.
        reference = uuid.uuid5(message.event_id, f"sms:{message.user_id}").hex
        return send_sms(message.address, message.body, reference=reference)

    def check_config(self) -> list[str]:
        return GATEWAYS.check_config()


@CHANNELS.register
class InAppChannel(Channel):
    id = "inapp"
    label = "Thông báo trên cổng"

    def address(self, recipient: Recipient) -> str:
        return "-"  # the account itself

    def compose(self, template, context: dict) -> tuple[str, str]:
        return render(template.title, context), render(template.body, context)

    def deliver(self, message) -> str:
        from .models import Notification

        try:
            with transaction.atomic():
                Notification.objects.create(
                    user_id=message.user_id,
                    event_id=message.event_id,
                    title=message.subject[:200],
                    body=message.body,
                    url=message.url,
                )
        except IntegrityError:
            pass  # made by an earlier attempt
        return ""
