"""Agency administrators manage the staff of their subtree: add (with an e-mailed invitation),
grant and revoke roles, lock, reset the second factor. Nobody changes their own roles; nobody
reaches beyond their subtree; every change is audited."""

from __future__ import annotations

import pytest
from tests.fixtures.accounts import login_staff, make_staff

from motcua.accounts.access import scope_of
from motcua.accounts.models import Permission, RoleAssignment, User
from motcua.core.models import AuditEntry
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db

PROVINCE = "000.00.00.H36"  # UBND tỉnh Lâm Đồng
JUSTICE = "000.00.04.H36"  # Sở Tư pháp Lâm Đồng
FINANCE = "000.00.03.H36"
OTHER_PROVINCE_JUSTICE = "000.00.04.H37"


@pytest.fixture
def justice_admin():
    return make_staff("agency_admin", JUSTICE, username="quantri.sotuphap")


def _agency(code):
    return Agency.objects.get(code=code)


def test_the_list_shows_only_staff_within_reach(client, justice_admin):
    inside = make_staff("clerk", JUSTICE, username="trong.pham.vi")
    outside = make_staff("clerk", FINANCE, username="ngoai.pham.vi")
    login_staff(client, justice_admin)
    html = client.get("/can-bo/nhan-su/").content.decode()
    assert inside.username in html
    assert outside.username not in html
    assert client.get(f"/can-bo/nhan-su/{outside.public_id}/").status_code == 404


