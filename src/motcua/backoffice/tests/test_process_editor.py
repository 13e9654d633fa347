"""Agency administrators edit the process of a procedure: the steps, their roles, agencies and
shares, with every problem listed at once, what was typed kept, and the change audited."""

from __future__ import annotations

import pytest
from tests.fixtures.accounts import login_staff, make_staff

from motcua.catalog.models import Procedure
from motcua.core.models import AuditEntry
from motcua.dossiers import processes
from motcua.dossiers.models import Process
from motcua.units.models import Agency, Province

pytestmark = pytest.mark.django_db

CODE = "1.001193"
URL = f"/can-bo/quy-trinh/{CODE}/"


@pytest.fixture
def admin(client):
    user = make_staff("agency_admin", "000.00.00.H36")
    login_staff(client, user)
    return user


def _post(rows):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data |= {f"form-{i}-{key}": value for key, value in row.items()}
        data.setdefault(f"form-{i}-ORDER", str(i + 1))
    return data


def test_the_list_and_the_page_show_the_default_process_with_budgets(client, admin):
    listing = client.get("/can-bo/quy-trinh/").content.decode()
    assert "quy trình mặc định" in listing
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tiếp nhận" in text
    assert "Phê duyệt" in text
    assert "Số ngày làm việc" in text


def test_a_valid_process_is_saved_for_the_province_and_audited(client, admin):
    here = Agency.objects.filter(code__endswith=".H36", kind="commune_committee").first()
    rows = [
        {"kind": "reception", "role": "clerk", "share": "10", "ORDER": "2"},
        {"kind": "processing", "role": "specialist", "share": "70", "agency": here.code,
         "ORDER": "1"},
        {"kind": "return", "role": "clerk", "share": "20", "ORDER": "3"},
        {"kind": "approval", "role": "leader", "share": "5", "DELETE": "on", "ORDER": "4"},
    ]  # fmt: skip
    response = client.post(URL, _post(rows))
    assert response.status_code == 302
    lam_dong = Province.objects.get(qcvn_code="H36")
    process = Process.objects.get(procedure__code=CODE, province=lam_dong)
    steps = processes.steps_of(process)
    assert [(s.kind, s.share) for s in steps] == [
        ("processing", 70), ("reception", 10), ("return", 20)
    ]  # fmt: skip
    assert steps[0].agency == here
    assert AuditEntry.objects.filter(action="process_changed").exists()
    procedure = Procedure.objects.get(code=CODE)
    assert processes.process_for(procedure, lam_dong) == steps


def test_every_problem_is_listed_at_once_and_what_was_typed_is_kept(client, admin):
    elsewhere = Agency.objects.filter(code__endswith=".H37").exclude(kind="ministry").first()
    rows = [
        {"kind": "approval", "role": "boss", "share": "30"},
        {"kind": "reception", "role": "clerk", "share": "15", "agency": elsewhere.code},
    ]
    response = client.post(URL, _post(rows))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Vai trò “boss” không tồn tại." in text
    assert "nằm ngoài phạm vi quản trị của bạn" in text
    assert "Quy trình cần ít nhất một bước xử lý." in text
    assert "Quy trình cần ít nhất một bước trả kết quả." in text
    assert f'value="{elsewhere.code}"' in text
    assert 'value="15"' in text
    assert not Process.objects.exists()


def test_shares_that_do_not_sum_to_100_are_refused(client, admin):
    rows = [
        {"kind": "processing", "role": "specialist", "share": "60"},
        {"kind": "return", "role": "clerk", "share": "30"},
    ]
    text = client.post(URL, _post(rows)).content.decode()
    assert "phải bằng 100% (hiện là 90%)" in text
    assert not Process.objects.exists()


def test_staff_who_do_not_configure_are_refused(client):
    clerk = make_staff("clerk", "000.00.00.H36")
    login_staff(client, clerk)
    rows = [
        {"kind": "processing", "role": "specialist", "share": "80"},
        {"kind": "return", "role": "clerk", "share": "20"},
    ]
    assert client.get(URL).status_code in (403, 404)
    assert client.post(URL, _post(rows)).status_code in (403, 404)
    assert not Process.objects.exists()


def test_an_admin_of_another_province_does_not_touch_this_one(client):
    other = make_staff("agency_admin", "000.00.00.H37")
    login_staff(client, other)
    rows = [
        {"kind": "processing", "role": "specialist", "share": "80"},
        {"kind": "return", "role": "clerk", "share": "20"},
    ]
    assert client.post(URL, _post(rows)).status_code == 302
    lam_dong = Province.objects.get(qcvn_code="H36")
    procedure = Procedure.objects.get(code=CODE)
    assert processes.process_for(procedure, lam_dong) == processes.DEFAULT_STEPS
