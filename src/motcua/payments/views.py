"""Pages and endpoints of online payment: the citizen starts a payment and comes back from the
provider; providers notify us server to server; payer and staff download the receipt; staff
record a refund. Views are thin: every change goes through ``payments.services``."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.decorators import citizen_required, staff_required
from motcua.core import audit
from motcua.core.audit import client_ip
from motcua.core.pdf import pdf_response
from motcua.dossiers import selectors as dossier_selectors

from . import services
from .models import Payment, PaymentStatus
from .providers.base import PaymentProviderError, Refused
from .providers.registry import available, enabled_ids, get_provider
from .receipts import receipt_pdf


def _citizen_dossier(request, public_id):
    dossier = dossier_selectors.dossier_for_citizen(request.user, public_id)
    if dossier is None or dossier.is_draft:
        raise Http404
    return dossier


def _payment_for(request, public_id) -> Payment:
    """A payment of a dossier the user may see: its citizen side, or staff within reach."""
    payment = Payment.objects.select_related("dossier").filter(public_id=public_id).first()
    if payment is None:
        raise Http404
    user = request.user
    if getattr(user, "is_staff_member", False):
        reachable = dossier_selectors.staff_dossier(user, payment.dossier.public_id)
    else:
        reachable = dossier_selectors.dossier_for_citizen(user, payment.dossier.public_id)
    if reachable is None:
        raise Http404
    payment.dossier = reachable
    return payment


# --- The citizen --------------------------------------------------------------------------------


@never_cache
@citizen_required
@require_POST
def start(request: HttpRequest, public_id) -> HttpResponse:
    dossier = _citizen_dossier(request, public_id)
    provider_id = request.POST.get("kenh", "")
    try:
        _payment, url = services.start_payment(
            dossier,
            actor=request.user,
            provider_id=provider_id,
            return_url=request.build_absolute_uri(reverse("payments:return", args=[provider_id])),
            notify_url=request.build_absolute_uri(reverse("payments:notify", args=[provider_id])),
            client_ip=client_ip(request) or "",
            request=request,
        )
    except services.PaymentError as error:
        messages.error(request, error.message_vi)
        return redirect("portal:dossier", public_id=dossier.public_id)
    return redirect(url)


@never_cache
@citizen_required
@require_http_methods(["GET"])
def provider_return(request: HttpRequest, provider: str) -> HttpResponse:
    """Where the provider sends the browser back. It shows what the provider said, but never
    marks anything paid: only the server-to-server notification (or our QUERY) does."""
    if provider not in available():
        raise Http404
    try:
        notice = get_provider(provider).verify_return(request.GET)
    except Refused:
        return render(request, "payments/return.html", {"forged": True}, status=400)
    payment = Payment.objects.filter(reference=notice.reference, provider=provider).first()
    if payment is None:
        raise Http404
    payment = _payment_for(request, payment.public_id)
    context = {
        "payment": payment,
        "dossier": payment.dossier,
        "bank_says_paid": notice.status == "paid",
    }
    return render(request, "payments/return.html", context)


@never_cache
@citizen_required
@require_POST
def check(request: HttpRequest, public_id) -> HttpResponse:
    """The citizen asks again: we QUERY the provider about the pending payment now."""
    payment = _payment_for(request, public_id)
    try:
        payment = services.query_payment(payment)
    except PaymentProviderError:
        messages.error(request, _("Chưa hỏi được kênh thanh toán; hệ thống sẽ tự hỏi lại sau."))
    else:
        if payment.status == PaymentStatus.PAID:
            messages.success(request, _("Đã nhận được xác nhận thanh toán."))
        elif payment.status == PaymentStatus.FAILED:
            messages.info(request, _("Giao dịch không thành công; bạn có thể thanh toán lại."))
        else:
            messages.info(request, _("Kênh thanh toán chưa xác nhận giao dịch; hãy chờ thêm."))
    return redirect("portal:dossier", public_id=payment.dossier.public_id)


# --- Providers, server to server -------------------------------------------------------------


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def notify(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's notification (callback, IPN): the only thing that marks a payment paid,
    once it is verified. Answered in the provider's own convention."""
    if provider not in available():
        raise Http404
    if request.method == "GET":
        data = request.GET
    elif request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
    else:
        data = request.POST
    outcome = services.receive_notification(
        provider,
        data,
        kind="ipn" if provider == "gateway" else "callback",
        remote_addr=client_ip(request),
    )
    return get_provider(provider).answer(outcome.outcome, outcome.reason)


# --- Receipt and refund ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET"])
def receipt(request: HttpRequest, public_id) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    payment = _payment_for(request, public_id)
    if payment.receipt_number is None:
        raise Http404
    audit.record(
        "payment_receipt_downloaded", obj=payment, request=request, code=payment.dossier.code
    )
    return pdf_response(receipt_pdf(payment), f"bien-lai-{payment.receipt_label}.pdf")


@never_cache
@staff_required()
@require_POST
def refund(request: HttpRequest, public_id) -> HttpResponse:
    payment = _payment_for(request, public_id)
    if not services.may_refund(request.user, payment):  # may see it, may not change it
        return render(request, "backoffice/forbidden.html", status=403)
    try:
        services.refund(
            payment.pk, actor=request.user, reason=request.POST.get("ly_do", ""), request=request
        )
    except services.PaymentError as error:
        messages.error(request, error.message_vi)
    else:
        messages.success(request, _("Đã ghi nhận việc hoàn tiền."))
    return redirect("backoffice:dossier", public_id=payment.dossier.public_id)


def provider_choices() -> list[tuple[str, str]]:
    known = available()
    return [(pid, known[pid].label) for pid in enabled_ids()]
