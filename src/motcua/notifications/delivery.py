"""Sending one message now, by e-mail or SMS. Logs name the channel, never the address."""

from __future__ import annotations

import structlog
from django.conf import settings
from django.core.mail import EmailMessage

from .sms import GATEWAYS

log = structlog.get_logger(__name__)


class DeliveryError(Exception):
    """The message could not be handed to its channel."""


def send_email(to: str, subject: str, body: str) -> None:
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    try:
        message.send(fail_silently=False)
    except OSError as error:  # SMTP errors are OSErrors (smtplib.SMTPException included)
        log.warning("notifications.email_failed", error=type(error).__name__)
        raise DeliveryError("email") from error
    log.info("notifications.email_sent")


def send_sms(phone: str, text: str) -> None:
    try:
        GATEWAYS.get().send(phone, text)
    except Exception as error:
        log.warning("notifications.sms_failed", error=type(error).__name__)
        raise DeliveryError("sms") from error
    log.info("notifications.sms_sent", gateway=GATEWAYS.configured_id())
