"""A smoke journey through the production topology on one machine (scripts/prod-local): the
load-balanced web processes, two Celery workers and beat on RabbitMQ, PostgreSQL, the S3 object
store and the demo national portal, each its own process.

A client system files a dossier with a document through the API; the file lands in the object
store, the workers deliver the signed webhook and the national-portal sync, and the health
check and metrics see every dependency."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
import requests

from tests.fixtures.api import birth_registration, provision_client

BASE = os.environ.get("PROD_LOCAL_URL", "")
PORTAL = f"http://127.0.0.1:{os.environ.get('PORTAL_PORT', '8102')}"
S3 = os.environ.get("MOTCUA_S3_ENDPOINT_URL", "")


def _wait(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except requests.RequestException:
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def web():
    _wait(lambda: requests.get(f"{BASE}/healthz", timeout=5).ok, 120, "the web processes")
    return BASE


@pytest.fixture(scope="module")
def credentials(web):
    return provision_client()


class Receiver:
    """The client system's webhook endpoint."""

    def __init__(self):
        self.calls: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/motcua"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_the_health_check_sees_every_dependency(web):
    health = requests.get(f"{web}/healthz", timeout=10).json()
    assert health == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "storage": "ok",
        "outbox": "ok",
    }


def test_public_pages_and_the_catalogue_answer_from_several_web_processes(web):
    for _ in range(12):
        response = requests.get(f"{web}/api/v1/procedures/", params={"q": "khai sinh"}, timeout=10)
        assert response.status_code == 200
        assert response.json()["count"] > 0
    home = requests.get(f"{web}/", timeout=10)
    assert home.status_code == 200
    assert "dịch vụ công" in home.text.lower()


def test_a_dossier_filed_through_the_api_reaches_storage_webhook_and_national_portal(
    web, credentials
):
    api = requests.Session()
    api.headers["X-API-Key"] = credentials["key"]
    receiver = Receiver()
    made = api.post(
        f"{web}/api/v1/webhooks", json={"target_url": receiver.url, "topics": ["*"]}, timeout=10
    )
    assert made.status_code == 201, made.text
    secret = made.json()["secret"]

    body = birth_registration(credentials["province"], credentials["commune"])
    key = f"smoke-{uuid.uuid4()}"
    first = api.post(f"{web}/api/v1/dossiers", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    code = first.json()["code"]
    again = api.post(f"{web}/api/v1/dossiers", json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 200
    assert again.json()["code"] == code

    status = api.get(f"{web}/api/v1/dossiers/{code}", timeout=10).json()
    assert status["status"] == 1

    # The document is in the object store, not on the web machine's disk.
    s3 = boto3.client(
        "s3", endpoint_url=S3, region_name="us-east-1",
        aws_access_key_id="prodlocal", aws_secret_access_key="prodlocal",
    )  # fmt: skip
    objects = s3.list_objects_v2(Bucket=os.environ["MOTCUA_S3_BUCKET"]).get("KeyCount", 0)
    assert objects >= 1

    # The workers deliver: the signed webhook, and the dossier at the national portal.
    headers, raw = _wait(lambda: next(iter(receiver.calls), None), 60, "the webhook")
    event = json.loads(raw)
    assert code in raw.decode()
    sent = {k.lower(): v for k, v in headers.items()}
    timestamp = sent["motcua-timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256)
    assert sent["motcua-signature"] == f"v1={expected.hexdigest()}"
    assert event["dossier"]["code"] == code

    _wait(
        lambda: code in requests.get(f"{PORTAL}/_admin/state", timeout=5).text,
        60,
        "the national portal sync",
    )

    metrics = requests.get(f"{web}/metrics", timeout=10).text
    assert "motcua_celery_queue_depth" in metrics
    assert "motcua_outbox_delivered_last_minute" in metrics
