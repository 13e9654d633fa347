"""Sending one message now, by e-mail or SMS. Logs name the channel, never the address."""

from __future__ import annotations

import structlog
from django.conf import settings
from django.core.mail import EmailMessage

from .sms import GATEWAYS, SmsError

log = structlog.get_logger(__name__)


class DeliveryError(Exception):
    """The message could not be handed to its channel. ``reason`` says why without personal
    data (stored on the message for administrators); ``permanent`` when retrying cannot help."""

    def __init__(self, channel: str, reason: str = "", *, permanent: bool = False):
        self.channel = channel
        self.reason = reason or channel
        self.permanent = permanent
        super().__init__(channel)


def send_email(to: str, subject: str, body: str, *, reference: str = "") -> None:
    headers = {"X-Motcua-Message": reference} if reference else None
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    try:
        message.send(fail_silently=False)
    except OSError as error:  # SMTP errors are OSErrors (smtplib.SMTPException included)
        log.warning("notifications.email_failed", error=type(error).__name__)
        raise DeliveryError("email", type(error).__name__) from error
    log.info("notifications.email_sent")


def send_sms(phone: str, text: str, *, reference: str = "") -> str:
    """Hand ``text`` to the configured gateway; the gateway's message id."""
    try:
        message_id = GATEWAYS.get().send(phone, text, reference=reference)
    except SmsError as error:
        log.warning("notifications.sms_failed", error=error.code)
        raise DeliveryError("sms", error.code, permanent=error.permanent) from error
    except Exception as error:
        log.warning("notifications.sms_failed", error=type(error).__name__)
        raise DeliveryError("sms", type(error).__name__) from error
    log.info("notifications.sms_sent", gateway=GATEWAYS.configured_id())
    return message_id
