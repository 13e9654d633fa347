"""ID token verification: real tokens from the bundled provider, altered or re-signed, and tokens
from a stand-in provider for the cases the bundled one never produces (no nonce, encryption)."""

from __future__ import annotations

import base64
import json
import time

import pytest
from authlib.oidc.core.util import create_half_hash
from joserfc import jwe, jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from motcua.accounts.eid import oidc
from motcua.accounts.eid.base import EidError
from motcua.accounts.views import SESSION_KEY

pytestmark = pytest.mark.django_db


def _b64json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _code(call) -> str:
    with pytest.raises(EidError) as caught:
        call()
    return caught.value.code


@pytest.fixture
def real_token(client, log_in) -> str:
    log_in(0)
    return client.session[SESSION_KEY]["id_token"]


def test_a_real_token_verifies(real_token, citizens):
    nonce = _b64json(real_token.split(".")[1])["nonce"]
    claims = oidc.verify_id_token(real_token, nonce=nonce)
    assert claims["sub"] == citizens[0]["sub"]
    assert claims["acr"] == "urn:vneid:acr:level2"


def test_an_altered_signature_is_refused(real_token):
    header, payload, signature = real_token.split(".")
    nonce = _b64json(payload)["nonce"]
    altered = signature[:-6] + ("AAAAAA" if not signature.endswith("AAAAAA") else "BBBBBB")
    assert _code(lambda: oidc.verify_id_token(f"{header}.{payload}.{altered}", nonce=nonce)) == (
        "invalid_signature"
    )


def test_an_altered_payload_is_refused(real_token):
    header, payload, signature = real_token.split(".")
    claims = _b64json(payload)
    forged = {**claims, "pid": "001099000001"}
    token = f"{header}.{_b64(forged)}.{signature}"
    assert _code(lambda: oidc.verify_id_token(token, nonce=claims["nonce"])) == "invalid_signature"


def test_a_token_signed_by_another_key_with_the_providers_kid_is_refused(real_token):
    header = _b64json(real_token.split(".")[0])
    claims = _b64json(real_token.split(".")[1])
    impostor = RSAKey.generate_key(2048, parameters={"kid": header["kid"]}, auto_kid=False)
    token = jwt.encode({"alg": "RS256", "kid": header["kid"]}, claims, impostor)
    assert _code(lambda: oidc.verify_id_token(token, nonce=claims["nonce"])) == "invalid_signature"


def test_an_unknown_kid_fetches_the_keys_once_more_then_refuses(real_token, monkeypatch):
    claims = _b64json(real_token.split(".")[1])
    fetched = []
    original = oidc._get_json
    monkeypatch.setattr(
        oidc,
        "_get_json",
        lambda url, c, *, what: fetched.append(what) or original(url, c, what=what),
    )
    impostor = RSAKey.generate_key(2048, parameters={"kid": "not-a-published-key"})
    token = jwt.encode({"alg": "RS256", "kid": "not-a-published-key"}, claims, impostor)
    assert _code(lambda: oidc.verify_id_token(token, nonce=claims["nonce"])) == "invalid_signature"
    # The keys were cached by the login; the unknown kid made us fetch them again, once.
    assert fetched == ["discovery", "jwks"]


def test_unsigned_and_hmac_tokens_are_refused(real_token, eid_provider):
    claims = _b64json(real_token.split(".")[1])
    unsigned = f"{_b64({'alg': 'none'})}.{_b64(claims)}."
    assert _code(lambda: oidc.verify_id_token(unsigned, nonce=claims["nonce"])) == (
        "invalid_signature"
    )
    hmac = jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(eid_provider.client_secret))
    assert _code(lambda: oidc.verify_id_token(hmac, nonce=claims["nonce"])) == "invalid_signature"


def test_a_wrong_nonce_is_refused(real_token):
    assert _code(lambda: oidc.verify_id_token(real_token, nonce="another")) == "nonce_mismatch"


def test_an_expired_token_is_refused(real_token, monkeypatch):
    claims = _b64json(real_token.split(".")[1])
    later = claims["exp"] + 3600
    monkeypatch.setattr("joserfc._rfc7519.claims._generate_now", lambda: later)
    assert _code(lambda: oidc.verify_id_token(real_token, nonce=claims["nonce"])) == "expired"


def test_a_token_for_another_client_is_refused(real_token, settings):
    claims = _b64json(real_token.split(".")[1])
    settings.MOTCUA_EID_CLIENT_ID = "another-portal"
    assert _code(lambda: oidc.verify_id_token(real_token, nonce=claims["nonce"])) == "invalid_token"


# --- A stand-in provider: the cases the bundled provider does not produce --------------------

ISSUER = "https://eid.example.test"
DISCOVERY = f"{ISSUER}/.well-known/openid-configuration"


class StandIn:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "sig-1", "use": "sig"})
        self.rp_key = RSAKey.generate_key(2048, parameters={"kid": "enc-1"})
        self.metadata = {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/authorize",
            "token_endpoint": f"{ISSUER}/token",
            "jwks_uri": f"{ISSUER}/jwks",
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def documents(self, url, config, *, what):
        if url == DISCOVERY:
            return self.metadata
        if url == f"{ISSUER}/jwks":
            return KeySet([self.key]).as_dict(private=False)
        raise EidError("provider_unavailable")

    def claims(self, **overrides) -> dict:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": "motcua-portal",
            "sub": "subject-1",
            "iat": now,
            "exp": now + 300,
            "acr": "urn:vneid:acr:level2",
            "nonce": "n-1",
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(self, claims: dict) -> str:
        return jwt.encode({"alg": "RS256", "kid": "sig-1"}, claims, self.key)

    def encrypt(self, token: str) -> str:
        header = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "cty": "JWT", "kid": "enc-1"}
        return jwe.encrypt_compact(header, token, self.rp_key, algorithms=oidc.ENCRYPTION_ALGS)


