"""Brute-force lockout of the password login (django-axes) and the sliding session expiry."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends import base as session_base
from django.contrib.sessions.models import Session
from django.utils import timezone
from tests.fixtures.accounts import login_staff, make_staff, totp_now
from tests.fixtures.caches import redis_cache

from motcua.core import audit
from motcua.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "dung-mat-khau-2025!"
WRONG = "sai-mat-khau-brute"
STAFF_LOGIN = "/can-bo/dang-nhap/"


@pytest.fixture
def staff():
    return make_staff("clerk", "000.00.04.H36", username="canbo.lamdong", password=PASSWORD)


def _login(client, username, password):
    """The password step of the staff login: 302 to the second factor when right."""
    return client.post(STAFF_LOGIN, {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_out_from_that_address(client, staff, caplog):
    caplog.set_level(logging.DEBUG)
    for _ in range(4):
        assert _login(client, staff.username, WRONG).status_code == 400  # the form again
    fifth = _login(client, staff.username, WRONG)
    assert fifth.status_code == 429

    sixth = _login(client, staff.username, PASSWORD)
    assert sixth.status_code == 429
    page = sixth.content.decode()
    assert "Tạm khoá đăng nhập" in page
    assert "15 phút" in page
    assert sixth["Retry-After"] == "900"
    assert "'self'" in sixth["Content-Security-Policy"]
    assert "unsafe-inline" not in sixth["Content-Security-Policy"]
    assert " style=" not in page
    assert "<script>" not in page
    assert "_auth_user_id" not in client.session

    lockout = AuditEntry.objects.filter(action="lockout").order_by("id").first()
    assert lockout is not None
    assert (lockout.object_type, lockout.object_id) == ("accounts.user", str(staff.pk))
    assert lockout.ip == "127.0.0.1"
    assert lockout.details["username_hash"] == audit.username_hash(staff.username)
    assert not AuditEntry.objects.filter(action="login").exists()
    assert "motcua_pending_login" not in client.session  # not even half logged in

    # Nothing logged or stored carries the password.
    assert "AXES: Locking out" in caplog.text
    assert WRONG not in caplog.text
    assert PASSWORD not in caplog.text
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get()
    assert WRONG not in attempt.post_data
    assert PASSWORD not in attempt.post_data


def test_the_lockout_is_per_address(client, staff):
    for _ in range(5):
        _login(client, staff.username, WRONG)
    other = client.post(
        STAFF_LOGIN, {"username": staff.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert other.status_code == 302
    assert other["Location"] == "/can-bo/dang-nhap/ma-xac-thuc/"


def test_a_whole_successful_login_before_the_limit_resets_the_count(client, staff):
    for _ in range(4):
        _login(client, staff.username, WRONG)
    assert _login(client, staff.username, PASSWORD).status_code == 302
    # Only a whole login (password and second factor) counts as a success.
    done = client.post("/can-bo/dang-nhap/ma-xac-thuc/", {"code": totp_now(staff)})
    assert done["Location"] == "/can-bo/"
    client.logout()
    for _ in range(4):
        assert _login(client, staff.username, WRONG).status_code == 400
    assert _login(client, staff.username, PASSWORD).status_code == 302


def test_authenticate_without_a_request_still_works(staff):
    from django.contrib.auth import authenticate

    assert authenticate(username=staff.username, password=PASSWORD, portal="staff") == staff


def test_the_session_expires_after_the_idle_timeout_and_slides_on_each_request(
    client, staff, monkeypatch
):
    idle = settings.MOTCUA_SESSION_IDLE_MINUTES * 60
    assert idle == settings.SESSION_COOKIE_AGE
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"

    login_staff(client, staff)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    first_expiry = Session.objects.get(session_key=key).expire_date

    # Ten minutes later, any request (one that does not touch the session) renews it.
    later = timezone.now() + timedelta(minutes=10)
    monkeypatch.setattr(session_base.timezone, "now", lambda: later)
    response = client.get("/healthz")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == idle
    assert cookie["httponly"]
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed - first_expiry >= timedelta(minutes=9)
    assert renewed == later + timedelta(seconds=idle)


def test_an_untouched_session_is_written_again_only_once_a_minute(client, staff, monkeypatch):
    from motcua.accounts.session_engines import RENEW_SECONDS

    login_staff(client, staff)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    stored = Session.objects.get(session_key=key).expire_date
    start = timezone.now()

    def at(seconds):
        moment = start + timedelta(seconds=seconds)
        monkeypatch.setattr(session_base.timezone, "now", lambda: moment)

    # Within the minute: the cookie is renewed, the stored row is not written.
    at(RENEW_SECONDS - 5)
    response = client.get("/healthz")
    assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == (
        settings.SESSION_COOKIE_AGE
    )
    assert Session.objects.get(session_key=key).expire_date == stored
    # A session whose data changed is written at once.
    session = client.session
    session["motcua_test"] = "đã đổi"
    session.save()
    changed = Session.objects.get(session_key=key)
    assert changed.get_decoded()["motcua_test"] == "đã đổi"
    # A minute after its last write, the next request writes it again, the expiry moved on.
    at(2 * RENEW_SECONDS + 1)
    client.get("/healthz")
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed == start + timedelta(seconds=2 * RENEW_SECONDS + 1 + settings.SESSION_COOKIE_AGE)
    assert renewed > changed.expire_date


def test_sessions_are_read_from_a_shared_cache_and_end_everywhere(settings, staff):
    """With Redis as the cache, a session is read from it; its end reaches the database too."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.accounts.session_engines.cached import SessionStore

    with redis_cache(settings, 11):
        session = SessionStore()
        session["_auth_user_id"] = str(staff.pk)
        session.create()
        caches["default"].close()  # as another process would: a new connection
        with CaptureQueriesContext(connection) as queries:
            assert SessionStore(session.session_key)["_auth_user_id"] == str(staff.pk)
        assert len(queries) == 0
        assert Session.objects.filter(session_key=session.session_key).exists()
        ended = SessionStore(session.session_key)
        ended.flush()  # logout
        assert not Session.objects.filter(session_key=session.session_key).exists()
        assert "_auth_user_id" not in SessionStore(session.session_key)


def test_one_address_trying_many_names_is_stopped(client, settings):
    settings.MOTCUA_LOGIN_IP_FAILURE_LIMIT = 6
    for n in range(6):
        assert _login(client, f"ten.{n}", WRONG).status_code == 400
    response = _login(client, "ten.moi", WRONG)
    assert response.status_code == 429
    assert "từ mạng của bạn" in response.content.decode()
    response = client.post("/tai-khoan/dang-nhap/", {"username": "0912000000", "password": "x"})
    assert response.status_code == 429
    # Another address is not affected.
    other = client.post(
        STAFF_LOGIN, {"username": "ten.0", "password": WRONG}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 400
