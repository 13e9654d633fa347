"""Filing online end to end through the pages: the birth registration form (hand-built, with
conditions and e-ID prefill) and a generated form; review lists every problem; one submit
makes one dossier; the confirmation, "Hồ sơ của tôi", withdrawal and the public lookup."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader
from tests.fixtures.accounts import login_citizen, make_citizen
from tests.fixtures.smtp import smtp_server  # noqa: F401

from motcua.accounts.models import Person
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.forms.bundled import install_bundled_forms
from motcua.units.models import Commune

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name="giay-chung-sinh.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def citizen():
    """A level-2 citizen living in Lâm Đồng, whose e-ID verified name, number and address."""
    user = make_citizen("Nguyễn Thị Hồng Nhung")
    commune = Commune.objects.filter(province__code="68").order_by("code").first()
    person = Person.objects.get(user=user)
    person.commune = commune
    person.permanent_address = f"Số 12, đường Yersin, {commune.name}, {commune.province.name}"
    person.phone = "0912345678"
    now = timezone.now().isoformat()
    person.provenance = {
        key: {"source": "vneid", "level": 2, "at": now}
        for key in ("full_name", "pid", "commune", "phone", "permanent_address")
    }
    person.save()
    return user


@pytest.fixture
def birth_form():
    install_bundled_forms()


def _start(client, commune: Commune):
    url = f"/ho-so/nop/{BIRTH}/?tinh=H36&xa={commune.code}"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(f"/ho-so/nop/{BIRTH}/", {"tinh": "H36", "xa": commune.code})
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    return dossier, response["Location"]


def _fill_birth_registration(client, dossier, *, with_father=True):
    base = f"/ho-so/{dossier.public_id}/trang/"
    response = client.post(base + "nguoi-yeu-cau/", {"relation": "me", "applicant_email": ""})
    assert response["Location"] == base + "tre-em/", response.content.decode()[:3000]
    response = client.post(
        base + "tre-em/",
        {
            "child_name": "Trần Minh Khôi",
            "child_birth_date": "20/11/2026",
            "child_sex": "nam",
            "child_ethnicity": "Kinh",
            "child_birth_place": "Bệnh viện Đa khoa tỉnh Lâm Đồng",
            "child_home_town": "Đà Lạt, Lâm Đồng",
        },
    )
    assert response["Location"] == base + "cha-me/"
    parents = {"mother_name": "Nguyễn Thị Hồng Nhung", "mother_pid": "068186001234"}
    if with_father:
        parents.update(
            {"has_father": "co", "father_name": "Trần Văn Bình", "father_pid": "068085004321",
             "parents_married": "co"}
        )  # fmt: skip
    else:
        parents["has_father"] = "khong"
    response = client.post(base + "cha-me/", parents)
    assert response["Location"] == base + "giay-to/", response.content.decode()[:3000]
    response = client.post(
        base + "giay-to/", {"birth_certificate": pdf_upload(), "return_method": "online"}
    )
    assert response["Location"] == f"/ho-so/{dossier.public_id}/xem-lai/", (
        response.content.decode()[:3000]
    )


def test_a_citizen_files_a_birth_registration_typing_only_what_the_state_does_not_know(
    client, citizen, birth_form, mailoutbox, django_capture_on_commit_callbacks
):
    login_citizen(client, citizen, level=2)
    commune = Commune.objects.filter(province__code="68").order_by("code")[3]
    dossier, first = _start(client, commune)
    page = client.get(first).content.decode()
    # Verified by the e-ID: shown, not asked.
    assert "Nguyễn Thị Hồng Nhung" in page
    assert 'name="applicant_name"' not in page
    assert "không cần khai lại" in page
    _fill_birth_registration(client, dossier)

    review = client.get(f"/ho-so/{dossier.public_id}/xem-lai/").content.decode()
    assert "Trần Minh Khôi" in review
    assert "20/11/2026" in review
    assert "error-summary" not in review

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/ho-so/{dossier.public_id}/nop/")
    assert response["Location"] == f"/ho-so/{dossier.public_id}/da-nop/"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert re.fullmatch(r"\d{3}\.\d{2}\.\d{2}\.H36-\d{6}-0001", dossier.code)
    assert dossier.receiving_agency.commune == commune
    assert dossier.data["applicant_name"] == "Nguyễn Thị Hồng Nhung"  # taken from the e-ID
    assert dossier.appointment_at is not None
    assert dossier.appointment_at > dossier.submitted_at
    assert DossierEvent.objects.filter(dossier=dossier, status=Status.SUBMITTED).exists()

    done = client.get(response["Location"]).content.decode()
    assert dossier.code in done
    pdf = client.get(f"/ho-so/{dossier.public_id}/xac-nhan.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Nguyễn Thị Hồng Nhung" in text
    assert dossier.code in text

    mine = client.get("/ho-so-cua-toi/").content.decode()
    assert dossier.code in mine
    assert client.get("/thong-bao/").content.decode().count(dossier.code) >= 1


def test_the_same_submit_twice_makes_one_dossier(client, citizen, birth_form):
    login_citizen(client, citizen, level=2)
    commune = Commune.objects.filter(province__code="68").order_by("code")[5]
    dossier, _first = _start(client, commune)
    _fill_birth_registration(client, dossier, with_father=False)
    first = client.post(f"/ho-so/{dossier.public_id}/nop/")
    second = client.post(f"/ho-so/{dossier.public_id}/nop/")
    assert first["Location"] == second["Location"]
    assert Dossier.objects.filed().count() == 1
    dossier.refresh_from_db()
    assert dossier.code.endswith("-0001")


def test_the_review_lists_every_problem_and_the_submit_is_refused(client, citizen, birth_form):
    login_citizen(client, citizen, level=2)
    commune = Commune.objects.filter(province__code="68").order_by("code")[1]
    dossier, _first = _start(client, commune)
    response = client.post(f"/ho-so/{dossier.public_id}/nop/", follow=True)
    html = response.content.decode()
    assert response.status_code == 400
    for label in (
        "Quan hệ với người được khai sinh",
        "Họ, chữ đệm, tên của trẻ",
        "Giấy chứng sinh",
    ):
        assert label in html
    assert Dossier.objects.get().status == Status.DRAFT


def test_a_page_lists_its_problems_keeps_the_input_and_saves_what_is_valid(
    client, citizen, birth_form
):
    login_citizen(client, citizen, level=2)
    dossier, _first = _start(client, Commune.objects.filter(province__code="68").first())
    url = f"/ho-so/{dossier.public_id}/trang/tre-em/"
    response = client.post(url, {"child_name": "Bé Na", "child_birth_date": "31/02/2026"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Hãy ghi ngày theo dạng ngày/tháng/năm" in html
    assert "Hãy điền “Giới tính”." in html
    assert 'value="Bé Na"' in html
    dossier.refresh_from_db()
    assert dossier.data["child_name"] == "Bé Na"  # nothing typed is lost


def test_a_field_shown_only_under_a_condition_is_required_only_then(client, citizen, birth_form):
    login_citizen(client, citizen, level=2)
    dossier, _first = _start(client, Commune.objects.filter(province__code="68").first())
    url = f"/ho-so/{dossier.public_id}/trang/cha-me/"
    base = {"mother_name": "Ngô Thị Hoa", "mother_pid": "068186009999"}
    without = client.post(url, {**base, "has_father": "khong", "father_name": "Bỏ qua"})
    assert without.status_code == 302
    dossier.refresh_from_db()
    assert "father_name" not in dossier.data  # hidden by its condition: dropped
    needed = client.post(url, {**base, "has_father": "co"})
    assert needed.status_code == 400
    assert "Hãy điền “Họ tên người cha”." in needed.content.decode()


def test_a_generated_form_files_a_procedure_nobody_built_a_form_for(client, citizen):
    from motcua.catalog.models import Procedure

    login_citizen(client, citizen, level=2)
    procedure = (
        Procedure.objects.filter(levels__contains="province", listings__province__code="68",
                                 listings__online_level__in=("full", "partial"))
        .exclude(code=BIRTH)
        .order_by("code")
        .first()
    )  # fmt: skip
    response = client.post(f"/ho-so/nop/{procedure.code}/", {"tinh": "H36"})
    assert response.status_code == 302, response.content.decode()[:1500]
    dossier = Dossier.objects.get()
    assert dossier.form.generated
    spec = dossier.form.parsed
    assert [p.key for p in spec.pages] == ["nguoi-nop", "noi-dung", "giay-to"]
    base = f"/ho-so/{dossier.public_id}/trang/"
    client.post(base + "nguoi-nop/", {"applicant_email": "nhung@example.vn"})
    client.post(
        base + "noi-dung/", {"request_text": "Đề nghị giải quyết.", "return_method": "online"}
    )
    uploads = {f.key: pdf_upload(f"{f.key}.pdf") for f in spec.file_fields() if f.required}
    client.post(base + "giay-to/", uploads)
    response = client.post(f"/ho-so/{dossier.public_id}/nop/")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED, response
    assert dossier.receiving_agency.kind == "province_centre"


def test_withdrawal_before_reception_then_only_on_request(client, citizen, birth_form):
    login_citizen(client, citizen, level=2)
    dossier, _first = _start(client, Commune.objects.filter(province__code="68").first())
    _fill_birth_registration(client, dossier, with_father=False)
    client.post(f"/ho-so/{dossier.public_id}/nop/")
    url = f"/ho-so/{dossier.public_id}/rut/"
    client.post(url, {"reason": ""})  # not confirmed
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    client.post(url, {"confirm": "yes"})
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    # Received: the applicant may only ask; the agency confirms.
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.RECEIVED, stage="assignment")
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "cơ quan sẽ xác nhận" in response.content.decode()
    dossier.refresh_from_db()
    assert (dossier.status, dossier.stage) == (Status.WITHDRAWN, "withdrawal")
    # With its result ready, a dossier can no longer be withdrawn.
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.DONE, stage="")
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "Không thể đề nghị rút hồ sơ" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.DONE


def test_the_public_lookup_needs_the_code_and_a_second_factor_and_shows_no_personal_data(
    client, citizen, birth_form, settings
):
    login_citizen(client, citizen, level=2)
    dossier, _first = _start(client, Commune.objects.filter(province__code="68").first())
    _fill_birth_registration(client, dossier, with_father=False)
    client.post(f"/ho-so/{dossier.public_id}/nop/")
    dossier.refresh_from_db()
    client.logout()
    wrong = client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": "0999999999"})
    assert wrong.status_code == 400
    assert "Không tìm thấy hồ sơ" in wrong.content.decode()
    right = client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": "0912 345 678"})
    html = right.content.decode()
    assert right.status_code == 200
    assert "Mới đăng ký" in html
    assert "Nguyễn Thị Hồng Nhung" not in html
    assert "Trần Minh Khôi" not in html
    settings.MOTCUA_LOOKUP_FAILURE_LIMIT = 2
    client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": "0999999998"})
    limited = client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": "0912345678"})
    assert limited.status_code == 429


def test_filing_needs_a_level_2_login(client, citizen, birth_form):
    login_citizen(client, citizen, level=1)
    commune = Commune.objects.filter(province__code="68").first()
    response = client.post(f"/ho-so/nop/{BIRTH}/", {"tinh": "H36", "xa": commune.code})
    assert response.status_code == 400
    assert "VNeID mức 2" in response.content.decode()
    assert not Dossier.objects.exists()


def test_the_filing_notice_reaches_the_applicant_over_smtp_and_in_the_app(
    client,
    citizen,
    birth_form,
    settings,
    smtp_server,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from motcua.notifications.models import Notification

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    settings.MOTCUA_OUTBOX_INLINE = True
    smtp_server.clear()
    login_citizen(client, citizen, level=2)
    dossier, _first = _start(client, Commune.objects.filter(province__code="68").first())
    _fill_birth_registration(client, dossier, with_father=False)
    client.post(
        f"/ho-so/{dossier.public_id}/trang/nguoi-yeu-cau/",
        {"relation": "me", "applicant_email": "nhung@example.vn", "action": "save"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ho-so/{dossier.public_id}/nop/")
    dossier.refresh_from_db()
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "nhung@example.vn"
    assert dossier.code in message["Subject"]
    assert "Ngày hẹn trả kết quả dự kiến" in smtp_server.body(message)
    assert Notification.objects.filter(user=citizen, title__contains=dossier.code).count() == 1
