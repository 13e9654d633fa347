"""The public verification pages and the result's place on the dossier pages: anyone checks a
result by its code or by the file they hold; only those who see the dossier download it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.fixtures.accounts import login_citizen, login_staff, make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in

from motcua.core.models import AuditEntry
from motcua.documents import services as documents
from motcua.dossiers import processing, workflow
from motcua.results.models import ResultDocument
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued():
    place = Agency.objects.filter(kind="commune_committee", code__endswith=".H36").order_by("code")[
        1
    ]
    owner = make_citizen("Lê Thị Hạnh")
    specialist = make_staff("specialist", place.code)
    leader = make_staff("leader", place.code)
    dossier = dossier_in(workflow.APPROVAL, here=place, owner=owner, specialist=specialist)
    processing.approve(dossier.public_id, actor=leader)
    result = ResultDocument.objects.select_related("file").get(dossier=dossier)
    with documents.open_file(result.file) as handle:
        data = handle.read()
    return {"result": result, "data": data, "owner": owner, "leader": leader, "place": place}


def upload(data: bytes, name: str = "ket-qua.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def tampered(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[len(changed) // 3] ^= 0x01
    return bytes(changed)


def test_the_qr_page_shows_the_record_and_a_valid_stored_file(client, issued):
    result = issued["result"]
    response = client.get(reverse("results:verify_code", args=[result.verification_code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-verdict="valid"' in page
    assert result.dossier.code in page
    assert result.number in page
    assert issued["place"].name in page
    assert "Lê Thị Hạnh" not in page  # no personal data on a public page
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_code_is_read_however_it_is_typed(client, issued):
    code = issued["result"].verification_code
    typed = f" {code[:8].lower()} {code[8:]} "
    response = client.post(reverse("results:verify"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("results:verify_code", args=[code])


def test_the_original_file_is_valid_and_a_byte_changed_copy_is_not(client, issued):
    url = reverse("results:verify_code", args=[issued["result"].verification_code])
    same = client.post(url, {"file": upload(issued["data"])})
    assert same.status_code == 200
    assert "Tệp bạn gửi đúng là bản gốc của kết quả này." in same.content.decode()
    assert same.content.decode().count('data-verdict="valid"') == 2

    changed = client.post(url, {"file": upload(tampered(issued["data"]))})
    page = changed.content.decode()
    assert 'data-verdict="invalid"' in page
    assert "Tệp bạn gửi không phải bản gốc của kết quả này." in page
    entries = AuditEntry.objects.filter(action="result_verified").order_by("at")
    assert [e.details.get("valid") for e in entries] == [True, False]


def test_an_uploaded_file_is_checked_without_a_code(client, issued):
    response = client.post(reverse("results:verify"), {"file": upload(issued["data"])})
    page = response.content.decode()
    assert 'data-verdict="valid"' in page
    assert issued["result"].number in page
    response = client.post(reverse("results:verify"), {"file": upload(b"%PDF-1.7 nothing")})
    assert 'data-verdict="invalid"' in response.content.decode()


def test_empty_and_unknown_input_is_answered_in_vietnamese(client, issued):
    empty = client.post(reverse("results:verify"), {"code": "  "})
    assert empty.status_code == 400
    assert "Hãy nhập mã xác thực" in empty.content.decode()

    unknown = client.post(reverse("results:verify"), {"code": "ZZZZZZZZZZZZZZZZ"})
    assert unknown.status_code == 404
    page = unknown.content.decode()
    assert "Không có kết quả nào mang mã xác thực này." in page
    assert 'value="ZZZZZZZZZZZZZZZZ"' in page  # what was typed is kept

    missing = client.get(reverse("results:verify_code", args=["KHONGCO"]))
    assert missing.status_code == 404
    assert "KHONGCO" in missing.content.decode()

    url = reverse("results:verify_code", args=[issued["result"].verification_code])
    no_file = client.post(url, {})
    assert no_file.status_code == 400
    assert "Hãy chọn tệp kết quả cần kiểm tra." in no_file.content.decode()


def test_checks_from_one_address_are_rate_limited(client, issued, settings):
    settings.MOTCUA_VERIFY_LIMIT = 2
    url = reverse("results:verify_code", args=[issued["result"].verification_code])
    for _ in range(2):
        assert client.post(url, {"file": upload(b"not a pdf")}).status_code == 200
    limited = client.post(url, {"file": upload(issued["data"])})
    assert limited.status_code == 429
    assert "quá nhiều lần" in limited.content.decode()
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post(url, {"file": upload(issued["data"])}).status_code == 200


def test_the_applicant_and_the_agency_download_it_and_nobody_else(client, issued):
    result = issued["result"]
    download = reverse("documents:download", args=[result.file.public_id])

    login_citizen(client, issued["owner"])
    page = client.get(reverse("portal:dossier", args=[result.dossier.public_id]))
    assert download in page.content.decode()
    assert reverse("results:verify_code", args=[result.verification_code]) in (
        page.content.decode()
    )
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == issued["data"]
    store = client.get(reverse("documents:store")).content.decode()
    assert result.dossier.code in store

    stranger = Client()
    login_citizen(stranger, make_citizen("Người Lạ"))
    assert stranger.get(download).status_code == 404

    staff = Client()
    login_staff(staff, issued["leader"])
    page = staff.get(reverse("backoffice:dossier", args=[result.dossier.public_id]))
    assert download in page.content.decode()
    assert staff.get(download).status_code == 200

    elsewhere = Client()
    other_place = Agency.objects.filter(kind="commune_committee", code__endswith=".H37")[0]
    login_staff(elsewhere, make_staff("leader", other_place.code))
    assert elsewhere.get(download).status_code == 404
