"""Fixtures of the notification tests: a citizen with verified contacts, their dossier at a
commune, the staff who process it, a real SMTP listener, and the demo SMS gateway served over
real HTTP."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connections
from django.utils import timezone
from tests.fixtures.accounts import make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in
from tests.fixtures.smtp import smtp_server  # noqa: F401

from motcua.core import outbox
from motcua.dossiers import workflow
from motcua.units.models import Agency


@pytest.fixture
def here():
    return Agency.objects.filter(kind="commune_committee", code__endswith=".H36").order_by("code")[
        0
    ]


@pytest.fixture
def citizen():
    user = make_citizen("Lê Thị Hạnh")
    user.email, user.email_verified_at = "hanh@example.vn", timezone.now()
    user.phone, user.phone_verified_at = "0912345678", timezone.now()
    user.save()
    return user


@pytest.fixture
def staff(here):
    return {
        "clerk": make_staff("clerk", here.code),
        "specialist": make_staff("specialist", here.code),
        "leader": make_staff("leader", here.code),
        "admin": make_staff("system_admin", None),
    }


@pytest.fixture
def make_dossier(here, citizen, staff):
    def make(state=workflow.NEW, **fields):
        return dossier_in(state, here=here, owner=citizen, specialist=staff["specialist"], **fields)

    return make


@pytest.fixture
def smtp(settings, smtp_server):  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_TIMEOUT = 5
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    return settings


@pytest.fixture
def deliver():
    """Run the outbox as the workers do: every subscriber on every pending event."""
    return outbox.dispatch_pending


@pytest.fixture
def demo_sms_server(settings):
    """The demo SMS gateway (``demo_gateway.answer``) behind a real HTTP server on a local
    port, writing through the test's database connection (so the test sees what it kept and
    everything is rolled back after it). Returns the URL; ``requests`` lists what arrived."""
    from motcua.notifications import demo_gateway

    connection = connections["default"]
    connection.inc_thread_sharing()
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            connections["default"] = connection
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                data = json.loads(body or b"null")
            except ValueError:
                data = None
            received.append({"headers": dict(self.headers), "body": data})
            scheme, _, key = (self.headers.get("Authorization") or "").partition(" ")
            status, answer = demo_gateway.answer(key if scheme == "Bearer" else "", data)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MOTCUA_SMS_GATEWAY = "http"
    settings.MOTCUA_SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.MOTCUA_SMS_GATEWAY_TIMEOUT = 5.0

    class Gateway:
        url = settings.MOTCUA_SMS_GATEWAY_URL
        requests = received

    try:
        yield Gateway
    finally:
        server.shutdown()
        server.server_close()
        connection.dec_thread_sharing()
