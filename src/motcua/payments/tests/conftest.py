"""A dossier with a fee, its citizen and staff, and the demo bank reached in-process.

``bank`` routes the providers' server-to-server calls (INIT, QUERY, GET_BILL) to the demo
bank's views through Django's test client, inside the test's transaction, and keeps the
notifications the bank would send instead of sending them from a thread, so a test decides
when (and whether) each one arrives. The browser journey (tests/e2e/test_payment_journey.py)
runs the same over real HTTP between processes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.test import Client
from tests.fixtures.accounts import make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in

from motcua.catalog.models import Procedure
from motcua.dossiers import workflow
from motcua.payments.models import FeeKind, FeeSchedule, Timing
from motcua.units.models import Agency


@pytest.fixture(autouse=True)
def demo_bank_settings(settings):
    settings.MOTCUA_PAYMENT_DEMO = True
    settings.MOTCUA_ENV = "embedded"
    settings.MOTCUA_SITE_URL = "http://testserver"
    settings.MOTCUA_PAYMENT_PROVIDERS = ["national", "gateway"]
    settings.MOTCUA_PAYMENT_NATIONAL_URL = ""
    settings.MOTCUA_PAYMENT_GATEWAY_URL = ""
    settings.MOTCUA_PAYMENT_GATEWAY_QUERY_URL = ""
    settings.MOTCUA_PAYMENT_DEMO_NOTIFY_DELAY = 0.0
    settings.MOTCUA_PAYMENT_DEMO_DROP_NOTIFY = False
    settings.MOTCUA_OUTBOX_INLINE = False


@pytest.fixture
def place():
    committees = Agency.objects.filter(kind="commune_committee", code__endswith=".H36")
    here, other = committees.order_by("code")[:2]
    return {"here": here, "other": other}


@pytest.fixture
def people(place):
    return {
        "owner": make_citizen("Lê Thị Hạnh"),
        "stranger": make_citizen("Phạm Văn Khách"),
        "clerk": make_staff("clerk", place["here"].code),
        "specialist": make_staff("specialist", place["here"].code),
        "other_clerk": make_staff("clerk", place["other"].code),
    }


@pytest.fixture
def fee(db):
    procedure = Procedure.objects.get(code="1.001193")
    return FeeSchedule.objects.create(
        procedure=procedure,
        kind=FeeKind.FIXED,
        timing=Timing.BEFORE_RECEPTION,
        label="Lệ phí đăng ký khai sinh",
        amount=8000,
    )


@pytest.fixture
def dossier(fee, place, people):
    return dossier_in(workflow.NEW, here=place["here"], owner=people["owner"])


@dataclass
class Sent:
    method: str
    url: str
    payload: dict


@dataclass
class Bank:
    client: Client
    notifications: list[Sent] = field(default_factory=list)

    def deliver_all(self) -> list:
        """Let every held notification arrive at our endpoint; the responses' JSON."""
        answers = [self.deliver(sent) for sent in self.notifications]
        self.notifications.clear()
        return answers

    def deliver(self, sent: Sent) -> dict:
        path = urlsplit(sent.url).path
        if sent.method == "GET":
            response = self.client.get(path, sent.payload)
        else:
            response = self.client.post(
                path, json.dumps(sent.payload), content_type="application/json"
            )
        assert response.status_code == 200
        return response.json()


class _Reply:
    def __init__(self, response):
        self.status_code = response.status_code
        self.content = response.content

    def json(self):
        return json.loads(self.content)


@pytest.fixture
def bank(monkeypatch):
    from motcua.payments import demo
    from motcua.payments.providers import common

    bank = Bank(client=Client())

    def post(url, json=None, timeout=None, allow_redirects=False):
        import json as json_module

        response = bank.client.post(
            urlsplit(url).path, json_module.dumps(json), content_type="application/json"
        )
        return _Reply(response)

    monkeypatch.setattr(common.requests, "post", post)
    monkeypatch.setattr(
        demo,
        "deliver",
        lambda method, url, payload, delay: bank.notifications.append(
            Sent(method, url, dict(payload))
        ),
    )
    return bank
