"""A card and e-wallet gateway in the style of the common Vietnamese ones (VNPay-like).

The citizen's browser is sent to the gateway with the order in the query string, signed by
``vnp_SecureHash``: HMAC-SHA512 with the shared secret over the ``vnp_`` parameters sorted by
name and URL-encoded (``quote_plus``), joined by ``&``. The gateway sends the browser back to
the return URL with the result, signed the same way: that page only shows the citizen what
happened. The gateway also calls our IPN URL, server to server, with the same fields: that
call alone marks a payment paid, and is answered ``{"RspCode": …, "Message": …}``. The
amount travels ×100 (``vnp_Amount``). QUERY (``querydr``) is a JSON POST whose
``vnp_SecureHash`` is HMAC-SHA512 over the values joined by ``|`` in a fixed order.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote_plus

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

VERSION = "2.1.0"
HASH_KEYS = ("vnp_SecureHash", "vnp_SecureHashType")
QUERY_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERY_REPLY_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)
#: ``vnp_TransactionStatus``: 00 paid, 01 not finished, 02 failed or cancelled, 05 refunded.
STATUS_CODES = {"00": PAID, "01": PENDING, "02": FAILED, "05": REFUNDED}
STATUS_OF = {PAID: "00", PENDING: "01", FAILED: "02", REFUNDED: "05"}
#: The gateway's convention for answering an IPN.
ANSWERS = {
    "accepted": ("00", "Confirm Success"),
    "duplicate": ("02", "Order already confirmed"),
    "unknown_reference": ("01", "Order not found"),
    "wrong_amount": ("04", "Invalid amount"),
    "bad_signature": ("97", "Invalid signature"),
}
STATEMENT_HEADER = "vnp_TmnCode,vnp_TxnRef,vnp_TransactionNo,vnp_Amount,vnp_CurrCode,vnp_BankCode,vnp_PayDate,vnp_TransactionStatus"  # noqa: E501


def canonical(params: Mapping[str, Any]) -> str:
    """The signed string: non-empty ``vnp_`` parameters but the hash, sorted, URL-encoded."""
    items = sorted(
        (k, str(v))
        for k, v in params.items()
        if k.startswith("vnp_") and k not in HASH_KEYS and str(v) != ""
    )
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in items)


def secure_hash(text: str, secret: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def signed_query(params: Mapping[str, Any], secret: str) -> str:
    text = canonical(params)
    return f"{text}&vnp_SecureHash={secure_hash(text, secret)}"


def verified(params: Mapping[str, Any], secret: str) -> bool:
    given = params.get("vnp_SecureHash")
    return isinstance(given, str) and same(given, secure_hash(canonical(params), secret))


def pipe_hash(message: Mapping[str, Any], fields: Sequence[str], secret: str) -> str:
    return secure_hash("|".join(str(message.get(name, "")) for name in fields), secret)


@register
class CardGateway(PaymentProvider):
    id = "gateway"
    label = "Cổng thanh toán thẻ, ví điện tử"

    @property
    def tmn_code(self) -> str:
        return settings.MOTCUA_PAYMENT_GATEWAY_TMN_CODE

    @property
    def secret(self) -> str:
        return settings.MOTCUA_PAYMENT_GATEWAY_SECRET

    @property
    def pay_url(self) -> str:
        # Empty: the demo gateway's page on this very site (a path, so any host serves it).
        return settings.MOTCUA_PAYMENT_GATEWAY_URL or "/thu-nghiem/thanh-toan/cong/"

    @property
    def query_url(self) -> str:
        return settings.MOTCUA_PAYMENT_GATEWAY_QUERY_URL or demo_url("cong/querydr")

    def check_config(self) -> list[str]:
        return [
            *url_problems("MOTCUA_PAYMENT_GATEWAY_URL", settings.MOTCUA_PAYMENT_GATEWAY_URL),
            *url_problems(
                "MOTCUA_PAYMENT_GATEWAY_QUERY_URL", settings.MOTCUA_PAYMENT_GATEWAY_QUERY_URL
            ),
            *secret_problems("MOTCUA_PAYMENT_GATEWAY_SECRET", self.secret),
            *([] if self.tmn_code else ["MOTCUA_PAYMENT_GATEWAY_TMN_CODE is not set."]),
        ]

    def order(self, payment, *, return_url: str, client_ip: str) -> dict[str, str]:
        return {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(payment.amount * 100),
            "vnp_CurrCode": payment.currency,
            "vnp_TxnRef": payment.reference,
            "vnp_OrderInfo": f"Nop phi ho so {payment.dossier.code}",
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": stamp(payment.created_at),
        }

    def start(self, payment, *, return_url: str, notify_url: str, client_ip: str) -> Start:
        # The IPN address is registered with the gateway, not sent with each order.
        query = signed_query(
            self.order(payment, return_url=return_url, client_ip=client_ip), self.secret
        )
        return Start(url=f"{self.pay_url}?{query}")

    def verify_notification(self, data: Mapping[str, Any]) -> Notice:
        params = {k: str(v) for k, v in data.items() if k.startswith("vnp_")}
        reference = params.get("vnp_TxnRef", "")
        if not verified(params, self.secret):
            raise Refused("bad_signature", reference=reference)
        if params.get("vnp_TmnCode") != self.tmn_code:
            raise Refused("wrong_merchant", reference=reference)
        try:
            hundredths = int(params["vnp_Amount"])
            paid_at = parse_stamp(params["vnp_PayDate"]) if params.get("vnp_PayDate") else None
        except (KeyError, ValueError):
            raise Refused("malformed", reference=reference) from None
        if hundredths % 100:
            raise Refused("wrong_amount", reference=reference)
        success = params.get("vnp_ResponseCode") == "00" and (
            params.get("vnp_TransactionStatus") == "00"
        )
        return Notice(
            reference=reference,
            status=PAID if success else FAILED,
            amount=hundredths // 100,
            currency=params.get("vnp_CurrCode", ""),
            transaction_id=params.get("vnp_TransactionNo", ""),
            bank_code=params.get("vnp_BankCode", ""),
            paid_at=paid_at,
            fields={k: v for k, v in params.items() if k not in HASH_KEYS},
        )

    def query(self, payment) -> Notice:
        message = {
            "vnp_RequestId": uuid.uuid4().hex,
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": payment.reference,
            "vnp_TransactionDate": stamp(payment.created_at),
            "vnp_CreateDate": stamp(),
            "vnp_IpAddr": "127.0.0.1",
            "vnp_OrderInfo": f"Tra cuu {payment.reference}",
        }
        message["vnp_SecureHash"] = pipe_hash(message, QUERY_FIELDS, self.secret)
        reply = post_json(self.query_url, message)
        given = str(reply.get("vnp_SecureHash", ""))
        if not same(given, pipe_hash(reply, QUERY_REPLY_FIELDS, self.secret)):
            raise PaymentProviderError("bad_signature")
        if reply.get("vnp_ResponseCode") == "91":  # the gateway never saw the order
            return Notice(reference=payment.reference, status=FAILED)
        if reply.get("vnp_ResponseCode") != "00" or reply.get("vnp_TxnRef") != payment.reference:
            raise PaymentProviderError("refused")
        try:
            return Notice(
                reference=payment.reference,
                status=STATUS_CODES.get(str(reply.get("vnp_TransactionStatus")), PENDING),
                amount=int(reply["vnp_Amount"]) // 100,
                currency="VND",
                transaction_id=str(reply.get("vnp_TransactionNo", "")),
                bank_code=str(reply.get("vnp_BankCode", "")),
                paid_at=parse_stamp(reply["vnp_PayDate"]) if reply.get("vnp_PayDate") else None,
                fields={k: str(reply.get(k, "")) for k in QUERY_REPLY_FIELDS},
            )
        except (KeyError, ValueError):
            raise PaymentProviderError("malformed") from None

    def answer(self, outcome: str, reason: str = "") -> HttpResponse:
        code, text = ANSWERS.get(reason or outcome, ("99", "Invalid request"))
        return JsonResponse({"RspCode": code, "Message": text})

    def parse_statement(self, text: str) -> list[StatementLine]:
        rows = [row for row in text.splitlines() if row.strip()]
        if not rows or rows[0].strip() != STATEMENT_HEADER:
            raise ValueError("dòng 1: tiêu đề không đúng mẫu sao kê của cổng thanh toán")
        lines = []
        for number, row in enumerate(rows[1:], start=2):
            try:
                _tmn, reference, txn, amount, currency, _bank, at, status = row.strip().split(",")
                hundredths = int(amount)
                if status not in STATUS_CODES or currency != "VND" or hundredths % 100:
                    raise ValueError
                lines.append(
                    StatementLine(
                        reference, txn, hundredths // 100, STATUS_CODES[status], parse_stamp(at)
                    )
                )
            except ValueError:
                raise ValueError(f"dòng {number}: không đọc được") from None
        return lines


def statement_row(
    tmn: str, reference: str, txn: str, amount: int, bank: str, at, status: str
) -> str:
    return ",".join(
        (tmn, reference, txn, str(amount * 100), "VND", bank, stamp(at), STATUS_OF[status])
    )
