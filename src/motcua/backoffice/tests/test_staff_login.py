"""Staff log in with a password and a mandatory second factor (TOTP), set up at the first
login; the session is authenticated only when both steps succeed."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.fixtures.accounts import (
    PASSWORD,
    login_citizen,
    login_staff,
    make_local_citizen,
    make_staff,
    totp_now,
)

from motcua.core.models import AuditEntry

pytestmark = pytest.mark.django_db

LOGIN = "/can-bo/dang-nhap/"
SECOND = "/can-bo/dang-nhap/ma-xac-thuc/"
ENROL = "/can-bo/dang-nhap/cai-dat-xac-thuc/"


@pytest.fixture
def clerk():
    return make_staff("clerk", "000.00.04.H36", username="motcua.test", password=PASSWORD)


def _password_step(client, username="motcua.test", password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_the_password_alone_does_not_log_a_staff_member_in(client, clerk):
    response = _password_step(client)
    assert response.status_code == 302
    assert response["Location"] == SECOND
    assert "_auth_user_id" not in client.session
    assert client.get("/can-bo/").status_code == 302  # still anonymous: to the login page
    response = client.post(SECOND, {"code": totp_now(clerk)})
    assert response["Location"] == "/can-bo/"
    assert client.session["_auth_user_id"] == str(clerk.pk)
    home = client.get("/can-bo/")
    assert home.status_code == 200
    assert "Cán bộ một cửa" in home.content.decode()


def test_the_session_key_changes_at_each_step(client, clerk):
    client.get(LOGIN)
    _password_step(client)
    pending_key = client.session.session_key
    client.post(SECOND, {"code": totp_now(clerk)})
    assert client.session.session_key != pending_key


def test_a_used_code_cannot_be_replayed(client, clerk):
    code = totp_now(clerk)
    _password_step(client)
    client.post(SECOND, {"code": code})
    client.logout()
    _password_step(client)
    response = client.post(SECOND, {"code": code})
    assert response.status_code == 400
    assert "Mã không đúng hoặc đã được dùng." in response.content.decode()


def test_wrong_codes_are_throttled_then_the_pending_login_is_dropped(client, clerk, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has its own test below
    _password_step(client)
    for attempt in range(4):
        response = client.post(SECOND, {"code": "000000"})
        assert response.status_code == 400, attempt
        html = response.content.decode()
        assert 'class="error-summary"' in html
        assert 'href="#id_code"' in html
    fifth = client.post(SECOND, {"code": "000000"})
    assert fifth["Location"] == LOGIN
    assert client.get(SECOND)["Location"] == LOGIN  # the password must be typed again
    assert AuditEntry.objects.filter(action="mfa_failed", object_id=str(clerk.pk)).count() == 5
    assert AuditEntry.objects.filter(action="mfa_locked").count() == 1


def test_django_otp_throttles_guesses_on_the_device(client, clerk):
    _password_step(client)
    client.post(SECOND, {"code": "000000"})
    client.post(SECOND, {"code": "111111"})
    # After two failures the device refuses to check for a while, even a right code.
    response = client.post(SECOND, {"code": totp_now(clerk)})
    assert response.status_code == 400
    assert "Hãy chờ" in response.content.decode()


def test_first_login_sets_up_the_authenticator_and_shows_recovery_codes_once(client):
    staff = make_staff(
        "specialist", "000.00.04.H36", username="moi.vao", password=PASSWORD, mfa=False
    )
    response = _password_step(client, "moi.vao")
    assert response["Location"] == ENROL
    page = client.get(ENROL)
    html = page.content.decode()
    assert "<svg" in html  # the QR code is drawn here, no image from elsewhere
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html).group(1)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    import base64

    assert (
        base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
        == device.bin_key
    )
    assert client.post(ENROL, {"code": "123"}).status_code == 400
    code = f"{TOTP(device.bin_key).token():06d}"
    response = client.post(ENROL, {"code": code})
    assert response["Location"] == "/can-bo/ma-du-phong/"
    shown = client.get("/can-bo/ma-du-phong/").content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", shown)
    assert len(codes) == 10
    again = client.get("/can-bo/ma-du-phong/").content.decode()
    assert codes[0] not in again  # shown once
    assert "10 mã dự phòng" in again
    assert AuditEntry.objects.filter(action="mfa_enrolled", object_id=str(staff.pk)).exists()

    # A recovery code works once, instead of the phone.
    client.logout()
    _password_step(client, "moi.vao")
    assert client.post(SECOND, {"code": codes[0]})["Location"] == "/can-bo/"
    client.logout()
    _password_step(client, "moi.vao")
    assert client.post(SECOND, {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(device__user=staff).count() == 9


def test_a_citizen_password_is_wrong_on_the_staff_page_and_the_reverse(client, clerk):
    citizen = make_local_citizen(phone="0987000111")
    response = _password_step(client, citizen.username)
    assert response.status_code == 400
    assert "Tên đăng nhập hoặc mật khẩu chưa đúng." in response.content.decode()
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": clerk.username, "password": PASSWORD}
    )
    assert response.status_code == 400


def test_a_staff_session_without_the_second_factor_is_ended(client, clerk):
    from motcua.accounts.backends import BACKEND_STAFF

    client.force_login(clerk, backend=BACKEND_STAFF)  # a session that skipped the code
    response = client.get("/can-bo/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_citizens_are_refused_staff_pages_and_staff_citizen_pages(client, clerk):
    citizen = make_local_citizen(phone="0987000222")
    login_citizen(client, citizen)
    assert client.get("/can-bo/").status_code == 403
    login_staff(client, clerk)
    assert client.get("/tai-khoan/ho-so/").status_code == 403


def test_only_system_administrators_reach_django_admin(client, clerk):
    login_staff(client, clerk)
    assert client.get("/quan-tri/").status_code == 302
    login_staff(client, make_staff("system_admin", None))
    assert client.get("/quan-tri/").status_code == 200
    # The admin's own login form is never used: it would skip the second factor.
    client.logout()
    response = client.get("/quan-tri/login/")
    assert response["Location"].startswith(LOGIN)


def test_an_invitation_link_sets_the_password_once(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    from motcua.accounts.services import staff as staff_services

    admin = make_staff("agency_admin", "000.00.00.H36")
    from motcua.units.models import Agency

    with django_capture_on_commit_callbacks(execute=True):
        invited = staff_services.create_staff(
            actor=admin,
            username="canbo.moi",
            full_name="Vũ Thị Hạnh",
            email="hanh@sotuphap.lamdong.gov.vn",
            agency=Agency.objects.get(code="000.00.04.H36"),
            role="clerk",
        )
    assert len(mailoutbox) == 1
    link = re.search(r"(/can-bo/kich-hoat/[^\s]+/)", mailoutbox[0].body).group(1)
    assert not invited.has_usable_password()
    page = client.get(link)
    assert page.status_code == 200
    short = client.post(link, {"password1": "123", "password2": "456"})
    assert short.status_code == 400
    html = short.content.decode()
    assert "Hai mật khẩu chưa giống nhau." in html
    done = client.post(link, {"password1": "Sotuphap-LD-2026!", "password2": "Sotuphap-LD-2026!"})
    assert done["Location"] == LOGIN
    assert client.get(link).status_code == 400  # used
    assert _password_step(client, "canbo.moi", "Sotuphap-LD-2026!")["Location"] == ENROL
