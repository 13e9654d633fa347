"""Delegation (ủy quyền) from a person or an organisation to another person, for chosen
procedures, until an expiry date; revocation and renouncing; acting on someone's behalf and
the audit log saying who acted for whom."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.fixtures.accounts import login_citizen, make_citizen

from motcua.accounts import acting
from motcua.accounts.models import Delegation, Membership, Organisation
from motcua.catalog.models import Procedure
from motcua.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _dates(start_days=0, length_days=30):
    start = timezone.localdate() + timedelta(days=start_days)
    return start.strftime("%d/%m/%Y"), (start + timedelta(days=length_days)).strftime("%d/%m/%Y")


@pytest.fixture
def two_procedures():
    return list(Procedure.objects.filter(has_detail=True).order_by("code")[:2])


@pytest.fixture
def principal_and_agent():
    return make_citizen("Bà Ủy Quyền"), make_citizen("Anh Được Ủy Quyền")


def _delegate(client, agent, procedures, start=0, length=30, **extra):
    valid_from, valid_until = _dates(start, length)
    data = {
        "agent_pid": agent.person.active_pid.number,
        "procedures": ", ".join(p.code for p in procedures),
        "valid_from": valid_from,
        "valid_until": valid_until,
        "note": "Nộp hồ sơ thay",
        **extra,
    }
    return client.post("/tai-khoan/uy-quyen/tao/", data)


def test_a_person_delegates_chosen_procedures_until_a_date(
    client, principal_and_agent, two_procedures
):
    principal, agent = principal_and_agent
    login_citizen(client, principal)
    response = _delegate(client, agent, two_procedures)
    delegation = Delegation.objects.get()
    assert response["Location"] == f"/tai-khoan/uy-quyen/{delegation.public_id}/"
    assert delegation.principal_person == principal.person
    assert delegation.agent == agent.person
    assert set(delegation.procedures.all()) == set(two_procedures)
    assert delegation.in_force
    entry = AuditEntry.objects.get(action="delegation_created")
    assert entry.actor == principal
    assert entry.details["procedures"] == [p.code for p in two_procedures]
    page = client.get(response["Location"]).content.decode()
    assert two_procedures[0].code in page
    assert "Đang hiệu lực" in page


def test_every_problem_of_a_delegation_is_listed_at_once(client, principal_and_agent):
    principal, _agent = principal_and_agent
    login_citizen(client, principal)
    response = client.post(
        "/tai-khoan/uy-quyen/tao/",
        {
            "agent_pid": principal.person.active_pid.number,
            "procedures": "9.999999, 1.001193x",
            "valid_from": "31/02/2026",
            "valid_until": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Không có thủ tục mang mã: 9.999999, 1.001193x." in html
    assert "Hãy ghi ngày theo dạng ngày/tháng/năm" in html
    assert "Hãy ghi ngày hết hạn ủy quyền." in html
    assert "9.999999, 1.001193x" in html  # kept as typed
    # The service's own checks also come all together.
    response = client.post(
        "/tai-khoan/uy-quyen/tao/",
        {
            "agent_pid": principal.person.active_pid.number,
            "procedures": Procedure.objects.first().code,
            "valid_from": _dates(-3)[0],
            "valid_until": _dates(-3, 365 * 6)[1],
        },
    )
    html = response.content.decode()
    assert "Bạn không ủy quyền cho chính mình." in html
    assert "Ngày bắt đầu không được trước hôm nay." in html
    assert "dài nhất 5 năm" in html
    assert not Delegation.objects.exists()


def test_the_agent_acts_for_the_principal_and_the_audit_log_says_so(
    client, principal_and_agent, two_procedures
):
    principal, agent = principal_and_agent
    login_citizen(client, principal)
    _delegate(client, agent, two_procedures[:1])
    delegation = Delegation.objects.get()
    login_citizen(client, agent)
    choices = client.get("/tai-khoan/thay-mat/").content.decode()
    assert "Bà Ủy Quyền" in choices
    response = client.post("/tai-khoan/thay-mat/", {"key": f"del:{delegation.public_id}"})
    assert response.status_code == 302
    header = client.get("/").content.decode()
    assert "Thay mặt: Bà Ủy Quyền" in header
    entry = AuditEntry.objects.get(action="acting_changed")
    assert entry.actor == agent
    assert entry.on_behalf_of == principal
    assert entry.details["delegation"] == delegation.pk

    request = client.get("/tai-khoan/thay-mat/").wsgi_request
    current = acting.current(request)
    assert current.may_file(two_procedures[0].pk)
    assert not current.may_file(two_procedures[1].pk)  # only the delegated procedures


def test_revoked_or_expired_delegations_stop_at_once(client, principal_and_agent, two_procedures):
    principal, agent = principal_and_agent
    login_citizen(client, principal)
    _delegate(client, agent, two_procedures)
    delegation = Delegation.objects.get()
    login_citizen(client, agent)
    client.post("/tai-khoan/thay-mat/", {"key": f"del:{delegation.public_id}"})
    # The principal revokes it in another browser.
    from django.test import Client

    principal_browser = Client()
    login_citizen(principal_browser, principal)
    response = principal_browser.post(f"/tai-khoan/uy-quyen/{delegation.public_id}/thu-hoi/")
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.status() == Delegation.Status.REVOKED
    assert "Thay mặt: Bà Ủy Quyền" not in client.get("/").content.decode()
    again = principal_browser.post(
        f"/tai-khoan/uy-quyen/{delegation.public_id}/thu-hoi/", follow=True
    )
    assert "đã kết thúc" in again.content.decode()

    Delegation.objects.filter(pk=delegation.pk).update(revoked_at=None)
    Delegation.objects.filter(pk=delegation.pk).update(
        valid_from=timezone.localdate() - timedelta(days=10),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    delegation.refresh_from_db()
    assert delegation.status() == Delegation.Status.EXPIRED
    assert not Delegation.objects.in_force().exists()


def test_a_delegation_starting_later_is_not_yet_in_force(
    client, principal_and_agent, two_procedures
):
    principal, agent = principal_and_agent
    login_citizen(client, principal)
    _delegate(client, agent, two_procedures, start=5)
    delegation = Delegation.objects.get()
    assert delegation.status() == Delegation.Status.PENDING
    login_citizen(client, agent)
    response = client.post("/tai-khoan/thay-mat/", {"key": f"del:{delegation.public_id}"})
    assert response.status_code == 403


def test_the_agent_can_renounce_but_not_revoke(client, principal_and_agent, two_procedures):
    principal, agent = principal_and_agent
    login_citizen(client, principal)
    _delegate(client, agent, two_procedures)
    delegation = Delegation.objects.get()
    login_citizen(client, agent)
    assert client.post(f"/tai-khoan/uy-quyen/{delegation.public_id}/thu-hoi/").status_code == 403
    assert client.post(f"/tai-khoan/uy-quyen/{delegation.public_id}/tu-choi/").status_code == 302
    delegation.refresh_from_db()
    assert delegation.status() == Delegation.Status.RENOUNCED
    assert AuditEntry.objects.filter(action="delegation_renounced", actor=agent).exists()


def test_an_organisation_delegates_through_its_managers_only(client, two_procedures):
    owner, employee, outsider = (
        make_citizen("Giám Đốc"),
        make_citizen("Nhân Viên"),
        make_citizen("Dịch Vụ Nộp Hộ"),
    )
    organisation = Organisation.objects.create(
        tax_code="0100233488", name="Công ty TNHH Thử", kind="enterprise"
    )
    Membership.objects.create(organisation=organisation, person=owner.person, role="representative")
    Membership.objects.create(organisation=organisation, person=employee.person, role="member")
    valid_from, valid_until = _dates()
    data = {
        "to_chuc": organisation.public_id,
        "agent_pid": outsider.person.active_pid.number,
        "procedures": two_procedures[0].code,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    login_citizen(client, employee)
    assert client.post("/tai-khoan/uy-quyen/tao/", data).status_code == 403
    login_citizen(client, owner)
    assert client.post("/tai-khoan/uy-quyen/tao/", data).status_code == 302
    delegation = Delegation.objects.get()
    assert delegation.principal_organisation == organisation
    entry = AuditEntry.objects.get(action="delegation_created")
    assert entry.on_behalf_of_organisation == organisation
    # The outsider now may act for the organisation, the employee as a member.
    login_citizen(client, outsider)
    keys = [a.key for a in acting.options(outsider)]
    assert f"del:{delegation.public_id}" in keys
    login_citizen(client, employee)
    assert f"org:{organisation.public_id}" in [a.key for a in acting.options(employee)]
