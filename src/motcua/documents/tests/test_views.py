"""Downloads only for those a reader rule allows (everyone else: 404), with headers that keep
the file private; the citizen's document store page."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from tests.fixtures.accounts import login_citizen, login_staff, make_citizen, make_staff

from motcua.accounts.models import MemberRole, Membership
from motcua.core.models import AuditEntry
from motcua.documents import access, services
from motcua.documents.models import ScanStatus, StoredFile, StoreItem

from .samples import EICAR, EXE, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None and user.is_staff_member:
        login_staff(client, user)
    elif user is not None:
        login_citizen(client, user)
    return client


def _in_store(user, name="giay-khai-sinh.pdf", content=None) -> StoreItem:
    stored = services.store_upload(upload(name, content or pdf_bytes()), owner=user)
    return services.add_to_store(
        stored, person=user.person, title="Giấy khai sinh", kind="document"
    )


def _url(stored: StoredFile) -> str:
    return f"/tep/{stored.public_id}/"


def test_the_owner_downloads_with_private_headers():
    owner = make_citizen()
    item = _in_store(owner, name="scan.jpg")
    response = _client(owner).get(_url(item.file))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    entry = AuditEntry.objects.get(action="file_downloaded")
    assert entry.actor == owner
    assert entry.object_id == str(item.file.pk)


def test_a_vietnamese_name_is_sent_encoded():
    owner = make_citizen()
    item = _in_store(owner, name="giấy khai sinh.pdf")
    response = _client(owner).get(_url(item.file))
    assert "filename*=utf-8''gi%E1%BA%A5y%20khai%20sinh.pdf" in response["Content-Disposition"]


def test_nobody_else_sees_the_file():
    owner = make_citizen()
    item = _in_store(owner)
    for user in (make_citizen("Người Khác"), make_staff("clerk", "000.00.04.H36")):
        response = _client(user).get(_url(item.file))
        assert response.status_code == 404
    anonymous = _client().get(_url(item.file))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/tai-khoan/dang-nhap/")
    assert _client(owner).get(f"/tep/{uuid.uuid4()}/").status_code == 404
    assert AuditEntry.objects.filter(action="file_downloaded").count() == 0


def test_a_quarantined_or_deleted_file_is_never_served(clamd_down):
    owner = make_citizen()
    item = _in_store(owner)
    assert item.file.scan_status == ScanStatus.QUARANTINED
    response = _client(owner).get(_url(item.file))
    assert response.status_code == 404
    StoredFile.objects.filter(pk=item.file.pk).update(scan_status=ScanStatus.CLEAN)
    item.file.refresh_from_db()
    services.delete_bytes(item.file)
    assert _client(owner).get(_url(item.file)).status_code == 404


def test_members_read_their_organisations_store_while_they_are_members():
    from tests.fixtures.accounts import make_organisation

    representative, member = make_citizen(), make_citizen("Nhân Viên")
    organisation = make_organisation(representative)
    membership = Membership.objects.create(
        organisation=organisation, person=member.person, role=MemberRole.MEMBER
    )
    stored = services.store_generated(
        pdf_bytes(), name="giay-phep.pdf", content_type="application/pdf"
    )
    services.add_to_store(stored, organisation=organisation, title="Giấy phép", kind="result")
    assert _client(member).get(_url(stored)).status_code == 200
    membership.removed_at = membership.created_at
    membership.save()
    assert _client(member).get(_url(stored)).status_code == 404


def test_other_apps_add_reader_rules():
    owner, clerk = make_citizen(), make_staff("clerk", "000.00.04.H36")
    item = _in_store(owner)

    def clerk_reads_everything(user, stored_file):
        return user.pk == clerk.pk

    access.register_reader(clerk_reads_everything)
    try:
        assert access.may_read(clerk, item.file)
        assert _client(clerk).get(_url(item.file)).status_code == 200
    finally:
        access._READERS.remove(clerk_reads_everything)
    assert not access.may_read(clerk, item.file)


# --- The store page ---------------------------------------------------------------------------


def test_the_store_lists_the_persons_items():
    owner = make_citizen()
    item = _in_store(owner)
    _in_store(make_citizen("Người Khác"))
    page = _client(owner).get("/tai-khoan/kho-du-lieu/").content.decode()
    assert "Giấy khai sinh" in page
    assert _url(item.file) in page
    assert page.count(">Xóa khỏi kho") == 1
    assert "Giấy tờ tải lên" in page
    assert "PDF," in page
    assert 'aria-current="page">Kho dữ liệu' in page


def test_uploading_to_the_store(private_storage):
    owner = make_citizen()
    client = _client(owner)
    response = client.post(
        "/tai-khoan/kho-du-lieu/them/",
        {"title": "Bằng đại học", "file": upload("bang.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/kho-du-lieu/"
    item = StoreItem.objects.get(owner_person=owner.person)
    assert item.title == "Bằng đại học"
    assert item.file.owner == owner
    page = client.get(response["Location"]).content.decode()
    assert "Đã thêm “Bằng đại học” vào kho dữ liệu." in page


def test_a_refused_upload_lists_the_problem_and_keeps_the_title():
    owner = make_citizen()
    response = _client(owner).post(
        "/tai-khoan/kho-du-lieu/them/",
        {"title": "Giấy khai sinh", "file": upload("giay-khai-sinh.exe", EXE)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    message = "Tệp “giay-khai-sinh.exe” không phải PDF, JPG hay PNG. Hãy chọn tệp đúng loại."
    assert f'<a href="#id_file">{message}</a>' in page
    assert 'value="Giấy khai sinh"' in page
    assert not StoreItem.objects.exists()
    assert not StoredFile.objects.exists()
    assert AuditEntry.objects.get(action="file_refused").details["code"] == "type_not_allowed"


def test_an_empty_or_infected_upload_is_refused_by_name():
    client = _client(make_citizen())
    response = client.post(
        "/tai-khoan/kho-du-lieu/them/", {"title": "Trống", "file": upload("trong.pdf", b"")}
    )
    assert response.status_code == 400
    assert "Tệp “trong.pdf” không có nội dung." in response.content.decode()
    response = client.post(
        "/tai-khoan/kho-du-lieu/them/",
        {"title": "Đơn", "file": upload("don.pdf", pdf_bytes() + EICAR)},
    )
    assert response.status_code == 400
    assert "Tệp “don.pdf” có mã độc nên đã bị từ chối" in response.content.decode()
    assert AuditEntry.objects.filter(action="file_refused", details__code="infected").exists()
    assert not StoredFile.objects.exists()


def test_missing_title_and_file_are_listed_together():
    response = _client(make_citizen()).post("/tai-khoan/kho-du-lieu/them/", {"title": " "})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_title">Hãy nhập tên giấy tờ.</a>' in page
    assert '<a href="#id_file">Hãy chọn tệp giấy tờ.</a>' in page


def test_an_upload_the_scanner_cannot_check_is_kept_and_the_citizen_told(clamd_down):
    owner = make_citizen()
    client = _client(owner)
    response = client.post(
        "/tai-khoan/kho-du-lieu/them/", {"title": "Hộ chiếu", "file": upload("hc.pdf", pdf_bytes())}
    )
    assert response.status_code == 302
    page = client.get("/tai-khoan/kho-du-lieu/").content.decode()
    assert "Chưa kiểm tra được tệp “hc.pdf”" in page
    item = StoreItem.objects.get()
    assert _url(item.file) not in page  # no link to a file that cannot be read


def test_removing_from_the_store():
    owner = make_citizen()
    item = _in_store(owner)
    other = _client(make_citizen("Người Khác"))
    assert other.post(f"/tai-khoan/kho-du-lieu/{item.public_id}/xoa/").status_code == 404
    client = _client(owner)
    response = client.post(f"/tai-khoan/kho-du-lieu/{item.public_id}/xoa/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.removed_at is not None
    page = client.get("/tai-khoan/kho-du-lieu/").content.decode()
    assert "Kho dữ liệu của bạn chưa có giấy tờ nào." in page
