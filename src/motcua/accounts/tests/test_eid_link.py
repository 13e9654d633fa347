"""A local account linked to the e-ID later: the real protocol against the bundled provider."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from tests.fixtures.accounts import login_citizen, make_local_citizen

from motcua.accounts import sessions
from motcua.accounts.models import Person
from motcua.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _link(client, eid_provider, citizen_index: int):
    response = client.post("/tai-khoan/vneid/lien-ket/")
    assert response.status_code == 302, response.content[:300]
    callback = eid_provider.login_as(requests.Session(), response["Location"], citizen_index)
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


def test_a_local_account_links_to_the_e_id_and_its_data_becomes_verified(
    client, eid_settings, eid_provider, citizens
):
    user = make_local_citizen("Tên Tự Khai", phone="0977000111")
    login_citizen(client, user)
    response = _link(client, eid_provider, 0)
    assert response["Location"] == "/tai-khoan/ho-so/"
    person = Person.objects.get(user=user)
    assert person.eid_subject == citizens[0]["sub"]
    assert person.full_name == citizens[0]["name"]
    assert person.is_verified("full_name")
    assert person.active_pid.number == citizens[0]["pid"]
    assert client.session["_auth_user_id"] == str(user.pk)  # the same account
    assert client.session[sessions.AUTH_KEY] == {
        **client.session[sessions.AUTH_KEY],
        "method": "eid",
        "level": citizens[0]["level"],
    }
    assert AuditEntry.objects.filter(action="eid_linked", actor=user).exists()
    user.refresh_from_db()
    assert user.phone_verified_at is not None  # the phone login still works


def test_an_e_id_with_its_own_account_is_not_linked_to_another(
    client, eid_settings, eid_provider, log_in
):
    log_in(0)  # citizen 0 has an account of their own now
    client.logout()
    user = make_local_citizen(phone="0977000222")
    login_citizen(client, user)
    response = _link(client, eid_provider, 0)
    assert response.status_code == 400
    assert "đã có tài khoản riêng trên cổng" in response.content.decode()
    assert Person.objects.get(user=user).eid_subject is None


def test_linking_needs_a_logged_in_citizen(client, eid_settings):
    response = client.post("/tai-khoan/vneid/lien-ket/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
