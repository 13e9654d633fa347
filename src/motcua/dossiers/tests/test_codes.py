"""Dossier codes (DOMAIN.md §5): format, per-agency daily sequence, and uniqueness when many
submissions take a number at the same moment (PostgreSQL row locks, real threads)."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections, transaction

from motcua.dossiers.codes import next_code, parse_code
from motcua.dossiers.models import DossierCodeCounter
from motcua.units.models import Agency

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.django_db
def test_codes_follow_the_national_format_and_count_per_agency_and_day(settings):
    centre = Agency.objects.get(code="000.00.50.H36")
    other = Agency.objects.get(code="000.00.04.H36")
    day = datetime(2026, 12, 1, 9, 0, tzinfo=VN)
    assert next_code(centre, day) == "000.00.50.H36-261201-0001"
    assert next_code(centre, day) == "000.00.50.H36-261201-0002"
    assert next_code(other, day) == "000.00.04.H36-261201-0001"
    # The day is Vietnam's: 23:30 UTC on 1 December is already 2 December there.
    late = datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert next_code(centre, late) == "000.00.50.H36-261202-0001"
    settings.MOTCUA_DOSSIER_SEQUENCE_START = 361
    assert next_code(other, datetime(2026, 12, 3, 8, 0, tzinfo=VN)) == "000.00.04.H36-261203-0361"
    assert parse_code("000.00.06.H56-231027-0361") == ("000.00.06.H56", "231027", "0361")
    assert parse_code("khong-phai-ma") is None


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_concurrent_submissions_never_share_a_code():
    agency = Agency.objects.get(code="000.00.50.H37")
    when = datetime(2031, 1, 2, 10, 0, tzinfo=VN)  # a day no other test uses
    codes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(16)

    def take(count: int) -> None:
        try:
            start.wait()
            for _ in range(count):
                with transaction.atomic():
                    codes.append(next_code(agency, when))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(25,)) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def clean_up():
        DossierCodeCounter.objects.filter(agency=agency, day=when.date()).delete()
        connections.close_all()

    cleaner = threading.Thread(target=clean_up)
    cleaner.start()
    cleaner.join()
    assert not errors, errors
    assert len(codes) == 400
    assert len(set(codes)) == 400
    assert sorted(int(code.rsplit("-", 1)[1]) for code in codes) == list(range(1, 401))


@pytest.mark.django_db
def test_a_draft_is_written_with_its_code_in_the_same_format(settings):
    from django.utils import timezone

    from motcua.accounts.models import User
    from motcua.catalog.models import Procedure
    from motcua.dossiers.codes import write_with_code
    from motcua.dossiers.models import Dossier, Status
    from motcua.forms.selectors import form_for

    agency = Agency.objects.get(code="000.00.04.H36")
    owner = User.objects.create(username="code-owner")
    procedure = Procedure.objects.get(code="1.001193")
    form = form_for(procedure, agency.province)
    fields = ["status", "applicant_name", "updated_at"]
    day = datetime(2031, 3, 4, 9, 0, tzinfo=VN)  # a day no other test uses
    settings.MOTCUA_DOSSIER_SEQUENCE_START = 9998
    codes = []
    for n in range(3):
        draft = Dossier.objects.create(procedure=procedure, form=form, submitted_by=owner)
        before = draft.updated_at
        draft.status, draft.applicant_name = Status.SUBMITTED, f"Người nộp {n}"
        codes.append(write_with_code(draft, agency, day, fields))
        stored = Dossier.objects.get(pk=draft.pk)
        assert (stored.code, stored.status, stored.applicant_name) == (
            draft.code,
            Status.SUBMITTED,
            f"Người nộp {n}",
        )
        assert stored.updated_at > before
        assert stored.updated_at <= timezone.now()
    # Four digits, then the number simply grows one (as next_code).
    assert codes == [
        "000.00.04.H36-310304-9998",
        "000.00.04.H36-310304-9999",
        "000.00.04.H36-310304-10000",
    ]
    assert next_code(agency, day) == "000.00.04.H36-310304-10001"
