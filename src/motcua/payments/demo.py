"""The demo bank: pages and endpoints that play the national payment platform and the card
gateway, speaking their protocols exactly (``providers.national``, ``providers.gateway``), so
the whole payment runs end to end with no outside service. For the embedded installation and
tests only: ``MOTCUA_PAYMENT_DEMO`` turns them on, and a system check refuses it in production.

The citizen sees the amount and presses "Thanh toán" or "Huỷ". The bank then sends the
browser back to the return URL and, in a background thread, sends the signed
server-to-server notification over HTTP to our notification endpoint, after
``MOTCUA_PAYMENT_DEMO_NOTIFY_DELAY`` seconds or never (``MOTCUA_PAYMENT_DEMO_DROP_NOTIFY``);
the page also offers both choices, so the delayed and the lost notification can be played.
The bank keeps its own ledger (``DemoTransaction``), which its QUERY endpoint and its daily
statement read.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from datetime import date
from functools import wraps
from urllib.parse import urlencode

import requests
import structlog
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.pdf import Field, Signature, Slip, format_datetime_vi, format_money, render_slip

from .models import DemoTransaction
from .providers import gateway, national
from .providers.base import FAILED, PAID, PENDING, REFUNDED
from .providers.common import stamp
from .reconciliation import day_bounds

log = structlog.get_logger(__name__)

#: The ledger's words and the protocols' statuses.
LEDGER_STATUS = {"paid": PAID, "cancelled": FAILED, "refunded": REFUNDED, "open": PENDING}


def demo_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.MOTCUA_PAYMENT_DEMO or settings.MOTCUA_ENV == "production":
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _json(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _transaction_no() -> str:
    return str(10_000_000 + secrets.randbelow(89_999_999))


# --- Sending the notification ----------------------------------------------------------------


def deliver(method: str, url: str, payload: dict, delay: float) -> None:
    """Send the server-to-server notification from a background thread after ``delay``."""

    def send() -> None:
        if delay > 0:
            time.sleep(delay)
        try:
            if method == "GET":
                requests.get(url, params=payload, timeout=10)
            else:
                requests.post(url, json=payload, timeout=10)
        except requests.RequestException as error:
            log.warning("payments.demo_notify_failed", error=type(error).__name__)

    threading.Thread(target=send, daemon=True).start()


def _notify_choice(request) -> float | None:
    """Seconds to wait before notifying, or None to drop the notification."""
    choice = request.POST.get("thong_bao", "")
    if choice == "drop" or (not choice and settings.MOTCUA_PAYMENT_DEMO_DROP_NOTIFY):
        return None
    if choice.startswith("delay-"):
        try:
            return float(choice.removeprefix("delay-"))
        except ValueError:
            return None
    return float(settings.MOTCUA_PAYMENT_DEMO_NOTIFY_DELAY) if not choice else 0.0


def _page(request, *, amount: int, reference: str, provider_label: str, hidden: dict, status=200):
    return render(
        request,
        "payments/demo_bank.html",
        {
            "amount": format_money(amount),
            "reference": reference,
            "hidden": hidden,
            "provider_label": provider_label,
            "default_delay": settings.MOTCUA_PAYMENT_DEMO_NOTIFY_DELAY,
            "drop": settings.MOTCUA_PAYMENT_DEMO_DROP_NOTIFY,
        },
        status=status,
    )


def _refused(request, message: str) -> HttpResponse:
    return render(request, "payments/demo_refused.html", {"message": message}, status=400)


# --- The national payment platform -----------------------------------------------------------


@csrf_exempt
@demo_only
@require_POST
def national_init(request):
    message = _json(request)
    secret = settings.MOTCUA_PAYMENT_NATIONAL_SECRET
    reference = str(message.get("reference", ""))

    def reply(code: str, url: str = "") -> JsonResponse:
        body = {"resultCode": code, "reference": reference, "paymentUrl": url}
        return JsonResponse(national.sign(body, national.INIT_REPLY_FIELDS, secret))

    if not national.verified(message, national.INIT_FIELDS, secret):
        return reply("97")
    try:
        amount = int(message["amount"])
    except (KeyError, ValueError):
        return reply("99")
    known = DemoTransaction.objects.filter(provider="national", reference=reference).first()
    if known is None:
        DemoTransaction.objects.create(
            provider="national",
            reference=reference,
            transaction_id=_transaction_no(),
            amount=amount,
            currency=str(message.get("currency", "")),
            status="open",
            bank_code="VCB",
            at=timezone.now(),
            notify_url=str(message.get("notifyUrl", "")),
            return_url=str(message.get("returnUrl", "")),
        )
    elif known.status != "open":
        return reply("02")
    url = request.build_absolute_uri(reverse("payments_demo:national_pay"))
    return reply("00", f"{url}?{urlencode({'ref': reference})}")


@demo_only
@require_http_methods(["GET", "POST"])
def national_pay(request):
    reference = (request.GET.get("ref") or request.POST.get("ref") or "")[:64]
    order = DemoTransaction.objects.filter(provider="national", reference=reference).first()
    if order is None or order.status != "open":
        return _refused(request, _("Không tìm thấy giao dịch đang chờ thanh toán."))
    if request.method == "GET":
        return _page(
            request,
            amount=order.amount,
            reference=reference,
            provider_label=national.NationalPlatform.label,
            hidden={"ref": reference},
        )
    paid = request.POST.get("quyet_dinh") == "pay"
    order.status = "paid" if paid else "cancelled"
    order.at = timezone.now()
    order.save()
    result = national.sign(
        {
            "partnerCode": settings.MOTCUA_PAYMENT_NATIONAL_PARTNER_CODE,
            "resultCode": "00" if paid else "24",
            "reference": reference,
            "amount": str(order.amount),
            "currency": order.currency,
            "transactionId": order.transaction_id if paid else "",
            "bankCode": order.bank_code,
            "paidAt": stamp(order.at) if paid else "",
        },
        national.RESULT_FIELDS,
        settings.MOTCUA_PAYMENT_NATIONAL_SECRET,
    )
    delay = _notify_choice(request)
    if delay is not None and order.notify_url:
        deliver("POST", order.notify_url, result, delay)
    return redirect(f"{order.return_url}?{urlencode(result)}")


def _national_reply(request, fields, *, order=None, code="00") -> JsonResponse:
    body = {"resultCode": code, "reference": fields.get("reference", "")}
    if order is not None:
        body.update(
            status=national.STATUS_OF[LEDGER_STATUS[order.status]],
            amount=str(order.amount),
            currency=order.currency,
            transactionId=order.transaction_id,
            bankCode=order.bank_code,
            paidAt=stamp(order.at) if order.status == "paid" else "",
        )
    return JsonResponse(
        national.sign(body, national.QUERY_REPLY_FIELDS, settings.MOTCUA_PAYMENT_NATIONAL_SECRET)
    )


@csrf_exempt
@demo_only
@require_POST
def national_query(request):
    message = _json(request)
    if not national.verified(
        message, national.QUERY_FIELDS, settings.MOTCUA_PAYMENT_NATIONAL_SECRET
    ):
        return _national_reply(request, message, code="97")
    order = DemoTransaction.objects.filter(
        provider="national", reference=str(message.get("reference", ""))
    ).first()
    if order is None:
        return _national_reply(request, message, code="01")
    return _national_reply(request, message, order=order)


@csrf_exempt
@demo_only
@require_POST
def national_bill(request):
    message = _json(request)
    if not national.verified(
        message, national.BILL_FIELDS, settings.MOTCUA_PAYMENT_NATIONAL_SECRET
    ):
        return HttpResponseBadRequest("invalid check value")
    order = DemoTransaction.objects.filter(
        provider="national",
        reference=str(message.get("reference", "")),
        status="paid",
        transaction_id=str(message.get("transactionId", "")),
    ).first()
    if order is None:
        raise Http404
    slip = Slip(
        agency=national.NationalPlatform.label,
        title=_("Biên lai điện tử"),
        subtitle=_("(Nền tảng thanh toán thử nghiệm, không có giá trị pháp lý)"),
        body=[
            Field(_("Mã tham chiếu"), order.reference),
            Field(_("Mã giao dịch"), order.transaction_id),
            Field(_("Số tiền"), format_money(order.amount)),
            Field(_("Thanh toán lúc"), format_datetime_vi(order.at)),
        ],
        signatures=(Signature(title=_("Nền tảng thanh toán"), name="motcua", note=""),),
    )
    return HttpResponse(render_slip(slip), content_type="application/pdf")


# --- The card gateway ------------------------------------------------------------------------


@demo_only
@require_http_methods(["GET", "POST"])
def gateway_pay(request):
    data = request.GET if request.method == "GET" else request.POST
    params = {k: v for k, v in data.items() if k.startswith("vnp_")}
    secret = settings.MOTCUA_PAYMENT_GATEWAY_SECRET
    if not gateway.verified(params, secret) or params.get("vnp_TmnCode") != (
        settings.MOTCUA_PAYMENT_GATEWAY_TMN_CODE
    ):
        return _refused(request, _("Chữ ký của yêu cầu thanh toán không hợp lệ."))
    reference = params.get("vnp_TxnRef", "")
    try:
        amount = int(params["vnp_Amount"]) // 100
    except (KeyError, ValueError):
        return _refused(request, _("Số tiền không hợp lệ."))
    known = DemoTransaction.objects.filter(provider="gateway", reference=reference).first()
    if known is not None:
        return _refused(request, _("Giao dịch này đã được xử lý."))
    if request.method == "GET":
        return _page(
            request,
            amount=amount,
            reference=reference,
            provider_label=gateway.CardGateway.label,
            hidden=params,
        )
    paid = request.POST.get("quyet_dinh") == "pay"
    order = DemoTransaction.objects.create(
        provider="gateway",
        reference=reference,
        transaction_id=_transaction_no(),
        amount=amount,
        currency=params.get("vnp_CurrCode", ""),
        status="paid" if paid else "cancelled",
        bank_code="NCB",
        at=timezone.now(),
        notify_url=request.build_absolute_uri(reverse("payments:notify", args=["gateway"])),
        return_url=params.get("vnp_ReturnUrl", ""),
    )
    result = {
        "vnp_TmnCode": params["vnp_TmnCode"],
        "vnp_Amount": params["vnp_Amount"],
        "vnp_CurrCode": order.currency,
        "vnp_TxnRef": reference,
        "vnp_BankCode": order.bank_code,
        "vnp_OrderInfo": params.get("vnp_OrderInfo", ""),
        "vnp_PayDate": stamp(order.at),
        "vnp_ResponseCode": "00" if paid else "24",
        "vnp_TransactionStatus": "00" if paid else "02",
        "vnp_TransactionNo": order.transaction_id if paid else "0",
    }
    result["vnp_SecureHash"] = gateway.secure_hash(gateway.canonical(result), secret)
    delay = _notify_choice(request)
    if delay is not None:
        deliver("GET", order.notify_url, result, delay)
    return redirect(f"{order.return_url}?{urlencode(result)}")


@csrf_exempt
@demo_only
@require_POST
def gateway_query(request):
    message = _json(request)
    secret = settings.MOTCUA_PAYMENT_GATEWAY_SECRET
    reply = {
        "vnp_ResponseId": secrets.token_hex(8),
        "vnp_Command": "querydr",
        "vnp_TmnCode": settings.MOTCUA_PAYMENT_GATEWAY_TMN_CODE,
        "vnp_TxnRef": str(message.get("vnp_TxnRef", "")),
    }
    given = str(message.get("vnp_SecureHash", ""))
    order = DemoTransaction.objects.filter(
        provider="gateway", reference=reply["vnp_TxnRef"]
    ).first()
    if given != gateway.pipe_hash(message, gateway.QUERY_FIELDS, secret):
        reply.update(vnp_ResponseCode="97", vnp_Message="Invalid signature")
    elif order is None:
        reply.update(vnp_ResponseCode="91", vnp_Message="Transaction not found")
    else:
        reply.update(
            vnp_ResponseCode="00",
            vnp_Message="QueryDR Success",
            vnp_Amount=str(order.amount * 100),
            vnp_BankCode=order.bank_code,
            vnp_PayDate=stamp(order.at),
            vnp_TransactionNo=order.transaction_id,
            vnp_TransactionStatus=gateway.STATUS_OF[LEDGER_STATUS[order.status]],
            vnp_OrderInfo="",
        )
    reply["vnp_SecureHash"] = gateway.pipe_hash(reply, gateway.QUERY_REPLY_FIELDS, secret)
    return JsonResponse(reply)


# --- Daily statements ------------------------------------------------------------------------


def statement(provider_id: str, day: date) -> str:
    """The demo bank's statement of ``day`` for one provider, in that provider's format."""
    start, end = day_bounds(day)
    orders = DemoTransaction.objects.filter(
        provider=provider_id, at__gte=start, at__lt=end, status__in=("paid", "refunded")
    ).order_by("at")
    if provider_id == "national":
        partner = settings.MOTCUA_PAYMENT_NATIONAL_PARTNER_CODE
        rows = [national.STATEMENT_HEADER] + [
            national.statement_row(
                partner, o.reference, o.transaction_id, o.amount, LEDGER_STATUS[o.status], o.at
            )
            for o in orders
        ]
    else:
        tmn = settings.MOTCUA_PAYMENT_GATEWAY_TMN_CODE
        rows = [gateway.STATEMENT_HEADER] + [
            gateway.statement_row(
                tmn,
                o.reference,
                o.transaction_id,
                o.amount,
                o.bank_code,
                o.at,
                LEDGER_STATUS[o.status],
            )
            for o in orders
        ]
    return "\n".join(rows) + "\n"


@demo_only
@require_http_methods(["GET"])
def statement_file(request, provider: str, day: str):
    if provider not in ("national", "gateway"):
        raise Http404
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    response = HttpResponse(statement(provider, when), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sao-ke-{provider}-{day}.csv"'
    return response
