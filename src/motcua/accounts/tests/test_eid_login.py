"""e-ID login end to end against the real bundled OpenID Connect provider (over HTTP)."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY

from motcua.accounts.eid import oidc
from motcua.accounts.eid.base import FLOWS_KEY
from motcua.accounts.models import IdentityDocument, Person
from motcua.accounts.views import SESSION_KEY
from motcua.core.middleware import CSP

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/tai-khoan/vneid/ve/"


def _logged_in(client) -> bool:
    return AUTH_SESSION_KEY in client.session


def test_login_redirects_to_the_provider_with_pkce_state_and_nonce(
    client, start_login, eid_provider
):
    login = start_login()
    params = login.authorize_params
    assert login.authorize_url.startswith(eid_provider.discovery()["authorization_endpoint"])
    assert params["response_type"] == "code"
    assert params["client_id"] == eid_provider.client_id
    assert params["redirect_uri"] == CALLBACK
    assert set(params["scope"].split()) == {"openid", "profile", "vneid"}
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 32
    assert len(params["nonce"]) >= 32
    assert params["acr_values"] == "urn:vneid:acr:level2 urn:vneid:acr:level1"
    # The challenge is the S256 of the verifier we keep in the session, never sent out.
    flow = client.session[FLOWS_KEY][params["state"]]
    digest = hashlib.sha256(flow["verifier"].encode()).digest()
    assert params["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert flow["verifier"] not in login.authorize_url
    assert login.callback_url.startswith(CALLBACK)
    assert login.callback_params["state"] == params["state"]


def test_login_creates_the_person_with_verified_attributes(client, log_in, citizens):
    citizen = citizens[0]
    _login, response = log_in(0)
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/ho-so/"
    assert _logged_in(client)
    assert client.session[SESSION_KEY]["level"] == 2
    assert client.session[SESSION_KEY]["id_token"].count(".") == 2
    assert FLOWS_KEY not in client.session or not client.session[FLOWS_KEY]

    person = Person.objects.get()
    assert person.eid_subject == citizen["sub"]
    assert person.full_name == citizen["name"]
    assert person.birth_date.isoformat() == citizen["birthdate"]
    assert person.sex == citizen["gender"]
    assert person.phone == citizen["phone_number"]
    assert person.permanent_address == citizen["address"]["formatted"]
    assert person.commune.code == citizen["address"]["commune_code"]
    assert person.assurance_level == 2
    assert person.verified_at is not None
    assert person.provenance["full_name"]["source"] == "vneid"
    assert person.provenance["full_name"]["level"] == 2
    assert person.user.get_full_name() == citizen["name"]
    assert not person.user.has_usable_password()
    document = IdentityDocument.objects.get(kind="pid")
    assert (document.person, document.number, document.is_active) == (person, citizen["pid"], True)
    if citizen["old_id"]:
        assert IdentityDocument.objects.get(kind="old_id").number == citizen["old_id"]


def test_profile_shows_verified_data_masked_with_its_source(client, log_in, citizens, eid_provider):
    citizen = citizens[0]
    log_in(0)
    response = client.get("/tai-khoan/ho-so/")
    html = response.content.decode()
    assert response.status_code == 200
    assert citizen["name"] in html
    assert citizen["pid"] not in html
    assert "••••••••</span>" in html
    assert citizen["pid"][-4:] in html
    assert "Đã xác thực qua VNeID mức 2, lúc " in html
    assert "Mức 2" in html
    assert "Cập nhật từ VNeID" in html
    # The refresh and logout forms end at the provider: this page's CSP must allow it.
    origin = "http://" + urlsplit(eid_provider.discovery_url).netloc
    form_action = next(
        part.split()[1:]
        for part in response["Content-Security-Policy"].split(";")
        if part.split() and part.split()[0] == "form-action"
    )
    assert "'self'" in form_action
    assert origin in form_action
    # The header shows who is logged in and a logout button.
    assert 'action="/tai-khoan/dang-xuat/"' in html


def test_a_second_login_updates_rather_than_duplicates(client, log_in):
    log_in(0)
    first = Person.objects.get()
    client.logout()
    log_in(0)
    assert Person.objects.count() == 1
    assert IdentityDocument.objects.filter(kind="pid").count() == 1
    assert Person.objects.get().verified_at > first.verified_at


def test_a_level_1_citizen_is_recorded_as_level_1(client, log_in, level1_index, citizens):
    log_in(level1_index)
    person = Person.objects.get()
    assert person.assurance_level == 1
    assert person.eid_subject == citizens[level1_index]["sub"]
    assert client.session[SESSION_KEY]["level"] == 1
    assert person.provenance["full_name"]["level"] == 1


def test_a_service_that_needs_level_2_refuses_a_level_1_login(client, log_in, level1_index):
    login, response = log_in(level1_index, "/tai-khoan/vneid/dang-nhap/?muc=2")
    assert login.authorize_params["acr_values"] == "urn:vneid:acr:level2"
    assert response.status_code == 400
    assert "mức 2" in response.content.decode()
    assert not _logged_in(client)


def test_next_is_kept_only_when_it_is_on_this_site(client, log_in):
    _, response = log_in(0, "/tai-khoan/vneid/dang-nhap/?next=/tim-kiem/%3Fq%3Dkhai%2Bsinh")
    assert response["Location"] == "/tim-kiem/?q=khai+sinh"
    client.logout()
    _, response = log_in(0, "/tai-khoan/vneid/dang-nhap/?next=https://evil.example/")
    assert response["Location"] == "/tai-khoan/ho-so/"
    client.logout()
    _, response = log_in(0, "/tai-khoan/vneid/dang-nhap/?next=//evil.example/")
    assert response["Location"] == "/tai-khoan/ho-so/"


def test_a_tampered_state_is_refused_and_nothing_is_logged_in(client, start_login):
    login = start_login()
    params = login.callback_params
    response = client.get("/tai-khoan/vneid/ve/", {"code": params["code"], "state": "x" * 43})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Không đăng nhập được bằng VNeID" in html
    assert "Thử lại" in html
    assert 'href="/tai-khoan/vneid/dang-nhap/"' in html
    assert "state_mismatch" in html
    assert not _logged_in(client)
    assert not Person.objects.exists()


def test_a_missing_state_or_a_replayed_callback_is_refused(client, start_login):
    login = start_login()
    response = client.get("/tai-khoan/vneid/ve/", {"code": login.callback_params["code"]})
    assert response.status_code == 400
    assert not _logged_in(client)
    # The real callback works once; the same URL again is a replay.
    assert client.get(login.callback_path).status_code == 302
    client.logout()
    replay = client.get(login.callback_path)
    assert replay.status_code == 400
    assert "state_missing" in replay.content.decode()
    assert not _logged_in(client)


def test_a_callback_from_another_browser_is_refused(client, start_login, django_user_model):
    login = start_login()
    client.cookies.clear()  # the browser that comes back is not the one that started
    response = client.get(login.callback_path)
    assert response.status_code == 400
    assert not Person.objects.exists()


def test_a_refusal_at_the_provider_shows_a_clear_message(client, start_login):
    login = start_login()
    state = login.authorize_params["state"]
    response = client.get("/tai-khoan/vneid/ve/", {"error": "access_denied", "state": state})
    assert response.status_code == 400
    assert "Bạn đã hủy đăng nhập" in response.content.decode()
    assert not _logged_in(client)
    # The state was used up: the same round trip cannot be completed afterwards.
    assert client.get(login.callback_path).status_code == 400


def test_a_code_for_another_redirect_or_verifier_is_refused_by_the_provider(client, start_login):
    login = start_login()
    session = client.session
    flows = session[FLOWS_KEY]
    flows[login.authorize_params["state"]]["verifier"] = "a" * 86  # not the PKCE verifier sent
    session[FLOWS_KEY] = flows
    session.save()
    response = client.get(login.callback_path)
    assert response.status_code == 400
    assert "token_exchange" in response.content.decode()
    assert not _logged_in(client)


def test_a_wrong_nonce_is_refused(client, start_login):
    login = start_login()
    session = client.session
    flows = session[FLOWS_KEY]
    flows[login.authorize_params["state"]]["nonce"] = "not-the-nonce-that-was-sent"
    session[FLOWS_KEY] = flows
    session.save()
    response = client.get(login.callback_path)
    assert response.status_code == 400
    assert "nonce_mismatch" in response.content.decode()
    assert not _logged_in(client)


def test_a_tampered_id_token_from_the_token_endpoint_is_refused(client, start_login, monkeypatch):
    original = oidc.OidcProvider._exchange

    def corrupt(self, code, flow, metadata):
        token = original(self, code, flow, metadata)
        header, payload, signature = token["id_token"].split(".")
        flipped = ("A" if signature[5] != "A" else "B").join((signature[:5], signature[6:]))
        token["id_token"] = f"{header}.{payload}.{flipped}"
        return token

    monkeypatch.setattr(oidc.OidcProvider, "_exchange", corrupt)
    login = start_login()
    response = client.get(login.callback_path)
    assert response.status_code == 400
    assert "invalid_signature" in response.content.decode()
    assert not _logged_in(client)
    assert not Person.objects.exists()


def test_signing_key_rotation_is_followed(client, log_in, eid_provider, monkeypatch):
    fetched = []
    original = oidc._get_json

    def spy(url, config, *, what):
        fetched.append(what)
        return original(url, config, what=what)

    monkeypatch.setattr(oidc, "_get_json", spy)
    log_in(0)
    assert fetched.count("jwks") == 1
    client.logout()
    eid_provider.run_cli("rotate_keys")
    _, response = log_in(0)
    assert response.status_code == 302
    assert fetched.count("jwks") == 2  # the new kid was unknown: the key set was fetched again


def _end_session_params(location: str, eid_provider) -> dict[str, str]:
    end_session = eid_provider.discovery()["end_session_endpoint"]
    assert location.startswith(end_session + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_logout_ends_the_session_here_and_at_the_provider(client, log_in, eid_provider, settings):
    # The site-wide CSP lets forms end at the provider: the logout is one plain redirect.
    origin = "http://" + urlsplit(eid_provider.base_url).netloc
    settings.MOTCUA_CSP = CSP.replace("form-action 'self'", f"form-action 'self' {origin}")
    login, _ = log_in(0)
    id_token = client.session[SESSION_KEY]["id_token"]
    assert client.get("/tai-khoan/dang-xuat/").status_code == 200  # a confirmation form
    assert _logged_in(client)

    response = client.post("/tai-khoan/dang-xuat/")
    assert response.status_code == 302
    params = _end_session_params(response["Location"], eid_provider)
    assert params["id_token_hint"] == id_token
    assert params["post_logout_redirect_uri"] == "http://testserver/"
    assert not _logged_in(client)
    assert SESSION_KEY not in client.session
    # The provider accepts the hint and sends the browser back to the portal's home page.
    back = login.browser.get(response["Location"], allow_redirects=False, timeout=15)
    assert back.status_code == 302
    assert back.headers["Location"].startswith("http://testserver/")


def test_logout_under_a_strict_form_action_continues_with_a_refresh(client, log_in, eid_provider):
    # Browsers apply the sending page's form-action to the redirect that answers the form;
    # with the default policy ('self' only) the portal sends the browser on with Refresh.
    login, _ = log_in(0)
    id_token = client.session[SESSION_KEY]["id_token"]
    response = client.post("/tai-khoan/dang-xuat/")
    assert response.status_code == 200
    assert not _logged_in(client)
    delay, target = response["Refresh"].split("; url=", 1)
    assert delay == "0"
    assert _end_session_params(target, eid_provider)["id_token_hint"] == id_token
    html = response.content.decode()
    assert "Tiếp tục đăng xuất khỏi VNeID" in html
    assert target.replace("&", "&amp;") in html
    back = login.browser.get(target, allow_redirects=False, timeout=15)
    assert back.headers["Location"].startswith("http://testserver/")


def test_logout_of_an_account_without_e_id_goes_home(client, django_user_model):
    user = django_user_model.objects.create_user("staff-1", password="x" * 12)
    client.force_login(user)
    response = client.post("/tai-khoan/dang-xuat/")
    assert response["Location"] == "/"
    assert not _logged_in(client)


def test_logout_needs_a_post_with_a_csrf_token(eid_settings, log_in, client):
    from django.test import Client

    log_in(0)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post("/tai-khoan/dang-xuat/").status_code == 403
    assert _logged_in(client)


def test_refresh_logs_in_again_and_updates_the_attributes(
    client, log_in, start_login, eid_provider
):
    log_in(0)
    person = Person.objects.get()
    person.phone = "0000000000"
    person.save()
    response = client.post("/tai-khoan/vneid/cap-nhat/")
    assert response.status_code == 302
    callback = eid_provider.login_as(requests.Session(), response["Location"], 0)
    path = urlsplit(callback)
    response = client.get(f"{path.path}?{path.query}", follow=True)
    assert response.status_code == 200
    assert "Đã cập nhật thông tin của bạn từ VNeID." in response.content.decode()
    assert Person.objects.get().phone != "0000000000"


def test_refresh_with_another_citizen_changes_nothing(client, log_in, eid_provider):
    log_in(0)
    response = client.post("/tai-khoan/vneid/cap-nhat/")
    callback = eid_provider.login_as(requests.Session(), response["Location"], 1)
    path = urlsplit(callback)
    response = client.get(f"{path.path}?{path.query}")
    assert response.status_code == 400
    assert "wrong_account" in response.content.decode()
    assert Person.objects.count() == 1


def test_profile_needs_login_and_sends_to_the_login_page_with_the_e_id_first(client, eid_settings):
    response = client.get("/tai-khoan/ho-so/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=/tai-khoan/ho-so/")
    page = client.get(response["Location"]).content.decode()
    assert 'href="/tai-khoan/vneid/dang-nhap/?next=/tai-khoan/ho-so/"' in page


def test_header_shows_login_link_or_the_person(client, log_in):
    html = client.get("/").content.decode()
    assert "Đăng nhập" in html
    assert 'href="/tai-khoan/dang-nhap/"' in html  # from the home page: to the profile
    html = client.get("/tim-kiem/?q=khai+sinh").content.decode()
    assert 'href="/tai-khoan/dang-nhap/?next=/tim-kiem/%3Fq%3Dkhai%2Bsinh"' in html
    log_in(0)
    html = client.get("/").content.decode()
    assert Person.objects.get().full_name in html
    assert 'href="/tai-khoan/ho-so/"' in html
    assert "Đăng xuất" in html


def test_an_unreachable_provider_gives_a_clear_page(client, settings):
    settings.MOTCUA_EID_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.MOTCUA_EID_TIMEOUT = 2
    response = client.get("/tai-khoan/vneid/dang-nhap/")
    assert response.status_code == 502
    assert "Không kết nối được" in response.content.decode()


def test_e_id_logins_and_refusals_are_in_the_audit_log_without_the_number(
    client, log_in, start_login, citizens
):
    from motcua.core.models import AuditEntry

    _login, _response = log_in(0)
    entry = AuditEntry.objects.get(action="eid_login")
    assert entry.actor is not None
    assert entry.details["level"] == 2
    assert citizens[0]["pid"] not in str(entry.details)

    client.logout()
    login = start_login()
    client.get("/tai-khoan/vneid/ve/", {"code": login.callback_params["code"], "state": "x" * 43})
    failed = AuditEntry.objects.get(action="eid_login_failed")
    assert failed.details["code"] == "state_mismatch"
