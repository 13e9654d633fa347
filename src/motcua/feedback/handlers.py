"""Outbox handlers: telling the sender of each step of their feedback.

A sender with an account hears through ``notifications.announce`` (in-app, and e-mail/SMS by
their preferences); ``feedback.answered`` for them is handled by the notifications app. A
sender without an account gets an e-mail with the follow-up link at each step, sent once per
event (a ``SentMail`` row is written with it).
"""

from __future__ import annotations

import structlog
from django.db import IntegrityError, transaction

from motcua.core.outbox import handler

from . import services
from .models import Feedback, SentMail

log = structlog.get_logger(__name__)

KINDS = {
    "feedback.received": "feedback_received",
    "feedback.rejected": "feedback_rejected",
    "feedback.info_requested": "feedback_info_requested",
    "feedback.transferred": "feedback_transferred",
    "feedback.answered": "feedback_answered",
}


def _context(feedback: Feedback) -> dict:
    return {
        "feedback_code": feedback.code,
        "agency": feedback.agency.name,
        "reasons": feedback.reject_reason or feedback.transfer_reason,
        "missing": feedback.info_request,
    }


def _email_anonymous(event, feedback: Feedback, kind: str) -> None:
    from motcua.notifications import rendering
    from motcua.notifications.delivery import DeliveryError, send_email
    from motcua.notifications.services import site_url, template_for

    template = template_for(kind)
    if template is None or not feedback.sender_email:
        return
    context = {**_context(feedback), "link": site_url(services.follow_path(feedback))}
    subject = rendering.render(template.subject, context)
    body = rendering.render(template.email_body, context)
    try:
        with transaction.atomic():
            SentMail.objects.create(event_id=event.id, feedback=feedback, kind=kind)
            send_email(feedback.sender_email, subject, body, reference=str(event.id))
    except IntegrityError:
        return  # sent already for this event
    except DeliveryError:
        log.warning("feedback.email_failed", kind=kind)
        raise  # the outbox tries again later; nothing was recorded


def _announce(event, feedback: Feedback, kind: str) -> None:
    from motcua.notifications.channels import Recipient, account_addresses
    from motcua.notifications.services import announce

    user = feedback.sender
    if user is None or not user.is_active:
        return
    email, phone = account_addresses(user)
    announce(
        event.id,
        kind,
        [Recipient(user, email=email or feedback.sender_email, phone=phone)],
        _context(feedback),
        path=services.follow_path(feedback),
    )


@handler("feedback.received")
@handler("feedback.rejected")
@handler("feedback.info_requested")
@handler("feedback.transferred")
@handler("feedback.answered")
def tell_the_sender(event) -> None:
    kind = KINDS.get(event.topic)
    feedback = (
        Feedback.objects.select_related("agency", "sender")
        .filter(public_id=event.aggregate_id)
        .first()
    )
    if kind is None or feedback is None:
        return
    if feedback.sender_id is None:
        _email_anonymous(event, feedback, kind)
    elif event.topic != "feedback.answered":  # the notifications app tells account holders
        _announce(event, feedback, kind)