def test_adding_staff_sends_an_invitation_and_audits_it(
    client, justice_admin, mailoutbox, django_capture_on_commit_callbacks
):
    login_staff(client, justice_admin)
    form = client.get("/can-bo/nhan-su/them/").content.decode()
    assert _agency(JUSTICE).name in form
    assert _agency(FINANCE).name not in form  # not offered
    assert "Quản trị hệ thống" not in form
    assert "Giám sát" not in form
    data = {
        "full_name": "Đặng Văn Toàn",
        "username": "toan.sotuphap",
        "email": "toan@sotuphap.lamdong.gov.vn",
        "phone": "",
        "position": "Chuyên viên",
        "agency": _agency(JUSTICE).pk,
        "role": "specialist",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/can-bo/nhan-su/them/", data)
    member = User.objects.get(username="toan.sotuphap")
    assert response["Location"] == f"/can-bo/nhan-su/{member.public_id}/"
    assert member.is_staff_member
    assert member.agency.code == JUSTICE
    assert not member.has_usable_password()
    assert [a.role for a in RoleAssignment.objects.filter(user=member)] == ["specialist"]
    assert len(mailoutbox) == 1
    assert "toan.sotuphap" in mailoutbox[0].body
    assert "/can-bo/kich-hoat/" in mailoutbox[0].body
    actions = set(
        AuditEntry.objects.filter(object_id=str(member.pk)).values_list("action", flat=True)
    )
    assert {"staff_created", "role_granted", "staff_invited"} <= actions


def test_every_problem_of_the_new_staff_form_is_listed(client, justice_admin):
    make_staff("clerk", JUSTICE, username="da.co")
    login_staff(client, justice_admin)
    response = client.post(
        "/can-bo/nhan-su/them/",
        {
            "full_name": "",
            "username": "Có Dấu!",
            "email": "khong-phai-email",
            "phone": "123",
            "agency": _agency(FINANCE).pk,
            "role": "system_admin",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    for message in (
        "Hãy nhập họ và tên.",
        "Tên đăng nhập gồm 3–60 ký tự",
        "Địa chỉ e-mail chưa đúng.",
        "Số điện thoại di động phải có 10 chữ số",
        "Cơ quan này không thuộc phạm vi bạn quản lý.",
        "Hãy chọn một lựa chọn hợp lệ",
    ):
        assert message in html, message
    assert 'value="khong-phai-email"' in html


def test_roles_are_granted_within_reach_only(client, justice_admin):
    member = make_staff("clerk", JUSTICE)
    login_staff(client, justice_admin)
    url = f"/can-bo/nhan-su/{member.public_id}/vai-tro/"
    assert (
        client.post(url, {"grant-role": "leader", "grant-agency": _agency(JUSTICE).pk}).status_code
        == 302
    )
    assert RoleAssignment.objects.active().filter(user=member, role="leader").exists()
    refused = client.post(url, {"grant-role": "leader", "grant-agency": _agency(FINANCE).pk})
    assert refused.status_code == 400
    assert "không thuộc phạm vi" in refused.content.decode()
    refused = client.post(url, {"grant-role": "supervisor", "grant-agency": _agency(JUSTICE).pk})
    assert refused.status_code == 400
    duplicate = client.post(url, {"grant-role": "leader", "grant-agency": _agency(JUSTICE).pk})
    assert "đã có vai trò này" in duplicate.content.decode()
    assert RoleAssignment.objects.active().filter(user=member).count() == 2


def test_revoking_a_role_takes_effect_at_once(client, justice_admin):
    member = make_staff("leader", JUSTICE)
    assignment = RoleAssignment.objects.get(user=member)
    assert scope_of(member).allows(Permission.DOSSIER_DECIDE, _agency(JUSTICE))
    login_staff(client, justice_admin)
    response = client.post(f"/can-bo/nhan-su/{member.public_id}/vai-tro/{assignment.pk}/thu-hoi/")
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_by == justice_admin
    member = User.objects.get(pk=member.pk)
    assert not scope_of(member).allows(Permission.DOSSIER_DECIDE, _agency(JUSTICE))
    entry = AuditEntry.objects.get(action="role_revoked")
    assert entry.actor == justice_admin
    assert entry.details["role"] == "leader"


def test_nobody_changes_their_own_roles(client):
    admin = make_staff("agency_admin", PROVINCE)
    login_staff(client, admin)
    response = client.post(
        f"/can-bo/nhan-su/{admin.public_id}/vai-tro/",
        {"grant-role": "leader", "grant-agency": _agency(PROVINCE).pk},
    )
    assert response.status_code == 403
    own = RoleAssignment.objects.get(user=admin)
    assert (
        client.post(f"/can-bo/nhan-su/{admin.public_id}/vai-tro/{own.pk}/thu-hoi/").status_code
        == 403
    )
    assert client.post(f"/can-bo/nhan-su/{admin.public_id}/khoa/").status_code == 403


def test_a_locked_account_is_logged_out_at_its_next_request(client, justice_admin):
    from django.test import Client

    member = make_staff("clerk", JUSTICE)
    their_browser = Client()
    login_staff(their_browser, member)
    assert their_browser.get("/can-bo/").status_code == 200
    login_staff(client, justice_admin)
    client.post(f"/can-bo/nhan-su/{member.public_id}/khoa/", {"action": "lock"})
    assert their_browser.get("/can-bo/").status_code == 302
    client.post(f"/can-bo/nhan-su/{member.public_id}/khoa/", {"action": "unlock"})
    member.refresh_from_db()
    assert member.is_active
    actions = list(
        AuditEntry.objects.filter(object_id=str(member.pk), action__startswith="staff_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["staff_deactivated", "staff_activated"]


def test_resetting_the_second_factor_makes_the_next_login_set_it_up(client, justice_admin):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    member = make_staff("clerk", JUSTICE)
    login_staff(client, justice_admin)
    client.post(f"/can-bo/nhan-su/{member.public_id}/xac-thuc/")
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert AuditEntry.objects.filter(action="mfa_reset", object_id=str(member.pk)).exists()


def test_a_provincial_admin_reaches_departments_and_communes_of_the_province_only(client):
    admin = make_staff("agency_admin", PROVINCE)
    commune = Agency.objects.filter(code__endswith=".H36", kind="commune_committee").first()
    other = make_staff("clerk", OTHER_PROVINCE_JUSTICE)
    in_commune = make_staff("clerk", commune.code)
    login_staff(client, admin)
    assert client.get(f"/can-bo/nhan-su/{in_commune.public_id}/").status_code == 200
    assert client.get(f"/can-bo/nhan-su/{other.public_id}/").status_code == 404


def test_a_supervisor_reads_the_staff_pages_and_changes_nothing(client):
    supervisor = make_staff("supervisor", PROVINCE)
    member = make_staff("clerk", JUSTICE)
    login_staff(client, supervisor)
    page = client.get(f"/can-bo/nhan-su/{member.public_id}/")
    assert page.status_code == 200
    assert "Gán vai trò" not in page.content.decode()
    assert client.post(f"/can-bo/nhan-su/{member.public_id}/khoa/").status_code == 403
    assert client.get("/can-bo/nhan-su/them/").status_code == 403
    member.refresh_from_db()
    assert member.is_active


def test_a_system_admin_grants_a_supervisor_role_at_a_province_only(client):
    root = make_staff("system_admin", None)
    member = make_staff("clerk", JUSTICE)
    login_staff(client, root)
    url = f"/can-bo/nhan-su/{member.public_id}/vai-tro/"
    refused = client.post(url, {"grant-role": "supervisor", "grant-agency": _agency(JUSTICE).pk})
    assert "Vai trò giám sát chỉ gán tại UBND tỉnh" in refused.content.decode()
    client.post(url, {"grant-role": "supervisor", "grant-agency": _agency(PROVINCE).pk})
    assert RoleAssignment.objects.active().filter(user=member, role="supervisor").exists()


def test_a_role_can_be_narrowed_to_some_procedures(client, justice_admin):
    from motcua.catalog.models import Procedure

    member = make_staff("clerk", JUSTICE)
    first, second = Procedure.objects.order_by("code")[:2]
    login_staff(client, justice_admin)
    url = f"/can-bo/nhan-su/{member.public_id}/vai-tro/"
    bad = client.post(
        url,
        {
            "grant-role": "specialist",
            "grant-agency": _agency(JUSTICE).pk,
            "grant-procedures": "x.1",
        },
    )
    assert "Không có thủ tục mang mã: x.1." in bad.content.decode()
    client.post(
        url,
        {
            "grant-role": "specialist",
            "grant-agency": _agency(JUSTICE).pk,
            "grant-procedures": first.code,
        },
    )
    scope = scope_of(User.objects.get(pk=member.pk))
    justice = _agency(JUSTICE)
    assert scope.allows(Permission.DOSSIER_PROCESS, justice, procedure_id=first.pk)
    assert not scope.allows(Permission.DOSSIER_PROCESS, justice, procedure_id=second.pk)
    page = client.get(f"/can-bo/nhan-su/{member.public_id}/").content.decode()
    assert f"Chỉ các thủ tục: {first.code}" in page
