"""Fixtures: the demo national portal running as a real HTTP server in a thread, the sync
pointed at it, dossiers filed at the desk through the real service, and the outbox driven by
hand (time moved by making the waiting deliveries due)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.fixtures.accounts import make_citizen, make_staff

from motcua.core import outbox
from motcua.core.models import Delivery, OutboxSubscriber
from motcua.integrations.portal import plugins
from motcua.integrations.portal.handlers import SUBSCRIBER
from motcua.integrations.portal.receiver import DemoPortal, Fault, Receiver

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
#: Seconds the sync waits for an answer in the tests (a ``timeout`` fault waits longer).
TIMEOUT = 0.5


class Portal:
    """The running demo portal and what the tests do with it."""

    def __init__(self, server: DemoPortal):
        self.server = server
        self.receiver = server.receiver

    @property
    def url(self) -> str:
        return self.server.base_url

    def fail(self, mode: str, **options) -> None:
        self.receiver.add_fault(Fault.from_dict({"mode": mode, **options}))

    def heal(self) -> None:
        self.receiver.heal()

    def state(self) -> dict:
        return self.receiver.store.state()

    def dossier(self, code: str) -> dict | None:
        return self.receiver.store.dossier(code)

    def progress(self, code: str) -> list[str]:
        """The statuses of the dossier's progress entries, in the order they arrived."""
        return [p["TrangThai"] for p in self.state()["progress"] if p["MaHoSo"] == code]

    def arrivals(self, code: str, service: str = "DongBoHoSoMC") -> list[str]:
        return [
            a["outcome"]
            for a in self.state()["arrivals"]
            if a["code"] == code and a["service"] == service
        ]


@pytest.fixture
def portal(settings):
    server = DemoPortal(Receiver(token_ttl=3600)).start()
    settings.MOTCUA_PORTAL_SYNC = "demo"
    settings.MOTCUA_PORTAL_SYNC_URL = server.base_url + "/api"
    settings.MOTCUA_PORTAL_SYNC_TOKEN_URL = server.base_url + "/oauth/token"
    settings.MOTCUA_PORTAL_SYNC_CLIENT_ID = "motcua-demo"
    settings.MOTCUA_PORTAL_SYNC_CLIENT_SECRET = "motcua-demo-secret"
    settings.MOTCUA_PORTAL_SYNC_TIMEOUT = TIMEOUT
    plugins.forget_tokens()
    yield Portal(server)
    server.stop()
    plugins.forget_tokens()


def make_due() -> None:
    """Time passes: every waiting delivery is due and no subscriber is paused any more."""
    past = timezone.now() - timedelta(seconds=1)
    Delivery.objects.filter(delivered_at__isnull=True).update(available_at=past)
    OutboxSubscriber.objects.update(paused_until=None)


def dispatch() -> int:
    return outbox.dispatch_pending()


def pending_pushes() -> int:
    return Delivery.objects.filter(subscriber=SUBSCRIBER, delivered_at__isnull=True).count()


def drain(rounds: int = 10) -> int:
    """Dispatch, letting time pass between rounds, until no push is pending; the rounds used."""
    for used in range(1, rounds + 1):
        dispatch()
        if not pending_pushes():
            return used
        make_due()
    raise AssertionError(f"{pending_pushes()} pushes still pending after {rounds} rounds")


@pytest.fixture
def office():
    """A commune's desk with its clerk, specialist and leader, and a citizen."""
    from motcua.forms.bundled import install_bundled_forms
    from motcua.units.models import Agency

    install_bundled_forms()
    here = Agency.objects.filter(code__endswith=".H36", kind="commune_committee").first()
    return {
        "agency": here,
        "clerk": make_staff("clerk", here.code),
        "specialist": make_staff("specialist", here.code),
        "leader": make_staff("leader", here.code),
        "admin": make_staff("system_admin", None),
        "citizen": make_citizen("Đoàn Văn Lực"),
    }


def file_at_desk(office, **applicant):
    """A paper dossier filed at the desk for the citizen (the real write path)."""
    from motcua.catalog.models import Procedure
    from motcua.dossiers import services

    citizen = office["citizen"]
    return services.file_at_desk(
        clerk=office["clerk"],
        procedure=Procedure.objects.get(code="1.001193"),
        applicant={
            "applicant_pid": citizen.person.active_pid.number,
            "applicant_name": "Đoàn Văn Lực",
            "applicant_phone": "0905111222",
            "return_method": "desk",
            **applicant,
        },
        uploads={"birth_certificate": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")},
        consent=True,
        digitised=True,
    )


def step(office, dossier, action: str, **inputs):
    """One transition through ``processing.perform`` by the role that takes it."""
    from motcua.dossiers import processing

    actors = {
        "accept": "clerk",
        "refuse": "clerk",
        "assign": "leader",
        "request_supplement": "specialist",
        "receive_supplement": "clerk",
        "propose": "specialist",
        "approve": "leader",
        "return_result": "clerk",
        "request_payment": "specialist",
        "confirm_payment": "clerk",
    }
    if action == "assign":
        inputs.setdefault("assignee", office["specialist"])
    if action in ("refuse", "stop"):
        inputs.setdefault("reasons", "Không thuộc thẩm quyền")
    if action == "request_supplement":
        inputs.setdefault("missing", "Bản sao giấy chứng sinh rõ nét")
    actor = office[actors.get(action, "admin")]
    return processing.perform(dossier.public_id, action, actor=actor, **inputs)
