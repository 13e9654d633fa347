"""The national payment platform's messages (DOMAIN.md §7).

INIT registers a payment and answers the URL to send the citizen to; the platform then calls
us back (server to server) with the result, and sends the browser back with the same fields.
Every message carries a check value ``sha256_hex("|".join(fields in the message's order) + "|"
+ secret)``, verified before anything changes. QUERY asks about a payment; GET_BILL returns the
platform's e-receipt PDF. Amounts are whole đồng; result code ``"00"`` is success.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from .base import (
    FAILED,
    PAID,
    PENDING,
    REFUNDED,
    Notice,
    PaymentProvider,
    PaymentProviderError,
    Refused,
    Start,
    StatementLine,
    same,
)
from .common import demo_url, parse_stamp, post_json, secret_problems, stamp, url_problems
from .registry import register

INIT_FIELDS = (
    "partnerCode",
    "reference",
    "amount",
    "currency",
    "language",
    "description",
    "returnUrl",
    "notifyUrl",
    "createdAt",
)
INIT_REPLY_FIELDS = ("resultCode", "reference", "paymentUrl")
RESULT_FIELDS = (
    "partnerCode",
    "resultCode",
    "reference",
    "amount",
    "currency",
    "transactionId",
    "bankCode",
    "paidAt",
)
QUERY_FIELDS = ("partnerCode", "reference", "requestedAt")
QUERY_REPLY_FIELDS = (
    "resultCode",
    "reference",
    "status",
    "amount",
    "currency",
    "transactionId",
    "bankCode",
    "paidAt",
)
BILL_FIELDS = ("partnerCode", "reference", "transactionId")
#: ``status`` of a QUERY reply and of a statement line.
STATUS_CODES = {"00": PAID, "01": PENDING, "02": FAILED, "03": REFUNDED}
STATUS_OF = {v: k for k, v in STATUS_CODES.items()}
#: Our answer to a callback: (resultCode, message).
ANSWERS = {
    "accepted": ("00", "Confirm success"),
    "duplicate": ("02", "Already confirmed"),
    "unknown_reference": ("01", "Reference not found"),
    "wrong_amount": ("04", "Invalid amount"),
    "wrong_currency": ("05", "Invalid currency"),
    "bad_signature": ("97", "Invalid check value"),
    "wrong_merchant": ("98", "Invalid partner code"),
}
STATEMENT_HEADER = "MaDoiTac;MaThamChieu;MaGiaoDich;SoTien;LoaiTien;TrangThai;ThoiGian"


def check_value(message: Mapping[str, Any], fields: Sequence[str], secret: str) -> str:
    """The check value of ``message`` over ``fields`` in that order."""
    text = "|".join(str(message.get(name, "")) for name in fields)
    return hashlib.sha256((text + "|" + secret).encode()).hexdigest()


def sign(message: dict[str, Any], fields: Sequence[str], secret: str) -> dict[str, Any]:
    return {**message, "checksum": check_value(message, fields, secret)}


def verified(message: Mapping[str, Any], fields: Sequence[str], secret: str) -> bool:
    given = message.get("checksum")
    return isinstance(given, str) and same(given, check_value(message, fields, secret))


@register
class NationalPlatform(PaymentProvider):
    id = "national"
    label = "Nền tảng thanh toán trên Cổng Dịch vụ công quốc gia"

    @property
    def partner_code(self) -> str:
        return settings.MOTCUA_PAYMENT_NATIONAL_PARTNER_CODE

    @property
    def secret(self) -> str:
        return settings.MOTCUA_PAYMENT_NATIONAL_SECRET

    def url(self, operation: str) -> str:
        base = settings.MOTCUA_PAYMENT_NATIONAL_URL.rstrip("/")
        return f"{base}/{operation}" if base else demo_url(f"quoc-gia/{operation}")

    def check_config(self) -> list[str]:
        return [
            *url_problems("MOTCUA_PAYMENT_NATIONAL_URL", settings.MOTCUA_PAYMENT_NATIONAL_URL),
            *secret_problems("MOTCUA_PAYMENT_NATIONAL_SECRET", self.secret),
            *([] if self.partner_code else ["MOTCUA_PAYMENT_NATIONAL_PARTNER_CODE is not set."]),
        ]

    def init_message(self, payment, *, return_url: str, notify_url: str) -> dict[str, Any]:
        message = {
            "partnerCode": self.partner_code,
            "reference": payment.reference,
            "amount": str(payment.amount),
            "currency": payment.currency,
            "language": "vi",
            "description": f"Nop phi ho so {payment.dossier.code}",
            "returnUrl": return_url,
            "notifyUrl": notify_url,
            "createdAt": stamp(payment.created_at),
        }
        message = sign(message, INIT_FIELDS, self.secret)
        # Fee lines and who pays travel with the request, outside the check value.
        message["feeLines"] = [
            {"name": line["name"], "amount": str(line["amount"])} for line in payment.lines
        ]
        message["payer"] = {"name": payment.dossier.applicant_name}
        return message

    def start(self, payment, *, return_url: str, notify_url: str, client_ip: str) -> Start:
        reply = post_json(
            self.url("init"),
            self.init_message(payment, return_url=return_url, notify_url=notify_url),
        )
        if not verified(reply, INIT_REPLY_FIELDS, self.secret):
            raise PaymentProviderError("bad_signature")
        if reply.get("resultCode") != "00" or reply.get("reference") != payment.reference:
            raise PaymentProviderError("refused")
        return Start(url=str(reply["paymentUrl"]))

    def verify_notification(self, data: Mapping[str, Any]) -> Notice:
        fields = {name: str(data.get(name, "")) for name in (*RESULT_FIELDS, "checksum")}
        if not verified(fields, RESULT_FIELDS, self.secret):
            raise Refused("bad_signature", reference=fields["reference"])
        if fields["partnerCode"] != self.partner_code:
            raise Refused("wrong_merchant", reference=fields["reference"])
        try:
            amount = int(fields["amount"])
            paid_at = parse_stamp(fields["paidAt"]) if fields["paidAt"] else None
        except ValueError:
            raise Refused("malformed", reference=fields["reference"]) from None
        code = fields["resultCode"]
        return Notice(
            reference=fields["reference"],
            status=PAID if code == "00" else FAILED,
            amount=amount,
            currency=fields["currency"],
            transaction_id=fields["transactionId"],
            bank_code=fields["bankCode"],
            paid_at=paid_at,
            fields=fields,
        )

    def query(self, payment) -> Notice:
        message = sign(
            {
                "partnerCode": self.partner_code,
                "reference": payment.reference,
                "requestedAt": stamp(),
            },
            QUERY_FIELDS,
            self.secret,
        )
        reply = post_json(self.url("query"), message)
        if not verified(reply, QUERY_REPLY_FIELDS, self.secret):
            raise PaymentProviderError("bad_signature")
        if reply.get("reference") != payment.reference:
            raise PaymentProviderError("malformed")
        if reply.get("resultCode") == "01":  # the platform never saw it: the citizen gave up
            return Notice(reference=payment.reference, status=FAILED)
        try:
            return Notice(
                reference=payment.reference,
                status=STATUS_CODES.get(str(reply.get("status")), PENDING),
                amount=int(reply["amount"]),
                currency=str(reply.get("currency", "")),
                transaction_id=str(reply.get("transactionId", "")),
                bank_code=str(reply.get("bankCode", "")),
                paid_at=parse_stamp(reply["paidAt"]) if reply.get("paidAt") else None,
                fields={k: str(reply.get(k, "")) for k in QUERY_REPLY_FIELDS},
            )
        except (KeyError, ValueError):
            raise PaymentProviderError("malformed") from None

    def get_bill(self, payment) -> bytes:
        """GET_BILL: the platform's e-receipt of a paid payment, as PDF bytes."""
        message = sign(
            {
                "partnerCode": self.partner_code,
                "reference": payment.reference,
                "transactionId": payment.transaction_id,
            },
            BILL_FIELDS,
            self.secret,
        )
        return post_json(self.url("bill"), message, expect_pdf=True)

    def answer(self, outcome: str, reason: str = "") -> HttpResponse:
        code, text = ANSWERS.get(reason or outcome, ("99", "Invalid request"))
        return JsonResponse({"resultCode": code, "message": text})

    def parse_statement(self, text: str) -> list[StatementLine]:
        rows = [row for row in text.splitlines() if row.strip()]
        if not rows or rows[0].strip() != STATEMENT_HEADER:
            raise ValueError("dòng 1: tiêu đề không đúng mẫu sao kê của Nền tảng thanh toán")
        lines = []
        for number, row in enumerate(rows[1:], start=2):
            parts = row.strip().split(";")
            try:
                _partner, reference, txn, amount, currency, status, at = parts
                if status not in STATUS_CODES or currency != "VND":
                    raise ValueError
                lines.append(
                    StatementLine(
                        reference, txn, int(amount), STATUS_CODES[status], parse_stamp(at)
                    )
                )
            except ValueError:
                raise ValueError(f"dòng {number}: không đọc được") from None
        return lines


def statement_row(partner: str, reference: str, txn: str, amount: int, status: str, at) -> str:
    return ";".join((partner, reference, txn, str(amount), "VND", STATUS_OF[status], stamp(at)))
