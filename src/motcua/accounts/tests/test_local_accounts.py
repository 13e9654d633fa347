"""Local accounts: a phone number or e-mail address, a password and one-time codes, at the
lowest assurance; limits on codes; nothing tells whether a contact already has an account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from tests.fixtures.accounts import PASSWORD, make_local_citizen

from motcua.accounts import sessions
from motcua.accounts.models import OneTimeCode, User
from motcua.core.models import AuditEntry
from motcua.notifications.models import DemoMessage

pytestmark = pytest.mark.django_db

GOOD = "Dang-ky-motcua-2026"


def _register(client, contact, **extra):
    data = {
        "contact": contact,
        "full_name": "Lê Thị Thu",
        "password1": GOOD,
        "password2": GOOD,
        "consent": "on",
        **extra,
    }
    return client.post("/tai-khoan/dang-ky/", data)


def _last_code(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def _sms_code() -> str:
    return _last_code(DemoMessage.objects.filter(channel="sms").first().body)


def test_registering_by_email_sends_a_code_and_the_code_opens_the_account(client, mailoutbox):
    response = _register(client, "Le.Thi.Thu@Example.vn")
    assert response["Location"] == "/tai-khoan/dang-ky/ma/"
    page = client.get(response["Location"]).content.decode()
    assert "le•••@example.vn" in page
    assert len(mailoutbox) == 1
    code = _last_code(mailoutbox[0].body)
    user = User.objects.get(email="le.thi.thu@example.vn")
    assert not user.is_active
    assert OneTimeCode.objects.get(user=user).code_hash != code  # stored hashed only
    assert code not in str(AuditEntry.objects.values_list("details", flat=True))

    response = client.post("/tai-khoan/dang-ky/ma/", {"code": code})
    assert response["Location"] == "/tai-khoan/ho-so/"
    user.refresh_from_db()
    assert user.is_active
    assert user.email_verified_at is not None
    assert client.session[sessions.AUTH_KEY]["method"] == "local"
    assert client.session[sessions.AUTH_KEY]["level"] == 0
    profile = client.get("/tai-khoan/ho-so/").content.decode()
    assert "Lê Thị Thu" in profile
    assert "Do bạn tự khai khi đăng ký, chưa được xác thực" in profile
    assert "Liên kết với VNeID" in profile


def test_registering_by_phone_sends_an_sms(client):
    _register(client, "+84 912 000 111")
    user = User.objects.get(phone="0912000111")
    message = DemoMessage.objects.get(channel="sms")
    assert message.recipient == "0912000111"
    client.post("/tai-khoan/dang-ky/ma/", {"code": _last_code(message.body)})
    user.refresh_from_db()
    assert user.phone_verified_at is not None


def test_every_problem_of_the_registration_form_is_listed_and_the_input_kept(client):
    response = client.post(
        "/tai-khoan/dang-ky/",
        {"contact": "0123", "full_name": "Lê Thị Thu", "password1": "12345678", "password2": "x"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Số điện thoại di động phải có 10 chữ số" in html
    assert "Hai mật khẩu chưa giống nhau." in html
    assert "Hãy đồng ý để cổng lưu thông tin tài khoản." in html
    assert 'value="0123"' in html
    assert 'value="Lê Thị Thu"' in html
    assert html.count('class="error-summary"') == 1
    assert 'href="#id_contact"' in html
    assert not User.objects.filter(first_name="Lê Thị Thu").exists()


def test_a_taken_contact_is_not_revealed_its_owner_is_told(client):
    owner = make_local_citizen(phone="0987654000")
    response = _register(client, "0987654000")
    assert response["Location"] == "/tai-khoan/dang-ky/ma/"  # the same page as for a new one
    note = DemoMessage.objects.get(channel="sms")
    assert "đã có tài khoản" in note.body
    assert not re.search(r"\b\d{6}\b", note.body)
    wrong = client.post("/tai-khoan/dang-ky/ma/", {"code": "123456"})
    assert wrong.status_code == 400
    assert User.objects.filter(phone="0987654000").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # untouched


def test_a_wrong_code_counts_and_five_use_it_up(client, mailoutbox):
    _register(client, "dem.sai@example.vn")
    right = _last_code(mailoutbox[0].body)
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        response = client.post("/tai-khoan/dang-ky/ma/", {"code": wrong})
        assert f"Bạn còn {left} lần thử." in response.content.decode()
    response = client.post("/tai-khoan/dang-ky/ma/", {"code": wrong})
    assert "quá số lần cho phép" in response.content.decode()
    response = client.post("/tai-khoan/dang-ky/ma/", {"code": right})
    assert "quá số lần cho phép" in response.content.decode()
    assert not User.objects.get(email="dem.sai@example.vn").is_active


def test_an_expired_code_is_refused(client, mailoutbox):
    _register(client, "het.han@example.vn")
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post("/tai-khoan/dang-ky/ma/", {"code": _last_code(mailoutbox[0].body)})
    assert "Mã đã hết hạn" in response.content.decode()


def test_codes_cannot_be_asked_for_too_often(client, mailoutbox, settings):
    _register(client, "gui.lai@example.vn")
    response = client.post("/tai-khoan/dang-ky/ma/gui-lai/", follow=True)
    assert "Hãy chờ" in response.content.decode()
    assert len(mailoutbox) == 1
    settings.MOTCUA_OTP_RESEND_SECONDS = 0
    settings.MOTCUA_OTP_MAX_PER_HOUR = 3
    client.post("/tai-khoan/dang-ky/ma/gui-lai/")
    client.post("/tai-khoan/dang-ky/ma/gui-lai/")
    assert len(mailoutbox) == 3
    response = client.post("/tai-khoan/dang-ky/ma/gui-lai/", follow=True)
    assert "quá nhiều mã trong một giờ" in response.content.decode()
    assert len(mailoutbox) == 3
    assert AuditEntry.objects.filter(action="otp_rate_limited").count() == 1
    # Only the newest code works.
    old, new = _last_code(mailoutbox[0].body), _last_code(mailoutbox[2].body)
    if old != new:
        assert client.post("/tai-khoan/dang-ky/ma/", {"code": old}).status_code == 400


def test_one_address_cannot_have_codes_sent_to_many_contacts(client, settings):
    settings.MOTCUA_OTP_MAX_PER_IP_HOUR = 2
    _register(client, "0911000001")
    _register(client, "0911000002")
    response = _register(client, "0911000003")
    assert response.status_code == 429
    assert "quá nhiều yêu cầu mã từ mạng của bạn" in response.content.decode()


def test_a_local_login_asks_for_the_password_then_a_code(client):
    user = make_local_citizen(phone="0988111222")
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": "0988 111 222", "password": PASSWORD}
    )
    assert response["Location"] == "/tai-khoan/dang-nhap/ma/"
    assert "_auth_user_id" not in client.session
    response = client.post("/tai-khoan/dang-nhap/ma/", {"code": _sms_code()})
    assert response["Location"] == "/tai-khoan/ho-so/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_is_one_message_for_both_fields(client):
    make_local_citizen(phone="0988111333")
    for username in ("0988111333", "0988999999"):
        response = client.post("/tai-khoan/dang-nhap/", {"username": username, "password": "sai"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Số điện thoại/e-mail hoặc mật khẩu chưa đúng." in html
        assert f'value="{username}"' in html
    assert not DemoMessage.objects.exists()  # no code for a wrong password


def test_brute_force_on_the_local_login_is_locked_out_and_audited(client):
    user = make_local_citizen(phone="0988111444")
    login = "/tai-khoan/dang-nhap/"
    for _ in range(4):
        client.post(login, {"username": "0988111444", "password": "sai"})
    response = client.post(login, {"username": "0988111444", "password": "sai"})
    assert response.status_code == 429
    lockout = AuditEntry.objects.get(action="lockout")
    assert (lockout.object_type, lockout.object_id) == ("accounts.user", str(user.pk))
    # While locked out, even the right password is refused (and the period starts again).
    response = client.post(login, {"username": "0988111444", "password": PASSWORD})
    assert response.status_code == 429
    assert "Tạm khoá đăng nhập" in response.content.decode()
    assert not DemoMessage.objects.exists()


def test_password_reset_with_a_code_ends_other_sessions(client, django_user_model):
    from django.test import Client

    user = make_local_citizen(phone="0988111555")
    other = Client()
    other.force_login(user, backend="motcua.accounts.backends.ContactBackend")
    assert other.get("/tai-khoan/ho-so/").status_code == 200

    response = client.post("/tai-khoan/quen-mat-khau/", {"contact": "0988111555"})
    assert response["Location"] == "/tai-khoan/quen-mat-khau/dat-lai/"
    code = _sms_code()
    response = client.post(
        "/tai-khoan/quen-mat-khau/dat-lai/",
        {"code": code, "password1": "Mat-khau-moi-2026", "password2": "Mat-khau-moi-2026"},
    )
    assert response["Location"] == "/tai-khoan/dang-nhap/"
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026")
    assert other.get("/tai-khoan/ho-so/").status_code == 302  # logged out by the new password


def test_password_reset_for_an_unknown_contact_looks_the_same(client):
    response = client.post("/tai-khoan/quen-mat-khau/", {"contact": "khong.co@example.vn"})
    assert response["Location"] == "/tai-khoan/quen-mat-khau/dat-lai/"
    page = client.get(response["Location"]).content.decode()
    assert "kh•••@example.vn" in page
    assert not DemoMessage.objects.exists()


def test_registrations_never_verified_are_purged_after_two_days(client, mailoutbox):
    from django.core.management import call_command

    _register(client, "bo.do@example.vn")
    user = User.objects.get(email="bo.do@example.vn")
    entry = AuditEntry.objects.get(action="registration_started")
    assert entry.details["consent"] == "account-2026-12"
    call_command("purge_registrations")
    assert User.objects.filter(pk=user.pk).exists()  # too recent
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(hours=49))
    verified = make_local_citizen(phone="0988777666")
    User.objects.filter(pk=verified.pk).update(date_joined=timezone.now() - timedelta(days=9))
    call_command("purge_registrations")
    assert not User.objects.filter(pk=user.pk).exists()
    assert User.objects.filter(pk=verified.pk).exists()
