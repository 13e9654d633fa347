"""Organisations by tax code, checked against the (demo) national business registry over HTTP;
members and their roles; everything done for an organisation is audited as such."""

from __future__ import annotations

import pytest
import requests
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.vn import mst
from tests.fixtures.accounts import login_citizen, make_citizen

from motcua.accounts.models import MemberRole, Membership, Organisation, normalise_tax_code
from motcua.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(settings, eid_provider):
    settings.MOTCUA_BUSINESS_REGISTRY = "demo"
    settings.MOTCUA_BUSINESS_REGISTRY_URL = f"{eid_provider.base_url}/demo/businesses.json"
    settings.MOTCUA_BUSINESS_REGISTRY_TIMEOUT = 5
    return requests.get(settings.MOTCUA_BUSINESS_REGISTRY_URL, timeout=10).json()["businesses"]


def _citizen_of(citizens, pid):
    match = next(c for c in citizens if c["pid"] == pid)
    return make_citizen(match["name"], pid=pid)


def test_tax_codes_are_checked_by_format_and_check_digit():
    assert normalise_tax_code(" 0100233488 ") == "0100233488"
    assert normalise_tax_code("0100233488 - 001") == "0100233488-001"
    with pytest.raises(ValidationError, match="chữ số kiểm tra"):
        normalise_tax_code("0100233489")
    with pytest.raises(ValidationError, match="10 chữ số"):
        normalise_tax_code("01002334")
    with pytest.raises(ValidationError, match="Hãy nhập"):
        normalise_tax_code("")


@given(st.integers(min_value=0, max_value=10**9 - 1))
def test_a_nine_digit_body_with_its_check_digit_is_a_valid_tax_code(body):
    digits = f"{body:09d}"
    check = mst.calc_check_digit(digits)
    # A body whose check would be 10 has no valid code; a serial of seven zeros is never
    # issued (python-stdnum refuses it as a component).
    if len(check) == 1 and digits[2:9] != "0000000":
        assert normalise_tax_code(digits + check) == digits + check
        wrong = str((int(check) + 1) % 10)
        with pytest.raises(ValidationError):
            normalise_tax_code(digits + wrong)


def test_the_legal_representative_registers_the_organisation(client, registry, citizens):
    business = registry[0]
    user = _citizen_of(citizens, business["representative_pid"])
    login_citizen(client, user, level=2)
    response = client.post("/tai-khoan/to-chuc/dang-ky/", {"tax_code": business["tax_code"]})
    organisation = Organisation.objects.get(tax_code=business["tax_code"])
    assert response["Location"] == f"/tai-khoan/to-chuc/{organisation.public_id}/"
    assert organisation.name == business["name"]
    assert organisation.verified_at is not None
    membership = Membership.objects.get(organisation=organisation)
    assert membership.role == MemberRole.REPRESENTATIVE
    entry = AuditEntry.objects.get(action="organisation_registered")
    assert entry.actor == user
    assert entry.on_behalf_of_organisation == organisation
    page = client.get(response["Location"]).content.decode()
    assert business["tax_code"] in page
    assert "Người đại diện theo pháp luật" in page


def test_someone_else_cannot_register_an_organisation(client, registry, citizens):
    business = registry[0]
    other = next(c for c in citizens if c["pid"] != business["representative_pid"])
    login_citizen(client, _citizen_of(citizens, other["pid"]), level=2)
    response = client.post("/tai-khoan/to-chuc/dang-ky/", {"tax_code": business["tax_code"]})
    assert response.status_code == 400
    assert "không phải người đại diện theo pháp luật" in response.content.decode()
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("tax_code", "message"),
    [
        ("0100233489", "chữ số kiểm tra không khớp"),
        ("0100233488", "Không có tổ chức nào mang mã số thuế này"),
    ],
)
def test_wrong_or_unknown_tax_codes_are_refused_with_the_input_kept(
    client, registry, citizens, tax_code, message
):
    login_citizen(client, _citizen_of(citizens, citizens[0]["pid"]), level=2)
    response = client.post("/tai-khoan/to-chuc/dang-ky/", {"tax_code": tax_code})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'value="{tax_code}"' in html


def test_a_dissolved_organisation_is_refused(client, registry, citizens):
    business = next(b for b in registry if b["status"] != "active")
    login_citizen(client, _citizen_of(citizens, business["representative_pid"]), level=2)
    response = client.post("/tai-khoan/to-chuc/dang-ky/", {"tax_code": business["tax_code"]})
    assert response.status_code == 400
    assert "không còn hoạt động" in response.content.decode()


