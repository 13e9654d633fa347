"""Messages leave through a real SMTP server and the SMS gateway plugin."""

from __future__ import annotations

import re

import pytest
from tests.fixtures.smtp import smtp_server  # noqa: F401

from motcua.accounts.models import User
from motcua.notifications.delivery import DeliveryError, send_email, send_sms
from motcua.notifications.models import DemoMessage
from motcua.notifications.sms import GATEWAYS

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings, smtp_server):  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_TIMEOUT = 5
    smtp_server.clear()
    return smtp_server


def test_a_registration_code_arrives_over_smtp_in_vietnamese(client, smtp):
    client.post(
        "/tai-khoan/dang-ky/",
        {
            "contact": "nguoi.dan@example.vn",
            "full_name": "Ngô Thị Hồng",
            "password1": "Dang-ky-motcua-2026",
            "password2": "Dang-ky-motcua-2026",
            "consent": "on",
        },
    )
    (message,) = smtp.wait_for(1)
    assert message["To"] == "nguoi.dan@example.vn"
    assert "Mã xác minh tài khoản" in message["Subject"]
    body = smtp.body(message)
    code = re.search(r"\b(\d{6})\b", body).group(1)
    assert "Không đưa mã này cho bất kỳ ai" in body
    client.post("/tai-khoan/dang-ky/ma/", {"code": code})
    assert User.objects.get(email="nguoi.dan@example.vn").is_active


def test_an_smtp_server_that_is_down_gives_a_clear_error_and_keeps_the_form(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(DeliveryError):
        send_email("ai.do@example.vn", "Thử", "Nội dung")
    response = client.post(
        "/tai-khoan/dang-ky/",
        {
            "contact": "ai.do@example.vn",
            "full_name": "Ai Đó",
            "password1": "Dang-ky-motcua-2026",
            "password2": "Dang-ky-motcua-2026",
            "consent": "on",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chưa gửi được mã" in html
    assert 'value="ai.do@example.vn"' in html


def test_the_demo_sms_gateway_keeps_messages_for_the_demo_mailbox(client, settings):
    send_sms("0912345678", "Mã của bạn là 123456.")
    message = DemoMessage.objects.get()
    assert (message.channel, message.recipient) == ("sms", "0912345678")
    settings.MOTCUA_DEMO_MAILBOX = True
    page = client.get("/thu-nghiem/hop-thu/").content.decode()
    assert "Mã của bạn là 123456." in page
    settings.MOTCUA_DEMO_MAILBOX = False
    assert client.get("/thu-nghiem/hop-thu/").status_code == 404


def test_an_unknown_sms_gateway_is_a_configuration_problem(settings):
    settings.MOTCUA_SMS_GATEWAY = "nha-mang-x"
    assert GATEWAYS.check_config()
    with pytest.raises(DeliveryError):
        send_sms("0912345678", "x")
