"""Outbox handlers of events that are not a dossier's: a feedback (PAKN) answered.

``feedback.answered`` is expected with ``code`` (the feedback's code), ``recipient`` (the
public id of the account that sent it) and ``path`` (the page of the published answer).
"""

from __future__ import annotations

import uuid

from motcua.accounts.models import User
from motcua.core.outbox import handler

from .channels import Recipient, account_addresses
from .services import announce


@handler("feedback.answered")
def tell_the_sender_the_feedback_was_answered(event) -> None:
    try:
        recipient = uuid.UUID(str(event.payload.get("recipient")))
    except ValueError:
        return
    user = User.objects.filter(public_id=recipient).first()
    if user is None or not user.is_citizen:
        return
    email, phone = account_addresses(user)
    path = str(event.payload.get("path") or "")
    if not path.startswith("/"):
        path = ""
    announce(
        event.id,
        "feedback_answered",
        [Recipient(user, email=email, phone=phone)],
        {"feedback_code": str(event.payload.get("code") or "")},
        path=path,
    )
