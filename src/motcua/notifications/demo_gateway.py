"""The demo SMS gateway: the gateway's side of the protocol in ``sms.py``, so that the whole
path (request, answer, refusals, outages) runs with no carrier.

It keeps each accepted message in the demo mailbox (``DemoMessage``), answers a repeated
``request_id`` with the first answer (as real gateways de-duplicate), and fails on purpose for
two reserved ranges of numbers: ``0999…`` is "no such subscriber" (code 11, permanent) and
``0998…`` is an outage (HTTP 503). Served at ``/thu-nghiem/sms/`` when ``MOTCUA_DEMO_MAILBOX``
is on (never in production).
"""

from __future__ import annotations

import hmac
import json
import uuid

import structlog
from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.accounts.contacts import MOBILE_RE

from .models import DemoMessage

log = structlog.get_logger(__name__)

NO_SUBSCRIBER_PREFIX = "0999"
OUTAGE_PREFIX = "0998"
MAX_TEXT = 640


def answer(key: str, body: object) -> tuple[int, dict]:
    """(HTTP status, JSON answer) for one request."""
    expected = getattr(settings, "MOTCUA_SMS_GATEWAY_KEY", "")
    if not expected or not hmac.compare_digest(str(key), str(expected)):
        return 401, {"code": "401", "message": "unauthorised"}
    if not isinstance(body, dict):
        return 400, {"code": "01", "message": "body must be a JSON object"}
    phone, text = str(body.get("phone") or ""), str(body.get("text") or "")
    reference = str(body.get("request_id") or "")[:64]
    if not MOBILE_RE.fullmatch(phone) or not text or len(text) > MAX_TEXT:
        return 400, {"code": "01", "message": "phone or text invalid"}
    if phone.startswith(OUTAGE_PREFIX):
        return 503, {"code": "99", "message": "temporarily unavailable"}
    if phone.startswith(NO_SUBSCRIBER_PREFIX):
        return 200, {"code": "11", "message": "no such subscriber"}
    if reference:
        earlier = DemoMessage.objects.filter(reference=reference, channel="sms").first()
        if earlier is not None:
            return 200, {"code": "00", "message_id": f"demo-{earlier.pk}", "duplicate": True}
    message = DemoMessage.objects.create(
        channel=DemoMessage.Channel.SMS,
        recipient=phone,
        body=text,
        reference=reference or uuid.uuid4().hex,
    )
    log.info("notifications.demo_sms_accepted")
    return 200, {"code": "00", "message_id": f"demo-{message.pk}"}


@csrf_exempt
@require_POST
def endpoint(request: HttpRequest) -> JsonResponse:
    if not getattr(settings, "MOTCUA_DEMO_MAILBOX", False):
        raise Http404
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    status, data = answer(key if scheme == "Bearer" else "", body)
    return JsonResponse(data, status=status)
