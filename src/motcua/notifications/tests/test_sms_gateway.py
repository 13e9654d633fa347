"""SMS through the HTTP gateway protocol: the demo gateway receives the request over real HTTP
and answers as a carrier's would, refusals and outages included."""

from __future__ import annotations

import json

import pytest

from motcua.dossiers import processing, workflow
from motcua.notifications.models import DemoMessage, Message
from motcua.notifications.sms import GATEWAYS

pytestmark = pytest.mark.django_db


def test_the_http_gateway_hands_the_sms_to_the_demo_gateway_over_http(
    make_dossier, citizen, staff, deliver, demo_sms_server
):
    dossier = make_dossier(workflow.NEW)
    processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    (request,) = demo_sms_server.requests
    assert request["headers"]["Authorization"] == "Bearer demo-sms-key"
    body = request["body"]
    assert body["phone"] == "0912345678"
    assert body["sender"] == "MOTCUA"
    assert dossier.code in body["text"]
    assert "da duoc tiep nhan" in body["text"]
    kept = DemoMessage.objects.get(channel="sms")
    assert (kept.recipient, kept.reference) == ("0912345678", body["request_id"])
    sms = Message.objects.get(user=citizen, channel="sms")
    assert (sms.state, sms.provider_ref) == ("sent", f"demo-{kept.pk}")


@pytest.mark.parametrize(
    ("phone", "error", "retried"),
    [("0998123456", "gateway_503", True), ("0999123456", "refused_11", False)],
    ids=["outage", "no-such-subscriber"],
)
def test_a_gateway_outage_is_tried_again_and_an_unknown_subscriber_is_not(
    make_dossier, citizen, staff, deliver, demo_sms_server, phone, error, retried
):
    citizen.phone = phone
    citizen.save()
    dossier = make_dossier(workflow.NEW)
    processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    sms = Message.objects.get(user=citizen, channel="sms")
    assert (sms.state, sms.last_error) == ("failed", error)
    assert (sms.next_attempt_at is not None) == retried
    assert Message.objects.get(user=citizen, channel="email").state == "sent"
    assert not DemoMessage.objects.exists()


def test_an_unreachable_gateway_is_a_failure_to_try_again(
    make_dossier, citizen, staff, deliver, settings
):
    settings.MOTCUA_SMS_GATEWAY = "http"
    settings.MOTCUA_SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    settings.MOTCUA_SMS_GATEWAY_TIMEOUT = 2.0
    dossier = make_dossier(workflow.NEW)
    processing.accept(dossier.public_id, actor=staff["clerk"])
    deliver()
    sms = Message.objects.get(user=citizen, channel="sms")
    assert (sms.state, sms.last_error) == ("failed", "connection")
    assert sms.next_attempt_at is not None


def _post(client, body, key="demo-sms-key"):
    return client.post(
        "/thu-nghiem/sms/",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_the_demo_gateway_page_checks_the_key_and_answers_a_repeat_once(client, settings):
    settings.MOTCUA_DEMO_MAILBOX = True
    body = {"request_id": "abc123", "phone": "0912345678", "text": "Thu nghiem", "sender": "X"}
    assert _post(client, body, key="sai").status_code == 401
    assert _post(client, {**body, "phone": "12345"}).status_code == 400
    first = _post(client, body).json()
    again = _post(client, body).json()
    assert first["code"] == again["code"] == "00"
    assert first["message_id"] == again["message_id"]
    assert DemoMessage.objects.filter(channel="sms").count() == 1
    settings.MOTCUA_DEMO_MAILBOX = False
    assert _post(client, body).status_code == 404


def test_the_http_gateway_without_an_address_is_a_configuration_problem(settings):
    settings.MOTCUA_SMS_GATEWAY = "http"
    settings.MOTCUA_SMS_GATEWAY_URL = ""
    settings.MOTCUA_DEMO_MAILBOX = False
    assert any("MOTCUA_SMS_GATEWAY_URL" in p for p in GATEWAYS.check_config())
    settings.MOTCUA_DEMO_MAILBOX = True
    assert GATEWAYS.check_config() == []


def test_production_refuses_the_demo_sms_gateway_and_its_key(settings):
    from motcua.notifications.apps import check_channels_config

    settings.MOTCUA_ENV = "production"
    settings.MOTCUA_SMS_GATEWAY = "demo"
    assert "motcua.notifications.E001" in {m.id for m in check_channels_config()}
    settings.MOTCUA_SMS_GATEWAY = "http"
    settings.MOTCUA_SMS_GATEWAY_URL = "https://sms.example.vn/send"
    assert {m.id for m in check_channels_config()} == {"motcua.notifications.E002"}
    settings.MOTCUA_SMS_GATEWAY_KEY = "a-real-key"
    assert check_channels_config() == []
