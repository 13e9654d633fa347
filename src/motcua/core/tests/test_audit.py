"""The audit log: written for logins, logouts and failed logins; never updated nor deleted."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, connection, transaction
from tests.fixtures.accounts import login_staff, make_staff, totp_now

from motcua.core import audit
from motcua.core.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "dung-mat-khau-2025!"
STAFF_LOGIN = "/can-bo/dang-nhap/"
SECOND_FACTOR = "/can-bo/dang-nhap/ma-xac-thuc/"


@pytest.fixture
def staff():
    return make_staff("clerk", "000.00.04.H36", username="canbo.lamdong", password=PASSWORD)


def _only(action: str) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, entries
    return entries[0]


def test_a_login_and_a_logout_are_recorded_with_the_user_and_address(client, staff):
    response = client.post(STAFF_LOGIN, {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="login").exists()  # half a login is none
    response = client.post(SECOND_FACTOR, {"code": totp_now(staff)})
    assert response.status_code == 302
    login = _only("login")
    assert login.actor == staff
    assert login.ip == "127.0.0.1"
    assert login.details["path"] == SECOND_FACTOR
    assert _only("mfa_verified").actor == staff

    client.post("/tai-khoan/dang-xuat/")
    logout = _only("logout")
    assert logout.actor == staff
    assert logout.at >= login.at


def test_a_failed_login_keeps_no_password_and_only_a_keyed_hash_of_the_name(client, staff):
    client.post(STAFF_LOGIN, {"username": staff.username, "password": "sai-mat-khau-1"})
    client.post(STAFF_LOGIN, {"username": "khong.ton.tai", "password": "sai-mat-khau-2"})

    known, unknown = AuditEntry.objects.filter(action="login_failed").order_by("id")
    assert known.actor is None
    assert (known.object_type, known.object_id) == ("accounts.user", str(staff.pk))
    assert known.details["known_user"] is True
    assert unknown.object_id == ""
    assert unknown.details["known_user"] is False
    assert unknown.details["username_hash"] == audit.username_hash("khong.ton.tai")
    assert len(unknown.details["username_hash"]) == 32
    for entry in (known, unknown):
        text = json.dumps(entry.details)
        assert "sai-mat-khau" not in text
        assert "*****" not in text  # not even Django's masked copy of the password
        assert "password" not in text
        assert "khong.ton.tai" not in text
        assert staff.username not in text


def test_the_username_hash_is_keyed_with_the_secret_key(settings):
    first = audit.username_hash("Nguoi.Dung")
    assert first == audit.username_hash("nguoi.dung ")
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    assert audit.username_hash("nguoi.dung") != first


def test_record_drops_personal_data_passed_by_mistake(rf, staff):
    request = rf.get("/", REMOTE_ADDR="2001:db8::1")
    request.user = staff
    entry = audit.record(
        "profile_viewed", obj=staff, request=request, password="x", pid="001099012345", ok=1
    )
    entry.refresh_from_db()
    assert entry.details == {"ok": 1}
    assert entry.actor == staff
    assert entry.ip == "2001:db8::1"
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(staff.pk))


def test_an_entry_cannot_be_changed_or_deleted_through_the_model(staff):
    entry = audit.record("login", actor=staff)
    entry.action = "logout"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="logout")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert AuditEntry.objects.get(pk=entry.pk).action == "login"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditentry SET action = 'logout' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(staff, sql):
    entry = audit.record("login", actor=staff)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "login"


def test_the_admin_lists_entries_read_only_for_system_admins(client, django_user_model, staff):
    audit.record("login", actor=staff)
    admin_user = django_user_model.objects.create_superuser("quantri.test", password=PASSWORD)
    url = "/quan-tri/core/auditentry/"

    login_staff(client, staff)
    refused = client.get(url)
    assert refused.status_code == 302  # to the admin login, which is the staff login
    assert client.get(refused["Location"])["Location"].startswith(STAFF_LOGIN)

    login_staff(client, admin_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"/quan-tri/core/auditentry/add/" not in response.content
    assert client.get(url + "add/").status_code == 403
    entry = AuditEntry.objects.filter(action="login").first()
    assert client.post(f"{url}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
