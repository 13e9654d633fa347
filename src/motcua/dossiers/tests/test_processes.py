"""Processes as data: which process applies, the per-step due dates, and the step rows the
transitions record; the process-control slip (06) printed from them."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from tests.fixtures.accounts import make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in

from motcua.catalog.models import Procedure
from motcua.core.calendar import WorkingCalendar
from motcua.core.models import AuditEntry
from motcua.dossiers import notices, processes, processing, workflow
from motcua.dossiers.models import DossierStep, Process, ProcessStep, StepKind, Timing
from motcua.units.models import Agency, Province

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    committees = Agency.objects.filter(kind="commune_committee", code__endswith=".H36")
    here, other = committees.order_by("code")[:2]
    people = {
        "owner": make_citizen("Lê Thị Hạnh"),
        "clerk": make_staff("clerk", here.code),
        "specialist": make_staff("specialist", here.code),
        "leader": make_staff("leader", here.code),
        "other_specialist": make_staff("specialist", other.code),
    }
    people["specialist"].first_name, people["specialist"].last_name = "Hòa", "Nguyễn Thị"
    people["specialist"].save()
    return {"here": here, "other": other, **people}


def _submitted(world):
    return dossier_in(
        workflow.NEW, here=world["here"], owner=world["owner"],
        specialist=world["specialist"], elsewhere=world["other"],
    )  # fmt: skip


def _configure(procedure, province, rows):
    process = Process.objects.create(procedure=procedure, province=province)
    for position, (kind, role, share) in enumerate(rows, start=1):
        ProcessStep.objects.create(
            process=process, position=position, kind=kind, role=role, share=share
        )
    return process


def test_a_procedure_without_a_configured_process_gets_the_default():
    procedure = Procedure.objects.get(code="1.001193")
    steps = processes.process_for(procedure, Province.objects.first())
    assert steps == processes.DEFAULT_STEPS
    assert [s.kind for s in steps] == ["reception", "processing", "approval", "return"]
    assert sum(s.share for s in steps) == 100


def test_a_province_process_beats_the_national_one():
    procedure = Procedure.objects.get(code="1.001193")
    lam_dong = Province.objects.get(qcvn_code="H36")
    other = Province.objects.exclude(pk=lam_dong.pk).first()
    _configure(procedure, None, [("processing", "specialist", 80), ("return", "clerk", 20)])
    _configure(
        procedure, lam_dong,
        [("reception", "clerk", 5), ("processing", "specialist", 90), ("return", "clerk", 5)],
    )  # fmt: skip
    assert [s.share for s in processes.process_for(procedure, lam_dong)] == [5, 90, 5]
    assert [s.share for s in processes.process_for(procedure, other)] == [80, 20]


def test_a_full_walk_records_each_step_with_due_dates_within_the_legal_deadline(world):
    dossier = _submitted(world)
    processing.accept(dossier.public_id, actor=world["clerk"])
    processing.assign(dossier.public_id, actor=world["leader"], assignee=world["specialist"])
    processing.propose(dossier.public_id, actor=world["specialist"])
    processing.approve(dossier.public_id, actor=world["leader"])
    processing.return_result(dossier.public_id, actor=world["clerk"])
    dossier.refresh_from_db()
    steps = list(DossierStep.objects.filter(dossier=dossier).order_by("started_at", "id"))
    assert [s.kind for s in steps] == ["reception", "processing", "approval", "return"]
    assert all(s.finished_at is not None for s in steps)
    assert all(s.timing in (Timing.EARLY, Timing.ON_TIME) for s in steps)
    assert steps[1].officer == world["specialist"]
    assert steps[1].handed_by == world["leader"]
    assert steps[2].handed_by == world["specialist"]
    dues = [s.due_at for s in steps]
    assert dues == sorted(dues)
    assert dues[-1] <= dossier.due_at
    # The steps share the legal working time as the default process says (10/60/20/10).
    calendar = WorkingCalendar.current()
    total = calendar.working_time_between(dossier.clock_started_at, dossier.due_at)
    first = calendar.working_time_between(dossier.clock_started_at, dues[0])
    assert abs(first / total - 0.10) < 0.01
    assert processes.current_step(dossier) is None


def test_hand_off_and_hand_back_record_a_step_at_the_other_agency(world):
    dossier = _submitted(world)
    processing.accept(dossier.public_id, actor=world["clerk"])
    processing.assign(dossier.public_id, actor=world["leader"], assignee=world["specialist"])
    processing.hand_off(dossier.public_id, actor=world["specialist"], agency=world["other"], days=2)
    dossier.refresh_from_db()
    held = processes.current_step(dossier)
    assert held.kind == StepKind.HAND_OFF
    assert held.agency == world["other"]
    assert held.due_at == dossier.holding_due_at
    processing.hand_back(dossier.public_id, actor=world["other_specialist"])
    held.refresh_from_db()
    assert held.finished_at is not None
    assert held.timing
    back = processes.current_step(dossier)
    assert back.kind == StepKind.PROCESSING
    assert back.agency == world["here"]
    assert back.handed_by == world["other_specialist"]


def test_the_process_control_slip_lists_the_hand_overs_with_diacritics(world):
    dossier = _submitted(world)
    processing.accept(dossier.public_id, actor=world["clerk"])
    processing.assign(dossier.public_id, actor=world["leader"], assignee=world["specialist"])
    processing.propose(dossier.public_id, actor=world["specialist"])
    dossier.refresh_from_db()
    content = notices.render_process_control(dossier)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    flat = " ".join(text.split())
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in flat.upper()
    assert "Tên cơ quan" in flat
    assert "Giao:" in flat
    assert "Nhận:" in flat
    assert "Hòa" in flat
    assert "Phê duyệt" in flat
    assert "Mẫu số 06" in flat


def test_saving_a_process_is_audited_and_refuses_a_wrong_whole():
    procedure = Procedure.objects.get(code="1.001193")
    admin = make_staff("system_admin", None)
    wrong = [processes.Step("approval", "leader", 50)]
    with pytest.raises(processes.ProcessProblems) as refused:
        processes.save_process(procedure, None, wrong, actor=admin)
    assert len(refused.value.problems) == 3
    steps = [processes.Step("processing", "specialist", 70), processes.Step("return", "clerk", 30)]
    processes.save_process(procedure, None, steps, actor=admin)
    assert [s.share for s in processes.process_for(procedure, None)] == [70, 30]
    assert AuditEntry.objects.filter(action="process_changed").exists()
