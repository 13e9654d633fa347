"""The work queue and a dossier's page: what each role sees, and the actions it takes from
the page, with every problem listed at once and what was typed kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.fixtures.accounts import login_staff, make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in

from motcua.dossiers import workflow
from motcua.dossiers.models import Dossier, Status
from motcua.forms.bundled import install_bundled_forms
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    install_bundled_forms()
    committees = Agency.objects.filter(kind="commune_committee", code__endswith=".H36")
    here, other = committees.order_by("code")[:2]
    owner = make_citizen("Võ Thị Mai")
    people = {
        "clerk": make_staff("clerk", here.code),
        "specialist": make_staff("specialist", here.code),
        "leader": make_staff("leader", here.code),
        "other_clerk": make_staff("clerk", other.code),
    }
    people["specialist"].first_name = "Chuyên viên Hòa"
    people["specialist"].save()
    return {"here": here, "other": other, "owner": owner, **people}


def _dossier(world, state, **fields) -> Dossier:
    return dossier_in(
        state, here=world["here"], owner=world["owner"], specialist=world["specialist"],
        elsewhere=world["other"], **fields,
    )  # fmt: skip


def test_the_queue_shows_the_agency_dossiers_most_urgent_first_with_time_left(client, world):
    now = timezone.now()
    later = _dossier(world, workflow.PROCESSING, appointment_at=now + timedelta(days=9))
    late = _dossier(world, workflow.PROCESSING, appointment_at=now - timedelta(hours=2))
    soon = _dossier(world, workflow.RECEIVED, appointment_at=now + timedelta(hours=3))
    login_staff(client, world["clerk"])
    page = client.get("/can-bo/ho-so/").content.decode()
    positions = [page.index(d.code) for d in (late, soon, later)]
    assert positions == sorted(positions)
    assert "Quá hạn" in page
    assert "Sắp đến hạn" in page
    assert "Còn " in page
    overdue = client.get("/can-bo/ho-so/?han=overdue").content.decode()
    assert late.code in overdue
    assert later.code not in overdue
    found = client.get(f"/can-bo/ho-so/?q={soon.code}").content.decode()
    assert soon.code in found
    assert late.code not in found
    login_staff(client, world["other_clerk"])
    assert late.code not in client.get("/can-bo/ho-so/").content.decode()


def test_a_clerk_accepts_from_the_page_and_the_citizen_timeline_shows_it(client, world):
    dossier = _dossier(world, workflow.NEW)
    login_staff(client, world["clerk"])
    page = client.get(f"/can-bo/ho-so/{dossier.public_id}/").content.decode()
    assert "Tiếp nhận hồ sơ" in page
    assert "Trần Minh Khôi" in page  # the form's answers
    assert "Phê duyệt kết quả" not in page  # a leader's action
    response = client.post(f"/can-bo/ho-so/{dossier.public_id}/thao-tac/accept/")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.appointment_at is not None
    page = client.get(f"/can-bo/ho-so/{dossier.public_id}/").content.decode()
    assert "Đã tiếp nhận hồ sơ; ngày hẹn trả kết quả" in page


def test_a_hand_off_without_its_inputs_lists_every_problem_and_keeps_the_note(client, world):
    dossier = _dossier(world, workflow.PROCESSING)
    login_staff(client, world["specialist"])
    url = f"/can-bo/ho-so/{dossier.public_id}/thao-tac/hand_off/"
    response = client.post(url, {"hand_off-note": "Cần Công an xác minh", "hand_off-days": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hãy chọn cơ quan phối hợp xử lý." in page
    assert "Thời hạn là một số ngày làm việc." in page
    assert "Cần Công an xác minh" in page
    dossier.refresh_from_db()
    assert workflow.state_of(dossier) == workflow.PROCESSING


def test_an_action_the_role_may_not_take_is_refused_and_changes_nothing(client, world):
    dossier = _dossier(world, workflow.APPROVAL)
    login_staff(client, world["clerk"])
    response = client.post(f"/can-bo/ho-so/{dossier.public_id}/thao-tac/approve/")
    assert response.status_code == 403
    assert "không có quyền" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS
    login_staff(client, world["other_clerk"])
    assert client.post(f"/can-bo/ho-so/{dossier.public_id}/thao-tac/approve/").status_code == 404


def test_a_leader_assigns_several_dossiers_at_once(client, world):
    first, second = _dossier(world, workflow.RECEIVED), _dossier(world, workflow.RECEIVED)
    login_staff(client, world["leader"])
    page = client.get("/can-bo/ho-so/").content.decode()
    assert "Chuyên viên Hòa" in page
    response = client.post(
        "/can-bo/ho-so/",
        {"ho_so": [first.public_id, second.public_id], "chuyen_vien": world["specialist"].pk},
    )
    assert response.status_code == 302
    for dossier in (first, second):
        dossier.refresh_from_db()
        assert dossier.assigned_to == world["specialist"]
        assert workflow.state_of(dossier) == workflow.PROCESSING


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())  # lines wrap inside the fields


def test_each_transition_with_a_slip_prints_it_for_staff_and_the_applicant(client, world):
    from tests.fixtures.accounts import login_citizen

    from motcua.dossiers import processing

    dossier = _dossier(world, workflow.NEW)
    processing.accept(dossier.public_id, actor=world["clerk"])
    processing.request_supplement(
        dossier.public_id, actor=world["clerk"], missing="Giấy xác nhận thông tin về cư trú"
    )
    login_staff(client, world["clerk"])
    page = client.get(f"/can-bo/ho-so/{dossier.public_id}/").content.decode()
    assert f"/can-bo/ho-so/{dossier.public_id}/phieu/02.pdf" in page
    receipt = client.get(f"/can-bo/ho-so/{dossier.public_id}/phieu/01.pdf")
    assert receipt["Content-Type"] == "application/pdf"
    text = _pdf_text(receipt.content)
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả".upper() in text.upper()
    assert dossier.code in text
    request = _pdf_text(client.get(f"/can-bo/ho-so/{dossier.public_id}/phieu/02.pdf").content)
    assert "Giấy xác nhận thông tin về cư trú" in request
    assert "Mẫu số 02, phiên bản 1" in request
    assert client.get(f"/can-bo/ho-so/{dossier.public_id}/phieu/03.pdf").status_code == 404
    login_citizen(client, world["owner"])
    mine = client.get(f"/ho-so/{dossier.public_id}/phieu/02.pdf")
    assert "Giấy xác nhận thông tin về cư trú" in _pdf_text(mine.content)
    login_citizen(client, make_citizen("Người Khác"))
    assert client.get(f"/ho-so/{dossier.public_id}/phieu/02.pdf").status_code == 404


def test_the_report_shows_early_shares_against_each_clock_within_the_leader_reach(client, world):
    now = timezone.now()
    finished = {"finished_at": now - timedelta(hours=1), "received_at": now - timedelta(days=2)}
    for legal, committed in (("early", "early"), ("early", "late"), ("late", "late")):
        _dossier(
            world, (Status.DONE, ""), timing_legal=legal, timing_committed=committed, **finished
        )
    login_staff(client, world["leader"])
    page = client.get("/can-bo/bao-cao/dung-han/").content.decode()
    assert "1.001193" in page
    assert "2 (66.7 %)" in page  # early against the legal deadline
    assert "1 (33.3 %)" in page  # early against the committed time; late against the law
    bad = client.get("/can-bo/bao-cao/dung-han/?tu_ngay=2026-12-10&den_ngay=2026-12-01")
    assert bad.status_code == 400
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in bad.content.decode()
    other = make_staff("leader", world["other"].code)
    login_staff(client, other)
    assert "1.001193" not in client.get("/can-bo/bao-cao/dung-han/").content.decode()
    login_staff(client, world["clerk"])
    assert client.get("/can-bo/bao-cao/dung-han/").status_code == 403