@pytest.fixture
def stand_in(settings, monkeypatch) -> StandIn:
    provider = StandIn()
    monkeypatch.setattr(oidc, "_get_json", provider.documents)
    settings.MOTCUA_EID_DISCOVERY_URL = DISCOVERY
    settings.MOTCUA_EID_CLIENT_ID = "motcua-portal"
    settings.MOTCUA_EID_REQUIRE_NONCE = True
    settings.MOTCUA_EID_DECRYPTION_KEY = ""
    return provider


def test_a_token_without_nonce_is_refused_unless_the_provider_is_known_to_send_none(
    stand_in, settings
):
    token = stand_in.sign(stand_in.claims(nonce=None))
    assert _code(lambda: oidc.verify_id_token(token, nonce="n-1")) == "nonce_mismatch"
    settings.MOTCUA_EID_REQUIRE_NONCE = False
    assert oidc.verify_id_token(token, nonce="n-1")["sub"] == "subject-1"
    # A nonce that is sent is still checked.
    wrong = stand_in.sign(stand_in.claims(nonce="n-2"))
    assert _code(lambda: oidc.verify_id_token(wrong, nonce="n-1")) == "nonce_mismatch"


def test_an_encrypted_token_is_decrypted_with_our_key(stand_in, settings):
    token = stand_in.encrypt(stand_in.sign(stand_in.claims()))
    assert token.count(".") == 4
    assert _code(lambda: oidc.verify_id_token(token, nonce="n-1")) == "config"
    settings.MOTCUA_EID_DECRYPTION_KEY = json.dumps(stand_in.rp_key.as_dict(private=True))
    assert oidc.verify_id_token(token, nonce="n-1")["sub"] == "subject-1"
    # Encrypted but not signed proves nothing.
    bare = jwe.encrypt_compact(
        {"alg": "RSA-OAEP-256", "enc": "A256GCM"},
        json.dumps(stand_in.claims()),
        stand_in.rp_key,
        algorithms=oidc.ENCRYPTION_ALGS,
    )
    assert _code(lambda: oidc.verify_id_token(bare, nonce="n-1")) == "invalid_signature"


def test_issuer_audience_and_party_are_checked(stand_in):
    def code(**overrides):
        token = stand_in.sign(stand_in.claims(**overrides))
        return _code(lambda: oidc.verify_id_token(token, nonce="n-1"))

    assert code(iss="https://evil.example.test") == "invalid_token"
    assert code(aud="another-client") == "invalid_token"
    assert code(aud=["motcua-portal", "another-client"]) == "invalid_token"  # no azp
    assert code(azp="another-client") == "invalid_token"
    assert code(exp=int(time.time()) - 3600) == "expired"
    assert code(iat=int(time.time()) + 3600) == "invalid_token"
    assert code(sub=None) == "invalid_token"
    ok = stand_in.sign(stand_in.claims(aud=["motcua-portal", "x"], azp="motcua-portal"))
    assert oidc.verify_id_token(ok, nonce="n-1")["sub"] == "subject-1"


def test_acr_is_mapped_to_the_level_by_setting(stand_in, settings):
    config = oidc.OidcConfig.from_settings()
    assert oidc.level_from_claims({"acr": "urn:vneid:acr:level1"}, config) == 1
    assert oidc.level_from_claims({"acr": "urn:vneid:acr:level2"}, config) == 2
    assert oidc.level_from_claims({"level": 2}, config) == 2
    with pytest.raises(EidError, match="level_unknown"):
        oidc.level_from_claims({"acr": "urn:other:loa:high"}, config)
    settings.MOTCUA_EID_ACR_LEVELS = {"urn:other:loa:high": 2}
    assert oidc.level_from_claims({"acr": "urn:other:loa:high"}, oidc.OidcConfig.from_settings())


def test_at_hash_binds_the_token_to_the_access_token(stand_in):
    at_hash = create_half_hash("access-1", "RS256").decode()
    token = stand_in.sign(stand_in.claims(at_hash=at_hash))
    assert oidc.verify_id_token(token, nonce="n-1", access_token="access-1")
    assert _code(lambda: oidc.verify_id_token(token, nonce="n-1", access_token="other")) == (
        "invalid_token"
    )


class _Response:
    def __init__(self, data: dict):
        self.data = data
        self.headers = {"Content-Type": "application/json"}

    def raise_for_status(self):
        return None

    def json(self):
        return self.data


def test_userinfo_about_someone_else_is_refused(stand_in, monkeypatch):
    provider = oidc.OidcProvider()
    metadata = {**stand_in.metadata, "userinfo_endpoint": f"{ISSUER}/userinfo"}
    claims = stand_in.claims()
    token = {"access_token": "access-1"}
    monkeypatch.setattr(oidc.requests, "get", lambda *a, **k: _Response({"sub": "subject-2"}))
    assert _code(lambda: provider._with_userinfo(claims, token, metadata)) == "invalid_claims"
    monkeypatch.setattr(
        oidc.requests,
        "get",
        lambda *a, **k: _Response({"sub": "subject-1", "pid": "001099000001", "acr": "x"}),
    )
    merged = provider._with_userinfo(claims, token, metadata)
    assert merged["pid"] == "001099000001"
    assert merged["acr"] == "urn:vneid:acr:level2"  # protocol claims come from the ID token
