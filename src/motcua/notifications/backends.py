"""A Django e-mail backend for the embedded installation: messages go to the demo mailbox."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend

from .models import DemoMessage


class DemoMailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            for recipient in message.recipients():
                DemoMessage.objects.create(
                    channel=DemoMessage.Channel.EMAIL,
                    recipient=recipient,
                    subject=str(message.subject)[:255],
                    body=str(message.body),
                )
            sent += 1
        return sent
