"""Fixtures of the feedback tests: a commune and a department of Lâm Đồng with their staff, a
citizen with a returned dossier, and a helper that sends a feedback through the service."""

from __future__ import annotations

import pytest
from django.utils import timezone
from tests.fixtures.accounts import make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in
from tests.fixtures.places import lam_dong

from motcua.dossiers.models import Stage, Status
from motcua.dossiers.services import lookup_hash
from motcua.feedback import services
from motcua.feedback.models import Kind, Subject

RETURNED = (Status.RETURNED, Stage.NONE)
PHONE = "0912345678"


@pytest.fixture
def place():
    return lam_dong()


@pytest.fixture
def people(place):
    citizen = make_citizen("Võ Thị Mai")
    citizen.email, citizen.email_verified_at = "mai@example.vn", timezone.now()
    citizen.save()
    return {
        "citizen": citizen,
        "clerk": make_staff("clerk", place["here"].code),
        "specialist": make_staff("specialist", place["here"].code),
        "leader": make_staff("leader", place["here"].code),
        "other_specialist": make_staff("specialist", place["other"].code),
        "justice_specialist": make_staff("specialist", place["justice"].code),
        "supervisor": make_staff("supervisor", place["committee"].code),
    }


@pytest.fixture
def returned(place, people):
    """A birth registration of the citizen, result returned, resolved at the commune."""
    return dossier_in(
        RETURNED,
        here=place["here"],
        owner=people["citizen"],
        applicant_phone_hash=lookup_hash(PHONE),
        returned_at=timezone.now(),
    )


@pytest.fixture
def send(place):
    """``send(**fields)``: a feedback about the commune agency from an anonymous sender."""

    def make(**fields):
        data = {
            "kind": Kind.REFLECTION,
            "subject": Subject.AGENCY,
            "content": "Thủ tục đăng ký khai sinh yêu cầu bản sao giấy tờ không có trong quy định.",
            "sender_name": "Nguyễn Văn Bình",
            "sender_email": "binh@example.vn",
            "subject_agency": place["here"],
        }
        sender = fields.pop("sender", None)
        data.update(fields)
        return services.submit(services.Submission(**data), sender=sender)

    return make
