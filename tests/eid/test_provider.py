"""The demo national e-ID provider, exercised over real HTTP as a relying party would."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import sqlite3
import unicodedata
import uuid
import warnings
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from authlib.deprecate import AuthlibDeprecationWarning

from tests.fixtures.eid import citizen_forms, provider_env, run_eid_cli

with warnings.catch_warnings():  # authlib.jose announces its move to joserfc
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.jose import JsonWebKey, JsonWebToken

REDIRECT_URI = "http://127.0.0.1:8000/tai-khoan/vneid/ve/"
SCOPE = "openid profile vneid"
ACR = {1: "urn:vneid:acr:level1", 2: "urn:vneid:acr:level2"}
IDENTITY_CLAIMS = (
    "sub",
    "acr",
    "level",
    "pid",
    "old_id",
    "tax_code",
    "name",
    "birthdate",
    "gender",
    "phone_number",
    "address",
    "account_type",
)


@dataclass
class Authorization:
    url: str
    state: str
    nonce: str
    verifier: str
    redirect_uri: str


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_authorization(provider, redirect_uri=REDIRECT_URI, scope=SCOPE, **overrides):
    verifier, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    params = {key: value for key, value in params.items() if value is not None}
    endpoint = provider.discovery()["authorization_endpoint"]
    return Authorization(
        url=f"{endpoint}?{urlencode(params)}",
        state=params.get("state", ""),
        nonce=params.get("nonce", ""),
        verifier=verifier,
        redirect_uri=redirect_uri,
    )


def callback_params(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def exchange(provider, code, verifier, redirect_uri=REDIRECT_URI, secret=None):
    return requests.post(
        provider.discovery()["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(provider.client_id, secret or provider.client_secret),
        timeout=15,
    )


def jwks(provider) -> dict:
    response = requests.get(provider.discovery()["jwks_uri"], timeout=15)
    response.raise_for_status()
    return response.json()


def verify_id_token(provider, id_token: str, nonce: str):
    claims = JsonWebToken(["RS256"]).decode(
        id_token,
        JsonWebKey.import_key_set(jwks(provider)),
        claims_options={
            "iss": {"essential": True, "value": provider.issuer},
            "aud": {"essential": True, "value": provider.client_id},
            "nonce": {"essential": True, "value": nonce},
            "sub": {"essential": True},
            "exp": {"essential": True},
        },
    )
    claims.validate(leeway=5)
    return claims


def token_header(token: str) -> dict:
    import json

    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))


def login_and_exchange(provider, citizen_index=0, scope=SCOPE, redirect_uri=REDIRECT_URI):
    """A complete code flow; returns (authorization, token response JSON, session)."""
    session = requests.Session()
    auth = new_authorization(provider, redirect_uri=redirect_uri, scope=scope)
    location = provider.login_as(session, auth.url, citizen_index)
    params = callback_params(location)
    assert location.startswith(redirect_uri), location
    assert params["state"] == auth.state
    response = exchange(provider, params["code"], auth.verifier, redirect_uri)
    assert response.status_code == 200, response.text
    return auth, response.json(), session


# --- discovery and keys -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_discovery_document(eid_provider, suffix):
    response = requests.get(eid_provider.discovery_url + suffix, timeout=15)
    assert response.status_code == 200
    doc = response.json()
    base = eid_provider.issuer
    assert doc["issuer"] == base
    assert doc["authorization_endpoint"] == f"{base}/authorize/"
    assert doc["token_endpoint"] == f"{base}/token/"
    assert doc["userinfo_endpoint"] == f"{base}/userinfo/"
    assert doc["jwks_uri"] == f"{base}/.well-known/jwks.json"
    assert doc["end_session_endpoint"] == f"{base}/logout/"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["response_types_supported"] == ["code"]
    assert set(doc["scopes_supported"]) == {"openid", "profile", "vneid"}
    assert set(IDENTITY_CLAIMS) <= set(doc["claims_supported"])
    assert doc["acr_values_supported"] == [ACR[1], ACR[2]]
    assert doc["authorization_response_iss_parameter_supported"] is True


def test_jwks_publishes_an_rs256_key(eid_provider):
    keys = jwks(eid_provider)["keys"]
    assert keys
    assert all(key["kty"] == "RSA" and key["alg"] == "RS256" for key in keys)
    assert all(key["use"] == "sig" and key["kid"] for key in keys)
    assert all("d" not in key for key in keys)  # public parts only


# --- the authorization-code flow -------------------------------------------------------------


def test_code_flow_with_pkce_issues_a_verified_id_token(eid_provider):
    session = requests.Session()
    auth = new_authorization(eid_provider)
    location = eid_provider.login_as(session, auth.url, citizen_index=0)

    assert location.startswith(REDIRECT_URI)
    params = callback_params(location)
    assert params["state"] == auth.state
    assert params["iss"] == eid_provider.issuer  # RFC 9207
    assert "code" in params

    response = exchange(eid_provider, params["code"], auth.verifier)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert set(tokens["scope"].split()) == set(SCOPE.split())

    claims = verify_id_token(eid_provider, tokens["id_token"], auth.nonce)
    first = eid_provider.citizens()[0]
    assert claims["nonce"] == auth.nonce
    assert claims["acr"] == ACR[2]
    assert claims["level"] == 2
    assert re.fullmatch(r"\d{12}", claims["pid"])
    assert claims["name"] == first["name"]
    assert claims["sub"] == first["sub"]
    for claim in IDENTITY_CLAIMS:
        assert claims[claim] == first[claim], claim
    assert set(claims["address"]) >= {"formatted", "commune_code", "province_code"}
    assert re.fullmatch(r"\d{5}", claims["address"]["commune_code"])
    assert re.fullmatch(r"\d{2}", claims["address"]["province_code"])
    assert token_header(tokens["id_token"])["kid"] in {k["kid"] for k in jwks(eid_provider)["keys"]}


def test_userinfo_returns_the_same_identity(eid_provider):
    auth, tokens, _ = login_and_exchange(eid_provider, citizen_index=1)
    id_claims = verify_id_token(eid_provider, tokens["id_token"], auth.nonce)
    response = requests.get(
        eid_provider.discovery()["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=15,
    )
    assert response.status_code == 200, response.text
    userinfo = response.json()
    for claim in IDENTITY_CLAIMS:
        assert userinfo[claim] == id_claims[claim], claim
    assert userinfo["account_type"] == "citizen"
    assert userinfo["sub"] == eid_provider.citizens()[1]["sub"]


def test_userinfo_requires_a_valid_token(eid_provider):
    response = requests.get(
        eid_provider.discovery()["userinfo_endpoint"],
        headers={"Authorization": "Bearer not-a-token"},
        timeout=15,
    )
    assert response.status_code == 401


def test_openid_scope_alone_releases_no_personal_data(eid_provider):
    auth, tokens, _ = login_and_exchange(eid_provider, scope="openid")
    claims = verify_id_token(eid_provider, tokens["id_token"], auth.nonce)
    assert claims["acr"] == ACR[2]
    assert claims["sub"] == eid_provider.citizens()[0]["sub"]
    assert "pid" not in claims
    assert "name" not in claims


def test_loopback_redirect_uri_is_accepted_on_any_port(eid_provider):
    redirect_uri = "http://127.0.0.1:54321/tai-khoan/vneid/ve/"
    auth, tokens, _ = login_and_exchange(eid_provider, redirect_uri=redirect_uri)
    assert verify_id_token(eid_provider, tokens["id_token"], auth.nonce)["sub"]


def test_testserver_redirect_uri_is_registered(eid_provider):
    redirect_uri = "http://testserver/tai-khoan/vneid/ve/"
    auth, tokens, _ = login_and_exchange(eid_provider, redirect_uri=redirect_uri)
    assert verify_id_token(eid_provider, tokens["id_token"], auth.nonce)["sub"]


def test_wrong_code_verifier_is_refused(eid_provider):
    session = requests.Session()
    auth = new_authorization(eid_provider)
    code = callback_params(eid_provider.login_as(session, auth.url))["code"]
    wrong_verifier, _ = pkce_pair()
    response = exchange(eid_provider, code, wrong_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_cannot_be_used_twice(eid_provider):
    session = requests.Session()
    auth = new_authorization(eid_provider)
    code = callback_params(eid_provider.login_as(session, auth.url))["code"]
    assert exchange(eid_provider, code, auth.verifier).status_code == 200
    again = exchange(eid_provider, code, auth.verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_refused(eid_provider):
    session = requests.Session()
    auth = new_authorization(eid_provider)
    code = callback_params(eid_provider.login_as(session, auth.url))["code"]
    response = exchange(eid_provider, code, auth.verifier, secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_request_without_code_challenge_is_refused(eid_provider):
    auth = new_authorization(eid_provider, code_challenge=None, code_challenge_method=None)
    response = requests.get(auth.url, allow_redirects=False, timeout=15)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI)  # an error for the client, not the login page
    params = callback_params(location)
    assert params["error"] == "invalid_request"
    assert params["state"] == auth.state
    assert "code" not in params


def test_plain_code_challenge_is_refused(eid_provider):
    verifier = secrets.token_urlsafe(48)
    auth = new_authorization(eid_provider, code_challenge=verifier, code_challenge_method="plain")
    params = callback_params(eid_provider.login_as(requests.Session(), auth.url))
    assert params["error"] == "invalid_request"
    assert "code" not in params


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/tai-khoan/vneid/ve/",
        "http://127.0.0.1:8000/somewhere-else/",
        "http://localhost:8000/tai-khoan/vneid/ve/",
    ],
)
def test_unregistered_redirect_uri_is_refused(eid_provider, redirect_uri):
    auth = new_authorization(eid_provider, redirect_uri=redirect_uri)
    response = requests.get(auth.url, allow_redirects=False, timeout=15)
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "Yêu cầu đăng nhập không hợp lệ" in response.text


def test_unknown_client_is_refused(eid_provider):
    auth = new_authorization(eid_provider, client_id="someone-else")
    response = requests.get(auth.url, allow_redirects=False, timeout=15)
    assert response.status_code in {400, 401}
    assert "Location" not in response.headers


def test_prompt_none_without_a_session_returns_login_required(eid_provider):
    auth = new_authorization(eid_provider, prompt="none")
    response = requests.get(auth.url, allow_redirects=False, timeout=15)
    assert response.status_code == 302
    params = callback_params(response.headers["Location"])
    assert params["error"] == "login_required"
    assert params["state"] == auth.state


def test_prompt_none_with_a_session_answers_silently(eid_provider):
    _, _, session = login_and_exchange(eid_provider, citizen_index=2)
    auth = new_authorization(eid_provider, prompt="none")
    response = session.get(auth.url, allow_redirects=False, timeout=15)
    assert response.status_code == 302
    params = callback_params(response.headers["Location"])
    tokens = exchange(eid_provider, params["code"], auth.verifier).json()
    claims = verify_id_token(eid_provider, tokens["id_token"], auth.nonce)
    assert claims["sub"] == eid_provider.citizens()[2]["sub"]


def test_prompt_login_shows_the_picker_even_with_a_session(eid_provider):
    _, _, session = login_and_exchange(eid_provider)
    auth = new_authorization(eid_provider, prompt="login")
    response = session.get(auth.url, allow_redirects=False, timeout=15)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/dang-nhap/"


# --- logout -----------------------------------------------------------------------------------


def test_rp_initiated_logout_ends_the_provider_session(eid_provider):
    _, tokens, session = login_and_exchange(eid_provider)
    post_logout = "http://127.0.0.1:8000/"
    response = session.get(
        eid_provider.discovery()["end_session_endpoint"],
        params={
            "id_token_hint": tokens["id_token"],
            "client_id": eid_provider.client_id,
            "post_logout_redirect_uri": post_logout,
            "state": "bye",
        },
        allow_redirects=False,
        timeout=15,
    )
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == f"{post_logout}?state=bye"

    # The provider session is gone: a new authorization request asks who is logging in.
    auth = new_authorization(eid_provider)
    again = session.get(auth.url, allow_redirects=False, timeout=15)
    assert again.status_code == 302
    assert urlsplit(again.headers["Location"]).path == "/dang-nhap/"


def test_logout_without_a_hint_asks_for_confirmation(eid_provider):
    _, _, session = login_and_exchange(eid_provider)
    endpoint = eid_provider.discovery()["end_session_endpoint"]
    params = {"client_id": eid_provider.client_id, "post_logout_redirect_uri": "http://testserver/"}
    page = session.get(endpoint, params=params, allow_redirects=False, timeout=15)
    assert page.status_code == 200
    assert "Bạn có muốn đăng xuất" in page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    confirmed = session.post(
        endpoint,
        data={**params, "csrfmiddlewaretoken": token, "allow": "Logout"},
        allow_redirects=False,
        timeout=15,
    )
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == "http://testserver/"


def test_logout_refuses_an_unregistered_post_logout_uri(eid_provider):
    _, tokens, session = login_and_exchange(eid_provider)
    response = session.get(
        eid_provider.discovery()["end_session_endpoint"],
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "https://evil.example/",
        },
        allow_redirects=False,
        timeout=15,
    )
    assert response.status_code == 400
    assert "Location" not in response.headers


# --- key rotation -----------------------------------------------------------------------------


def test_rotate_keys_keeps_the_old_key_and_signs_with_the_new(eid_provider):
    auth_before, before, _ = login_and_exchange(eid_provider)
    old_kid = token_header(before["id_token"])["kid"]
    kids_before = [key["kid"] for key in jwks(eid_provider)["keys"]]
    assert kids_before[0] == old_kid  # the active key is listed first

    eid_provider.run_cli("rotate_keys")

    kids_after = [key["kid"] for key in jwks(eid_provider)["keys"]]
    assert len(kids_after) == len(kids_before) + 1 >= 2
    assert old_kid in kids_after
    new_kid = kids_after[0]
    assert new_kid not in kids_before

    auth_after, after, _ = login_and_exchange(eid_provider)
    assert token_header(after["id_token"])["kid"] == new_kid
    verify_id_token(eid_provider, after["id_token"], auth_after.nonce)
    # Tokens signed before the rotation still verify against the published keys.
    verify_id_token(eid_provider, before["id_token"], auth_before.nonce)


# --- the synthetic citizens -------------------------------------------------------------------


def _age_on(birthdate: date, day: date) -> int:
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))


def test_synthetic_citizens(eid_provider):
    citizens = eid_provider.citizens()
    assert len(citizens) >= 60
    pids = [c["pid"] for c in citizens]
    assert len(set(pids)) == len(pids)
    assert len({c["sub"] for c in citizens}) == len(citizens)
    today = date(2025, 7, 1)
    for citizen in citizens:
        pid = citizen["pid"]
        assert re.fullmatch(r"\d{12}", pid)
        assert 1 <= int(pid[:3]) <= 96
        born = date.fromisoformat(citizen["birthdate"])
        assert 1940 <= born.year <= 2020
        century = 0 if born.year < 2000 else 2
        assert int(pid[3]) == century + (citizen["gender"] == "female")
        assert pid[4:6] == f"{born.year % 100:02d}"
        assert citizen["sub"] == str(uuid.UUID(citizen["sub"]))
        assert citizen["tax_code"] == pid
        assert citizen["old_id"] is None or re.fullmatch(r"\d{9}", citizen["old_id"])
        assert re.fullmatch(r"0[35789]\d{8}", citizen["phone_number"])
        assert citizen["level"] in {1, 2}
        assert citizen["acr"] == ACR[citizen["level"]]
        assert citizen["account_type"] == "citizen"
        assert unicodedata.is_normalized("NFC", citizen["name"])
        assert len(citizen["name"].split()) >= 3
        address = citizen["address"]
        assert re.fullmatch(r"\d{5}", address["commune_code"])
        assert re.fullmatch(r"\d{2}", address["province_code"])
        assert address["formatted"].startswith("Số ")
        assert address["formatted"].endswith(f"{address['locality']}, {address['region']}")
        assert citizen["masked_pid"] == pid[:4] + "******" + pid[-2:]

    provinces = [c["address"]["province_code"] for c in citizens]
    assert provinces.count("68") >= 3  # Lâm Đồng
    assert provinces.count("20") >= 3  # Lạng Sơn
    assert {c["name"].split()[0] for c in citizens} >= {"Nguyễn", "Trần", "Lê", "Phạm"}
    levels = [c["level"] for c in citizens]
    assert 0.1 <= levels.count(1) / len(levels) <= 0.35  # about 1 in 5 at level 1
    assert any(c["old_id"] for c in citizens)
    assert any(_age_on(date.fromisoformat(c["birthdate"]), today) < 18 for c in citizens)
    first = citizens[0]
    assert first["level"] == 2
    assert _age_on(date.fromisoformat(first["birthdate"]), today) >= 18


def test_sub_is_stable_across_bootstraps(eid_provider, tmp_path):
    before = {c["pid"]: c["sub"] for c in eid_provider.citizens()}

    # Again on the same database: idempotent.
    eid_provider.run_cli("bootstrap")
    assert {c["pid"]: c["sub"] for c in eid_provider.citizens()} == before

    # From scratch in another directory: the same citizens, the same subjects.
    run_eid_cli(provider_env(tmp_path, 8009), "bootstrap")
    with sqlite3.connect(tmp_path / "eid.sqlite3") as db:
        rows = db.execute("SELECT pid, sub FROM motcua_eid_citizen ORDER BY id").fetchall()
    assert {pid: str(uuid.UUID(sub)) for pid, sub in rows} == before
    assert [pid for pid, _ in rows] == [c["pid"] for c in eid_provider.citizens()]


# --- the provider's own pages -----------------------------------------------------------------


def test_login_page_lists_the_citizens_with_the_demo_warning(eid_provider):
    response = requests.get(f"{eid_provider.base_url}/dang-nhap/", timeout=15)
    assert response.status_code == 200
    html = response.text
    assert '<html lang="vi">' in html
    assert "Nhà cung cấp định danh thử nghiệm — dữ liệu giả lập" in html
    assert "<script" not in html
    forms = citizen_forms(html)
    citizens = eid_provider.citizens()
    assert len(forms) == len(citizens) >= 60
    assert all(form.fields.get("csrfmiddlewaretoken") for form in forms)
    assert [form.fields["citizen"] for form in forms] == [c["sub"] for c in citizens]
    first = citizens[0]
    assert f"Đăng nhập với {first['name']}</button>" in html
    assert first["masked_pid"] in html
    assert first["pid"] not in html  # numbers are shown masked
    assert "Mức 2" in html
    assert "Mức 1" in html
    assert '<label for="q">' in html


def test_login_page_search_by_name_and_number(eid_provider):
    citizens = eid_provider.citizens()
    target = citizens[7]
    url = f"{eid_provider.base_url}/dang-nhap/"

    by_number = requests.get(url, params={"q": target["pid"]}, timeout=15)
    assert [f.fields["citizen"] for f in citizen_forms(by_number.text)] == [target["sub"]]

    # Accent-insensitive, case-insensitive name search.
    folded = unicodedata.normalize("NFD", target["name"].replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    by_name = requests.get(url, params={"q": plain}, timeout=15)
    assert target["sub"] in [f.fields["citizen"] for f in citizen_forms(by_name.text)]

    nothing = requests.get(url, params={"q": "không có ai tên này"}, timeout=15)
    assert citizen_forms(nothing.text) == []
    assert "Không có công dân nào phù hợp." in nothing.text


def test_choosing_a_citizen_completes_the_authorize_request(eid_provider):
    session = requests.Session()
    auth = new_authorization(eid_provider)
    response = session.get(auth.url, allow_redirects=False, timeout=15)
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert urlsplit(login_url).path == "/dang-nhap/"

    page = session.get(eid_provider.base_url + login_url, timeout=15)
    assert page.status_code == 200
    form = citizen_forms(page.text)[3]
    assert form.fields["next"].startswith("/o/authorize/?")
    chosen = session.post(
        f"{eid_provider.base_url}{form.action}",
        data=form.fields,
        allow_redirects=False,
        timeout=15,
    )
    assert chosen.status_code == 302
    assert chosen.headers["Location"] == form.fields["next"]

    back = session.get(eid_provider.base_url + chosen.headers["Location"], allow_redirects=False)
    assert back.status_code == 302
    params = callback_params(back.headers["Location"])
    assert back.headers["Location"].startswith(REDIRECT_URI)
    assert params["state"] == auth.state
    tokens = exchange(eid_provider, params["code"], auth.verifier).json()
    claims = verify_id_token(eid_provider, tokens["id_token"], auth.nonce)
    assert claims["sub"] == eid_provider.citizens()[3]["sub"]


def test_login_requires_the_csrf_token(eid_provider):
    session = requests.Session()
    page = session.get(f"{eid_provider.base_url}/dang-nhap/", timeout=15)
    form = citizen_forms(page.text)[0]
    data = {key: value for key, value in form.fields.items() if key != "csrfmiddlewaretoken"}
    response = session.post(
        f"{eid_provider.base_url}/dang-nhap/", data=data, allow_redirects=False, timeout=15
    )
    assert response.status_code == 403


def test_login_refuses_an_offsite_next(eid_provider):
    session = requests.Session()
    page = session.get(
        f"{eid_provider.base_url}/dang-nhap/", params={"next": "https://evil.example/"}, timeout=15
    )
    form = citizen_forms(page.text)[0]
    assert form.fields["next"] == "/"
    form.fields["next"] = "https://evil.example/"
    response = session.post(
        f"{eid_provider.base_url}/dang-nhap/", data=form.fields, allow_redirects=False, timeout=15
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_refuses_an_unknown_citizen(eid_provider):
    session = requests.Session()
    page = session.get(f"{eid_provider.base_url}/dang-nhap/", timeout=15)
    form = citizen_forms(page.text)[0]
    url = f"{eid_provider.base_url}/dang-nhap/"
    for value, status in (("not-a-uuid", 400), (str(uuid.uuid4()), 404)):
        data = {**form.fields, "citizen": value}
        response = session.post(url, data=data, allow_redirects=False, timeout=15)
        assert response.status_code == status