def test_registering_needs_a_level_2_login(client, registry, citizens):
    business = registry[0]
    login_citizen(client, _citizen_of(citizens, business["representative_pid"]), level=1)
    response = client.post("/tai-khoan/to-chuc/dang-ky/", {"tax_code": business["tax_code"]})
    assert response.status_code == 403
    assert "?muc=2" in response.content.decode()


def test_an_unreachable_registry_loses_nothing_and_says_so(client, settings, citizens):
    settings.MOTCUA_BUSINESS_REGISTRY_URL = "http://127.0.0.1:9/demo/businesses.json"
    settings.MOTCUA_BUSINESS_REGISTRY_TIMEOUT = 2
    login_citizen(client, make_citizen("Ai Đó"), level=2)
    response = client.post("/tai-khoan/to-chuc/dang-ky/", {"tax_code": "0100233488"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chưa kiểm tra được mã số thuế" in html
    assert "không kết nối được" in html
    assert 'value="0100233488"' in html


@pytest.fixture
def organisation_with_members():
    owner = make_citizen("Chủ Doanh Nghiệp")
    organisation = Organisation.objects.create(
        tax_code="0100233488", name="Công ty TNHH Thử", kind="enterprise"
    )
    Membership.objects.create(organisation=organisation, person=owner.person, role="representative")
    return organisation, owner


def test_members_are_added_by_identification_number_and_managed(client, organisation_with_members):
    organisation, owner = organisation_with_members
    employee = make_citizen("Nhân Viên Một")
    login_citizen(client, owner)
    base = f"/tai-khoan/to-chuc/{organisation.public_id}/"
    unknown = client.post(base + "thanh-vien/", {"pid": "012345678901", "role": "member"})
    assert unknown.status_code == 400
    assert "Chưa có ai dùng số định danh này" in unknown.content.decode()
    bad = client.post(base + "thanh-vien/", {"pid": "12345", "role": "owner"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "gồm đúng 12 chữ số" in html
    assert "Hãy chọn một lựa chọn hợp lệ" in html

    pid = employee.person.active_pid.number
    assert client.post(base + "thanh-vien/", {"pid": pid, "role": "member"}).status_code == 302
    membership = Membership.objects.get(person=employee.person)
    assert membership.role == "member"
    again = client.post(base + "thanh-vien/", {"pid": pid, "role": "member"})
    assert "đã là thành viên" in again.content.decode()

    change = f"{base}thanh-vien/{membership.public_id}/"
    client.post(change, {"role": "admin"})
    membership.refresh_from_db()
    assert membership.role == "admin"
    client.post(change, {"action": "remove"})
    membership.refresh_from_db()
    assert membership.removed_at is not None
    actions = list(
        AuditEntry.objects.filter(on_behalf_of_organisation=organisation)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["member_added", "member_role_changed", "member_removed"]


def test_a_plain_member_sees_the_organisation_but_changes_nothing(
    client, organisation_with_members
):
    organisation, owner = organisation_with_members
    employee = make_citizen("Nhân Viên Hai")
    Membership.objects.create(organisation=organisation, person=employee.person, role="member")
    login_citizen(client, employee)
    base = f"/tai-khoan/to-chuc/{organisation.public_id}/"
    page = client.get(base)
    assert page.status_code == 200
    assert "Thêm thành viên" not in page.content.decode()
    other = make_citizen("Người Ngoài")
    response = client.post(
        base + "thanh-vien/", {"pid": other.person.active_pid.number, "role": "member"}
    )
    assert response.status_code == 403
    owner_membership = Membership.objects.get(person=owner.person)
    response = client.post(f"{base}thanh-vien/{owner_membership.public_id}/", {"action": "remove"})
    assert response.status_code == 403
    assert Membership.objects.active().filter(organisation=organisation).count() == 2


def test_the_representative_cannot_be_removed(client, organisation_with_members):
    organisation, owner = organisation_with_members
    manager = make_citizen("Quản Lý")
    Membership.objects.create(organisation=organisation, person=manager.person, role="admin")
    login_citizen(client, manager)
    representative = Membership.objects.get(person=owner.person)
    response = client.post(
        f"/tai-khoan/to-chuc/{organisation.public_id}/thanh-vien/{representative.public_id}/",
        {"action": "remove"},
        follow=True,
    )
    assert "Không thay đổi được người đại diện" in response.content.decode()
    representative.refresh_from_db()
    assert representative.removed_at is None
