"""Contacts of a local account: an e-mail address or a Vietnamese mobile number, as typed.

``parse_contact("0912 345 678")`` → ``Contact("phone", "0912345678")``; ``"+84 912345678"`` is
the same number. Mobile numbers have had 10 digits since the 2018 renumbering (prefixes 03, 05,
07, 08, 09); a landline cannot receive a code by SMS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"0[35789][0-9]{8}")
_PHONE_PUNCTUATION = re.compile(r"[\s.\-()]")

EMAIL = "email"
PHONE = "phone"


@dataclass(frozen=True)
class Contact:
    kind: str  # EMAIL or PHONE
    value: str

    @property
    def channel(self) -> str:
        """The one-time code channel that reaches this contact."""
        return "email" if self.kind == EMAIL else "sms"

    @property
    def masked(self) -> str:
        return mask(self.value)

    def __repr__(self) -> str:  # contacts are personal data: keep them out of logs
        return f"Contact({self.kind}, {mask(self.value)})"


def normalise_phone(value: str) -> str | None:
    """A mobile number as 10 digits starting with 0, or None when it is not one."""
    text = _PHONE_PUNCTUATION.sub("", value or "")
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) == 11:
        text = "0" + text[2:]
    return text if MOBILE_RE.fullmatch(text) else None


def normalise_email(value: str) -> str | None:
    text = (value or "").strip()
    try:
        validate_email(text)
    except ValidationError:
        return None
    return text.lower()


def parse_contact(value: str) -> Contact:
    """The contact typed in a login or registration form; ValidationError in Vietnamese."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(
            _("Hãy nhập số điện thoại di động hoặc địa chỉ e-mail."), code="required"
        )
    if "@" in text:
        email = normalise_email(text)
        if email is None:
            raise ValidationError(
                _("Địa chỉ e-mail chưa đúng (ví dụ: ten@example.vn)."), code="email"
            )
        return Contact(EMAIL, email)
    phone = normalise_phone(text)
    if phone is None:
        raise ValidationError(
            _(
                "Số điện thoại di động phải có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09 "
                "(ví dụ 0912 345 678)."
            ),
            code="phone",
        )
    return Contact(PHONE, phone)


def mask(value: str) -> str:
    """``nguyen.van.a@gmail.com`` → ``ng•••@gmail.com``; ``0912345678`` → ``09••••••78``."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:2]}•••@{domain}"
    if len(value) >= 4:
        return value[:2] + "•" * (len(value) - 4) + value[-2:]
    return "•" * len(value)
