"""The dossier register (sổ theo dõi hồ sơ, slip 07): what each keeper sees, the filters and
their problems, the PDF and the CSV, and who is refused."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from tests.fixtures.accounts import login_citizen, login_staff, make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in

from motcua.core.models import AuditEntry
from motcua.dossiers import processing, register, workflow
from motcua.dossiers.models import Status
from motcua.forms.bundled import install_bundled_forms
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db

URL = "/can-bo/so-theo-doi/"
NAME = "Nguyễn Thị Hồng Nhung"
PHONE_HASH = "f" * 64


@pytest.fixture
def world():
    install_bundled_forms()
    committees = Agency.objects.filter(kind="commune_committee", code__endswith=".H36")
    here, beside = committees.order_by("code")[:2]
    far = Agency.objects.filter(kind="commune_committee", code__endswith=".H37").first()
    owner = make_citizen(NAME)
    return {
        "here": here,
        "beside": beside,
        "far": far,
        "owner": owner,
        "clerk": make_staff("clerk", here.code),
        "specialist": make_staff("specialist", here.code),
        "supervisor": make_staff("supervisor", "000.00.00.H36"),
        "far_clerk": make_staff("clerk", far.code),
    }


def _received(world, at=None, *, agency=None, state=workflow.PROCESSING, **fields):
    """A dossier received at ``at`` (early today by default), with an address and a phone."""
    here = agency or world["here"]
    at = at or _morning()
    address = {
        "province": here.province.code,
        "commune": here.commune.code,
        "detail": "12 Trần Phú",
    }
    fields.setdefault("data", {"applicant_address": address, "applicant_phone": "0912345678"})
    return dossier_in(
        state, here=here, owner=world["owner"], received_at=at,
        appointment_at=at + timedelta(days=5), applicant_phone_hash=PHONE_HASH, **fields,
    )  # fmt: skip


def _today() -> str:
    return timezone.localdate().isoformat()


def _morning() -> datetime:
    """Early today, local time: inside today's and this month's register whatever the hour
    the tests run at."""
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(0, 5)))


def test_the_register_lists_the_dossiers_received_within_reach_and_period(client, world):
    mine = _received(world)
    processing.hand_off(
        mine.public_id, actor=world["specialist"], agency=world["beside"], days=3, note=""
    )
    returned = _received(
        world, state=(Status.RETURNED, ""), returned_at=timezone.now(),
        finished_at=timezone.now(), timing_committed="early", timing_legal="early",
    )  # fmt: skip
    beside = _received(world, agency=world["beside"])
    long_ago = _received(world, timezone.now() - timedelta(days=400))
    not_received = dossier_in(workflow.NEW, here=world["here"], owner=world["owner"])
    login_staff(client, world["clerk"])
    page = client.get(URL).content.decode()
    assert mine.code in page
    assert returned.code in page
    for absent in (beside, long_ago, not_received):
        assert absent.code not in page
    assert page.index(mine.code) < page.index(returned.code)  # in the order of reception
    assert NAME in page
    assert "12 Trần Phú" in page
    assert world["here"].commune.name in page
    assert "0912345678" in page
    assert PHONE_HASH not in page  # the keyed hash is never shown
    assert world["beside"].name in page  # the hand-off
    assert "Trước hạn" in page
    assert "Thủ tục đăng ký khai sinh" in page  # the procedure's name
    # The province's supervisor reads every desk of the province, and narrows to one.
    login_staff(client, world["supervisor"])
    page = client.get(URL).content.decode()
    assert mine.code in page
    assert beside.code in page
    narrowed = client.get(URL, {"co_quan": world["beside"].code}).content.decode()
    assert beside.code in narrowed
    assert mine.code not in narrowed
    earlier = timezone.localdate() - timedelta(days=405)
    period = {
        "tu_ngay": earlier.isoformat(),
        "den_ngay": (earlier + timedelta(days=10)).isoformat(),
    }
    old = client.get(URL, period)
    assert long_ago.code in old.content.decode()
    assert mine.code not in old.content.decode()


def test_the_register_pages_through_a_long_period(client, world, monkeypatch):
    from motcua.backoffice.views import register as view

    monkeypatch.setattr(view, "PAGE_SIZE", 2)
    start = _morning()
    made = [_received(world, start + timedelta(minutes=n)) for n in range(3)]
    login_staff(client, world["clerk"])
    first = client.get(URL).content.decode()
    second = client.get(URL, {"trang": 2}).content.decode()
    assert made[0].code in first
    assert made[1].code in first
    assert made[2].code not in first
    assert made[2].code in second
    assert "<td>3</td>" in second  # numbered through the whole period


def test_filter_problems_are_listed_at_once_and_what_was_typed_is_kept(client, world):
    login_staff(client, world["clerk"])
    response = client.get(
        URL, {"tu_ngay": "31/02/2026", "den_ngay": "hôm qua", "co_quan": world["far"].code}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Từ ngày không hợp lệ" in page
    assert "Đến ngày không hợp lệ" in page
    assert "Cơ quan này không thuộc phạm vi bạn được xem sổ." in page
    assert 'value="hôm qua"' in page
    backwards = client.get(URL, {"tu_ngay": "2026-12-10", "den_ngay": "2026-12-01"})
    assert backwards.status_code == 400
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in backwards.content.decode()
    too_long = client.get(URL, {"tu_ngay": "2024-01-01", "den_ngay": "2025-06-30"})
    assert too_long.status_code == 400
    assert "tối đa một năm" in too_long.content.decode()
    from_long_ago = client.get(URL, {"tu_ngay": "2020-01-01"})
    assert from_long_ago.status_code == 400
    # Exports refuse the same filters, with the same page.
    assert client.get(URL + "so-theo-doi.pdf", {"tu_ngay": "x"}).status_code == 400
    assert client.get(URL + "so-theo-doi.csv", {"tu_ngay": "x"}).status_code == 400
    assert not AuditEntry.objects.filter(action="dossier_register_exported").exists()


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def test_the_pdf_names_the_agency_and_period_and_is_audited_without_its_lines(client, world):
    dossier = _received(world)
    login_staff(client, world["clerk"])
    response = client.get(URL + "so-theo-doi.pdf", {"co_quan": world["here"].code})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = _pdf_text(response.content)
    assert dossier.code in text
    assert NAME in text
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert world["here"].name.upper() in text
    assert timezone.localdate().replace(day=1).strftime("%d/%m/%Y") in text
    assert "Mẫu số 07, phiên bản 1" in text
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape
    entry = AuditEntry.objects.get(action="dossier_register_exported")
    assert entry.actor == world["clerk"]
    assert entry.details["format"] == "pdf"
    assert entry.details["agency"] == world["here"].code
    assert entry.details["start"] == timezone.localdate().replace(day=1).isoformat()
    assert NAME not in str(entry.details)
    assert dossier.code not in str(entry.details)


def test_a_register_too_long_to_print_says_so_and_offers_the_csv(client, world, monkeypatch):
    monkeypatch.setattr(register, "PDF_ROW_CAP", 1)
    _received(world)
    _received(world)
    login_staff(client, world["clerk"])
    response = client.get(URL + "so-theo-doi.pdf")
    assert response.status_code == 400
    assert "quá nhiều để in một lần" in response.content.decode()
    assert "so-theo-doi.csv" in response.content.decode()


def test_the_csv_is_utf8_with_a_bom_and_vietnamese_headings_read_in_batches(
    client, world, monkeypatch
):
    monkeypatch.setattr(register, "BATCH_SIZE", 2)
    start = _morning()
    made = [_received(world, start + timedelta(minutes=n)) for n in range(4)]
    made.append(_received(world, start + timedelta(minutes=5), applicant_name="=HYPERLINK(1)"))
    login_staff(client, world["clerk"])
    response = client.get(URL + "so-theo-doi.csv", {"tu_ngay": _today()})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Tên cá nhân, tổ chức"]
    assert rows[0][-1] == "Ghi chú"
    assert [row[1] for row in rows[1:]] == [d.code for d in made]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4", "5"]
    assert rows[1][3] == NAME
    assert "0912345678" in rows[1][4]
    assert rows[5][3] == "'=HYPERLINK(1)"  # a spreadsheet keeps it as text
    assert PHONE_HASH not in body.decode("utf-8-sig")
    entry = AuditEntry.objects.get(action="dossier_register_exported")
    assert entry.details == {"format": "csv", "agency": "", "start": _today(), "end": _today()}


def test_a_citizen_another_province_and_a_specialist_are_refused(client, world):
    dossier = _received(world)
    login_citizen(client, world["owner"])
    for path in ("", "so-theo-doi.pdf", "so-theo-doi.csv"):
        assert client.get(URL + path).status_code == 403
    login_staff(client, world["specialist"])
    assert client.get(URL).status_code == 403
    assert "/can-bo/so-theo-doi/" not in client.get("/can-bo/").content.decode()
    login_staff(client, world["far_clerk"])
    own = client.get(URL)
    assert own.status_code == 200
    assert dossier.code not in own.content.decode()
    asked = {"co_quan": world["here"].code}
    for path in ("", "so-theo-doi.pdf", "so-theo-doi.csv"):
        refused = client.get(URL + path, asked)
        assert refused.status_code == 400
        assert "Cơ quan này không thuộc phạm vi bạn được xem sổ." in refused.content.decode()
        assert dossier.code not in refused.content.decode()
    assert not AuditEntry.objects.filter(action="dossier_register_exported").exists()


def test_the_staff_menu_links_the_register_for_its_keepers(client, world):
    login_staff(client, world["clerk"])
    assert 'href="/can-bo/so-theo-doi/"' in client.get("/can-bo/ho-so/").content.decode()
