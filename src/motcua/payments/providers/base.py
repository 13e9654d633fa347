"""What every payment provider does, and what it hands back.

A provider builds the address the citizen's browser goes to (``start``), verifies the messages
it sends back (``verify_notification`` for the server-to-server one that alone confirms a
payment, ``verify_return`` for the browser's return), asks about a payment (``query``), answers
a notification in its own convention (``answer``) and reads its daily statement
(``parse_statement``). Verification raises :class:`Refused` with a reason code; nothing about
the payer is ever part of a reason.
"""

from __future__ import annotations

import hmac
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from django.http import HttpResponse

#: What a notification or query says about a payment.
PAID, PENDING, FAILED, REFUNDED = "paid", "pending", "failed", "refunded"


class PaymentProviderError(Exception):
    """The provider could not be reached or answered something we cannot read."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


class Refused(Exception):
    """A message that must not change anything: forged, malformed, or not about our payment.

    ``reason``: ``bad_signature``, ``malformed``, ``unknown_reference``, ``wrong_amount``,
    ``wrong_currency``, ``wrong_merchant``.
    """

    def __init__(self, reason: str, *, reference: str = ""):
        self.reason = reason
        self.reference = reference
        super().__init__(reason)


@dataclass(frozen=True)
class Notice:
    """A verified statement of the provider about one payment."""

    reference: str
    status: str  # PAID, PENDING, FAILED
    amount: int | None = None
    currency: str = ""
    transaction_id: str = ""
    bank_code: str = ""
    paid_at: datetime | None = None
    #: The protocol fields as received (kept on the message record; no personal data).
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StatementLine:
    reference: str
    transaction_id: str
    amount: int
    status: str  # PAID, REFUNDED, FAILED
    at: datetime | None = None


@dataclass(frozen=True)
class Start:
    """Where to send the browser, and what to keep of the provider's answer."""

    url: str


def same(a: str, b: str) -> bool:
    """Compare two signatures in constant time, case-insensitively (hex)."""
    return hmac.compare_digest(a.lower().encode(), b.lower().encode())


class PaymentProvider(ABC):
    id: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def start(self, payment, *, return_url: str, notify_url: str, client_ip: str) -> Start:
        """Register the payment with the provider and the URL the citizen pays at."""

    @abstractmethod
    def verify_notification(self, data: Mapping[str, str]) -> Notice:
        """The server-to-server notification, verified (signature); raises :class:`Refused`."""

    def verify_return(self, data: Mapping[str, str]) -> Notice:
        """The browser's return, verified the same way; it is shown, never acted upon."""
        return self.verify_notification(data)

    @abstractmethod
    def query(self, payment) -> Notice:
        """Ask the provider about ``payment``; raises :class:`PaymentProviderError`."""

    @abstractmethod
    def answer(self, outcome: str, reason: str = "") -> HttpResponse:
        """The reply to a notification: accepted, duplicate or rejected (with reason)."""

    @abstractmethod
    def parse_statement(self, text: str) -> list[StatementLine]:
        """The lines of a daily statement file; raises ``ValueError`` naming the bad line."""

    @abstractmethod
    def check_config(self) -> list[str]:
        """Problems with the configuration; empty when all is well."""
