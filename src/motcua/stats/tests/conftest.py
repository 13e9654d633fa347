"""Fixtures of the statistics tests: a commune of Lâm Đồng with its staff, a citizen, and
helpers that file dossiers and walk them through the real lifecycle (``processing.perform``,
backdated), then hand the outbox's events to the statistics subscriber."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from tests.fixtures.accounts import make_citizen, make_staff
from tests.fixtures.places import lam_dong

from motcua.catalog.models import Procedure
from motcua.core import outbox
from motcua.dossiers import processing
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.forms.selectors import form_for
from motcua.stats.handlers import SUBSCRIBER
from motcua.units.models import Agency

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_numbers = itertools.count(1)


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in Vietnam's time: ``at("2026-03-09", 15)``."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=VN)


def deliver() -> int:
    """Relay the outbox and run the statistics subscriber until nothing is pending."""
    total = 0
    while True:
        outbox.relay()
        done = outbox.deliver(SUBSCRIBER, limit=500)
        total += done
        if not done:
            return total


class Desk:
    """Files dossiers at one agency and takes them through the lifecycle."""

    def __init__(self, here: Agency, owner, staff, specialists: dict):
        self.here, self.owner, self.staff = here, owner, staff
        self.specialists = specialists
        self.specialist = specialists[here.pk]
        self.procedure = Procedure.objects.get(code="1.001193")  # 1 working day, a result

    def file(self, when: datetime, *, online: bool = True, here: Agency | None = None) -> Dossier:
        """A dossier filed at ``when`` with the event filing emits."""
        here = here or self.here
        with transaction.atomic():
            dossier = Dossier.objects.create(
                procedure=self.procedure,
                form=form_for(self.procedure, here.province),
                status=Status.SUBMITTED,
                channel=Channel.ONLINE if online else Channel.DIRECT,
                code=f"{here.code}-STAT-{next(_numbers):05d}",
                submitted_by=self.owner,
                applicant_person=self.owner.person,
                applicant_name=self.owner.person.full_name,
                province=here.province,
                commune=here.commune,
                receiving_agency=here,
                resolving_agency=here,
                agency_path=here.path,
                submitted_at=when,
                data={"child_name": "Trần Minh Khôi"},
            )
            outbox.emit("dossier.submitted", aggregate=dossier, code=dossier.code, status=1)
        return dossier

    def specialist_at(self, agency: Agency):
        return self.specialists[agency.pk]

    def do(self, dossier: Dossier, action: str, when: datetime, **inputs) -> Dossier:
        actor = self.owner if action == "answer_supplement" else self.staff
        defaults = {
            "assign": {"assignee": self.specialists.get(dossier.resolving_agency_id)},
            "request_supplement": {"missing": "Giấy xác nhận nơi cư trú"},
            "refuse": {"reasons": "Không thuộc thẩm quyền"},
            "stop": {"reasons": "Người nộp đề nghị dừng"},
        }.get(action, {})
        return processing.perform(
            dossier.public_id, action, actor=actor, now=when, **{**defaults, **inputs}
        )

    def walk(self, dossier: Dossier, *steps: tuple[str, datetime]) -> Dossier:
        for action, when in steps:
            dossier = self.do(dossier, action, when)
        return dossier

    def finish(self, dossier: Dossier, accepted: datetime, finished: datetime) -> Dossier:
        """Accepted, assigned, proposed and approved (processing ends at ``finished``)."""
        return self.walk(
            dossier,
            ("accept", accepted),
            ("assign", accepted),
            ("propose", finished),
            ("approve", finished),
        )


@pytest.fixture
def place():
    return lam_dong()


@pytest.fixture
def desk(place):
    owner = make_citizen("Lê Thị Hạnh")
    admin = make_staff("system_admin", None)
    specialists = {
        place[name].pk: make_staff("specialist", place[name].code)
        for name in ("here", "other", "justice")
    }
    return Desk(place["here"], owner, admin, specialists)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): …``: what the block leaves for after the commit (new tokens of the
    remembered figures) runs at its end, as it does once a real transaction commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
