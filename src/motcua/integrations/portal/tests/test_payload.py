"""The record and the progress entry sent to the national portal, for each state of the
lifecycle: status codes, dates in Vietnam's time, flags, documents, supplements, limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.fixtures.accounts import make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in

from motcua.core.models import OutboxEvent
from motcua.documents.services import store_generated
from motcua.dossiers import workflow
from motcua.dossiers.models import DossierDocument, Status
from motcua.integrations.portal import payload
from motcua.units.models import Agency

from .conftest import file_at_desk, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def here():
    committees = Agency.objects.filter(kind="commune_committee", code__endswith=".H36")
    return committees.order_by("code")[0]


def test_dates_are_sent_as_digits_in_vietnam_time():
    assert payload.portal_date(datetime(2026, 12, 4, 17, 30, 5, tzinfo=UTC)) == "20261205003005"
    assert payload.portal_date(None) == ""


RECEIVED_STATES = {s for s in workflow.STATES if s[0] not in (Status.SUBMITTED, Status.REFUSED)}


@pytest.mark.parametrize("state", workflow.STATES, ids=lambda s: f"{s[0]}-{s[1] or 'none'}")
def test_the_record_carries_the_status_code_and_the_dates_of_each_state(state, here):
    owner = make_citizen("Lê Thị Hạnh")
    fields = {}
    if state[0] in (Status.REFUSED, Status.STOPPED, Status.DONE, Status.RETURNED):
        fields["finished_at"] = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    if state[0] == Status.RETURNED:
        fields["returned_at"] = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    dossier = dossier_in(state, here=here, owner=owner, **fields)
    record = payload.dossier_record(payload.load(dossier.public_id))
    assert record["TrangThaiHoSo"] == str(state[0])
    assert record["MaHoSo"] == dossier.code
    assert record["MaTTHC"] == "1.001193"
    assert record["TenTTHC"] == dossier.procedure.name
    assert record["TenLinhVuc"] == dossier.procedure.field.name
    assert record["KenhThucHien"] == "2"
    assert record["DonViXuLy"] == here.name
    assert record["LoaiDoiTuong"] == "1"
    assert record["NgayNopHoSo"] == payload.portal_date(dossier.submitted_at)
    assert bool(record["NgayTiepNhan"]) == (state in RECEIVED_STATES)
    assert bool(record["NgayHenTra"]) == (state in RECEIVED_STATES)
    assert record["NgayTuChoi"] == ("20261203090000" if state[0] == Status.REFUSED else "")
    assert record["NgayKetThucXuLy"] == ("20261203090000" if "finished_at" in fields else "")
    assert record["NgayTra"] == ("20261203100000" if state[0] == Status.RETURNED else "")
    assert record["DinhDanhCHS"] == [
        {"LoaiDinhDanh": "1", "SoDinhDanh": owner.person.active_pid.number}
    ]
    assert record["TaiKhoanDuocXacThucVoiVNeID"] == "1"
    assert record["DuocThanhToanTrucTuyen"] == "0"
    assert record["HoSoCoThanhPhanSoHoa"] == "0"  # no component attached


def test_a_desk_dossier_says_who_filed_how_and_which_documents_are_digitised(portal, office):
    dossier = file_at_desk(office, applicant_email="luc@example.vn", request_text="x" * 3000)
    stored = store_generated(b"%PDF-1.4 x", name="kq.pdf", content_type="application/pdf")
    DossierDocument.objects.create(
        dossier=dossier,
        slot="old_result",
        label="Kết quả cũ",
        file=stored,
        digitisation=DossierDocument.Digitisation.REUSED_RESULT,
        from_store=True,
    )
    DossierDocument.objects.create(
        dossier=dossier,
        slot="paper",
        label="Bản giấy",
        file=stored,
        digitisation=DossierDocument.Digitisation.NOT_DIGITISED,
        removed_at=dossier.submitted_at,
    )
    record = payload.dossier_record(payload.load(dossier.public_id))
    assert record["KenhThucHien"] == "1"
    assert record["HinhThucTra"] == "0"
    assert record["TaiKhoanDuocXacThucVoiVNeID"] == "0"  # filed by the clerk, not through VNeID
    assert record["EmailChuHoSo"] == "luc@example.vn"
    assert record["SoDienThoaiChuHoSo"] == "0905111222"
    assert record["SoGiayToChuHoSo"] == office["citizen"].person.active_pid.number
    assert len(record["TrichYeuHoSo"]) == payload.SUMMARY_MAX
    documents = {d["MaThanhPhanHoSo"]: d for d in record["TaiLieuNop"]}
    assert documents["birth_certificate"]["DuocSoHoa"] == "1"
    assert documents["birth_certificate"]["DuocTaiSuDung"] == "0"
    assert documents["old_result"]["DuocTaiSuDung"] == "2"
    assert documents["old_result"]["DuocLayTuKhoDMQG"] == "1"
    assert documents["paper"]["IsDeleted"] == "1"
    assert documents["paper"]["DuocSoHoa"] == "0"
    assert documents["birth_certificate"]["DuongDanTaiTepTin"].startswith("http")
    # The removed paper copy does not count: what is attached is digitised.
    assert record["HoSoCoThanhPhanSoHoa"] == "1"


def test_the_supplement_history_keeps_the_appointment_before_and_after(portal, office):
    dossier = file_at_desk(office)
    accepted = step(office, dossier, "accept")
    step(office, dossier, "assign")
    step(office, dossier, "request_supplement")
    asked = payload.dossier_record(payload.load(dossier.public_id))["DanhSachHoSoBoSung"]
    assert len(asked) == 1
    assert asked[0]["TrangThaiBoSung"] == "0"
    assert "giấy chứng sinh" in asked[0]["NoiDungBoSung"]
    assert asked[0]["NgayHenTraTruoc"]
    assert asked[0]["NgayHenTraMoi"] == ""
    step(office, dossier, "receive_supplement", now=accepted.received_at + timedelta(days=5))
    done = payload.dossier_record(payload.load(dossier.public_id))["DanhSachHoSoBoSung"][0]
    assert done["TrangThaiBoSung"] == "1"
    assert done["NgayTiepNhanBoSung"]
    assert done["NgayHenTraMoi"] > done["NgayHenTraTruoc"]


def test_the_progress_entry_names_the_handler_the_step_and_its_deadline(portal, office):
    office["specialist"].first_name = "Nguyễn Thị Chuyên Viên Có Một Cái Tên Rất Dài Hơn Năm Mươi"
    office["specialist"].save()
    dossier = file_at_desk(office)
    step(office, dossier, "accept")
    step(office, dossier, "assign")
    step(office, dossier, "propose")
    event = OutboxEvent.objects.filter(
        topic="dossier.status_changed", aggregate_id=str(dossier.public_id)
    ).latest("created_at")
    dossier = payload.load(dossier.public_id)
    entry = payload.progress_entry(dossier, event)
    assert entry["MaHoSo"] == dossier.code
    assert entry["TrangThai"] == "4"
    assert len(entry["NguoiXuLy"]) == payload.HANDLER_MAX
    assert entry["ChucDanh"] == "Chuyên viên xử lý"
    assert entry["PhongBanXuLy"] == office["agency"].name
    assert entry["NoiDungXuLy"] == "Hồ sơ đang chờ lãnh đạo phê duyệt."
    assert entry["NgayKetThucTheoQuyDinh"]
    assert entry["ThoiDiemXuLy"] >= entry["NgayBatDau"]
    submitted = OutboxEvent.objects.get(
        topic="dossier.submitted", aggregate_id=str(dossier.public_id)
    )
    first = payload.progress_entry(dossier, submitted)
    assert first["TrangThai"] == "1"
    assert first["ChucDanh"] == "Cán bộ một cửa"


def test_a_paid_fee_is_sent_as_paid_online_until_it_is_refunded(portal, office):
    dossier = file_at_desk(office)
    from motcua.core import outbox

    outbox.emit("payment.confirmed", aggregate=dossier, code=dossier.code, amount=50000)
    record = payload.dossier_record(payload.load(dossier.public_id))
    assert record["DuocThanhToanTrucTuyen"] == payload.PAID_HERE
    outbox.emit("payment.refunded", aggregate=dossier, code=dossier.code, amount=50000)
    record = payload.dossier_record(payload.load(dossier.public_id))
    assert record["DuocThanhToanTrucTuyen"] == "0"


def test_a_staff_member_without_a_name_is_named_by_account(here):
    clerk = make_staff("clerk", here.code)
    clerk.first_name = clerk.last_name = ""
    assert payload._handler_name(clerk, here) == clerk.username
    assert payload._handler_name(None, here) == here.name
