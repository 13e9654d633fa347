"""Generic OpenID Connect e-ID provider: VNeID, the bundled test provider, or any compatible one.

Authorization code flow with PKCE (S256), ``state`` and ``nonce`` kept in the session and
checked once, the ID token verified against the provider's published keys (fetched again once
when a token names a key we do not know: key rotation), ``iss``/``aud``/``exp``/``nonce``
checked, ``acr`` mapped to the level of assurance, and optionally the userinfo endpoint called
to complete the claims. Built on authlib's requests ``OAuth2Session`` for the protocol and
joserfc (authlib's JOSE successor) for signatures and encryption.

Some direct integrations encrypt the ID token (JWE) and carry no ``nonce``: set
``MOTCUA_EID_DECRYPTION_KEY`` for the first and ``MOTCUA_EID_REQUIRE_NONCE=False`` for the
second (a nonce that is present is still checked).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
import structlog
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.oidc.core.util import create_half_hash
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from joserfc import jwe, jws
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet, OctKey, import_key
from joserfc.jwt import JWTClaimsRegistry

from .base import EidError, EidIdentity, EidProvider, new_secret, pop_flow, remember_flow
from .registry import register

log = structlog.get_logger(__name__)

DEFAULT_ACR_LEVELS = {"urn:vneid:acr:level1": 1, "urn:vneid:acr:level2": 2}
#: Signature algorithms accepted unless ``MOTCUA_EID_SIGNING_ALGS`` says otherwise. Never
#: ``none``; HMAC ones (keyed with the client secret) only when listed explicitly.
DEFAULT_SIGNING_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
#: Key management and content encryption accepted for encrypted ID tokens (no RSA1_5).
ENCRYPTION_ALGS = [
    "RSA-OAEP",
    "RSA-OAEP-256",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A256KW",
    "A128GCM",
    "A256GCM",
    "A128CBC-HS256",
    "A256CBC-HS512",
]
COMPACT_JWS_RE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
PID_RE = re.compile(r"[0-9]{12}")
OLD_ID_RE = re.compile(r"[0-9]{9}")
SEX_VALUES = {"male": "male", "nam": "male", "m": "male", "female": "female", "nữ": "female"}
SEX_VALUES |= {"nu": "female", "f": "female"}


@dataclass(frozen=True)
class OidcConfig:
    """The ``MOTCUA_EID_*`` settings, read when a request needs them (tests override them)."""

    discovery_url: str
    client_id: str
    client_secret: str = field(repr=False)
    scopes: tuple[str, ...] = ("openid", "profile", "vneid")
    acr_values: tuple[str, ...] = ()
    acr_levels: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_ACR_LEVELS))
    require_nonce: bool = True
    use_userinfo: bool = True
    token_auth_method: str = ""
    signing_algs: tuple[str, ...] = tuple(DEFAULT_SIGNING_ALGS)
    decryption_key: str = field(default="", repr=False)
    redirect_uri: str = ""
    post_logout_redirect_uri: str = ""
    min_level: int = 1
    timeout: float = 10.0
    metadata_ttl: int = 3600
    clock_skew: int = 120

    @classmethod
    def from_settings(cls) -> OidcConfig:
        s = settings
        return cls(
            discovery_url=getattr(s, "MOTCUA_EID_DISCOVERY_URL", ""),
            client_id=getattr(s, "MOTCUA_EID_CLIENT_ID", ""),
            client_secret=getattr(s, "MOTCUA_EID_CLIENT_SECRET", ""),
            scopes=tuple(getattr(s, "MOTCUA_EID_SCOPES", cls.scopes)),
            acr_values=tuple(getattr(s, "MOTCUA_EID_ACR_VALUES", ())),
            acr_levels=dict(getattr(s, "MOTCUA_EID_ACR_LEVELS", DEFAULT_ACR_LEVELS)),
            require_nonce=getattr(s, "MOTCUA_EID_REQUIRE_NONCE", True),
            use_userinfo=getattr(s, "MOTCUA_EID_USE_USERINFO", True),
            token_auth_method=getattr(s, "MOTCUA_EID_TOKEN_AUTH_METHOD", ""),
            signing_algs=tuple(getattr(s, "MOTCUA_EID_SIGNING_ALGS", DEFAULT_SIGNING_ALGS)),
            decryption_key=getattr(s, "MOTCUA_EID_DECRYPTION_KEY", ""),
            redirect_uri=getattr(s, "MOTCUA_EID_REDIRECT_URI", ""),
            post_logout_redirect_uri=getattr(s, "MOTCUA_EID_POST_LOGOUT_REDIRECT_URI", ""),
            min_level=getattr(s, "MOTCUA_EID_MIN_LEVEL", 1),
            timeout=getattr(s, "MOTCUA_EID_TIMEOUT", 10.0),
            metadata_ttl=getattr(s, "MOTCUA_EID_METADATA_TTL", 3600),
            clock_skew=getattr(s, "MOTCUA_EID_CLOCK_SKEW", 120),
        )

    def levels_to_acr(self, level: int) -> list[str]:
        return [acr for acr, mapped in self.acr_levels.items() if mapped == level]


# --- Discovery and keys, cached per process ------------------------------------------------


class _ProviderCache:
    """Discovery documents and key sets by discovery URL, kept for ``metadata_ttl`` seconds.

    A failed fetch is never cached; a token signed with an unknown key, or any failure that
    may come from stale metadata, forces a fresh fetch once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._metadata: dict[str, tuple[float, dict[str, Any]]] = {}
        self._jwks: dict[str, tuple[float, KeySet]] = {}

    def clear(self) -> None:
        with self._lock:
            self._metadata.clear()
            self._jwks.clear()

    def metadata(self, config: OidcConfig, *, force: bool = False) -> dict[str, Any]:
        url = config.discovery_url
        with self._lock:
            cached = self._metadata.get(url)
        if cached and not force and time.monotonic() - cached[0] < config.metadata_ttl:
            return cached[1]
        document = _get_json(url, config, what="discovery")
        for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(key), str) or not document[key]:
                log.warning("eid.discovery_incomplete", missing=key)
                raise EidError("config")
        with self._lock:
            self._metadata[url] = (time.monotonic(), document)
            self._jwks.pop(url, None)
        return document

    def key_set(self, config: OidcConfig, *, force: bool = False) -> KeySet:
        url = config.discovery_url
        with self._lock:
            cached = self._jwks.get(url)
        if cached and not force and time.monotonic() - cached[0] < config.metadata_ttl:
            return cached[1]
        # An unknown key may come with a new discovery document: fetch both again.
        metadata = self.metadata(config, force=force)
        document = _get_json(metadata["jwks_uri"], config, what="jwks")
        try:
            keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            log.warning("eid.jwks_invalid", error=type(exc).__name__)
            raise EidError("provider_unavailable") from exc
        with self._lock:
            self._jwks[url] = (time.monotonic(), keys)
        return keys


CACHE = _ProviderCache()


def _get_json(url: str, config: OidcConfig, *, what: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=config.timeout, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        log.warning("eid.fetch_failed", what=what, error=type(exc).__name__)
        raise EidError("provider_unavailable") from exc
    if not isinstance(document, dict):
        raise EidError("provider_unavailable")
    return document


# --- ID token verification ------------------------------------------------------------------


def verify_id_token(
    id_token: str,
    *,
    nonce: str | None,
    access_token: str | None = None,
    config: OidcConfig | None = None,
) -> dict[str, Any]:
    """The verified claims of ``id_token``, or :class:`EidError`.

    Decrypts a JWE first when a decryption key is configured, then checks the signature with
    the provider's keys, then ``iss``, ``aud``, ``azp``, ``exp``, ``iat``, ``nbf``, ``nonce``
    and ``at_hash``.
    """
    config = config or OidcConfig.from_settings()
    metadata = CACHE.metadata(config)
    if not isinstance(id_token, str) or not id_token:
        raise EidError("token_exchange")
    signed = _decrypt_if_needed(id_token, config)
    header, claims = _verify_signature(signed, metadata, config)
    registry = JWTClaimsRegistry(
        leeway=config.clock_skew,
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": config.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as exc:
        raise EidError("expired") from exc
    except ClaimError as exc:
        log.info("eid.id_token_rejected", claim=exc.claim)
        raise EidError("invalid_token") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (azp or len(audiences) > 1) and azp != config.client_id:
        raise EidError("invalid_token")
    _check_nonce(claims.get("nonce"), nonce, config)
    at_hash = claims.get("at_hash")
    if at_hash and access_token:
        expected = create_half_hash(access_token, header["alg"])
        if expected is None or expected.decode() != at_hash:
            raise EidError("invalid_token")
    return claims


def _check_nonce(received: Any, expected: str | None, config: OidcConfig) -> None:
    if received is None:
        if config.require_nonce:
            raise EidError("nonce_mismatch")
        return
    if not expected or not isinstance(received, str) or received != expected:
        raise EidError("nonce_mismatch")


def _decrypt_if_needed(token: str, config: OidcConfig) -> str:
    if token.count(".") != 4:
        return token
    try:
        key = _decryption_key(config)
    except (OSError, ValueError, JoseError) as exc:
        log.warning("eid.decryption_key_unreadable", error=type(exc).__name__)
        raise EidError("config") from exc
    if key is None:
        log.warning("eid.encrypted_token_without_key")
        raise EidError("config")
    try:
        plaintext = jwe.decrypt_compact(token, key, algorithms=ENCRYPTION_ALGS).plaintext
    except (JoseError, ValueError) as exc:
        raise EidError("invalid_token") from exc
    inner = (plaintext or b"").decode("utf-8", "replace").strip()
    if not COMPACT_JWS_RE.fullmatch(inner):
        # An encrypted but unsigned token proves nothing about who made it.
        raise EidError("invalid_signature")
    return inner


def _decryption_key(config: OidcConfig) -> Any:
    """The relying party's private key for encrypted tokens: a JWK, a JWK set, PEM or a path."""
    raw = config.decryption_key.strip()
    if not raw:
        return None
    if not raw.startswith(("{", "-----")):
        raw = Path(raw).read_text()
    if raw.startswith("{"):
        data = json.loads(raw)
        return KeySet.import_key_set(data) if "keys" in data else import_key(data)
    return import_key(raw, "EC" if "EC PRIVATE" in raw else "RSA")


def _verify_signature(
    token: str, metadata: dict[str, Any], config: OidcConfig
) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        obj = jws.extract_compact(token.encode())
        header = obj.headers()
    except (JoseError, ValueError, TypeError) as exc:
        raise EidError("invalid_token") from exc
    alg = header.get("alg")
    allowed = set(config.signing_algs)
    advertised = metadata.get("id_token_signing_alg_values_supported")
    if isinstance(advertised, list) and advertised:
        allowed &= set(advertised)
    if not isinstance(alg, str) or alg == "none" or alg not in allowed:
        raise EidError("invalid_signature")
    if alg.startswith("HS"):
        candidates = [OctKey.import_key(config.client_secret)]
    else:
        candidates = _signing_keys(header.get("kid"), alg, config)
    for key in candidates:
        try:
            if jws.validate_compact(obj, key, algorithms=[alg]):
                break
        except JoseError:
            continue
    else:
        raise EidError("invalid_signature")
    try:
        claims = json.loads(obj.payload)
    except ValueError as exc:
        raise EidError("invalid_token") from exc
    if not isinstance(claims, dict):
        raise EidError("invalid_token")
    return header, claims


def _signing_keys(kid: Any, alg: str, config: OidcConfig) -> list[Any]:
    key_type = {"R": "RSA", "P": "RSA", "E": "EC"}[alg[0]]
    for force in (False, True):
        keys = [
            key
            for key in CACHE.key_set(config, force=force)
            if key.key_type == key_type
            and key.get("use", "sig") == "sig"
            and (kid is None or key.kid == kid)
        ]
        if keys:
            return keys
        log.info("eid.unknown_signing_key", refetched=force)
    return []


# --- Claims to identity ----------------------------------------------------------------------


def level_from_claims(claims: dict[str, Any], config: OidcConfig) -> int:
    acr = claims.get("acr")
    if acr is not None:
        level = config.acr_levels.get(acr)
        if level is None:
            log.warning("eid.unknown_acr", acr=str(acr)[:80])
            raise EidError("level_unknown")
        return level
    level = claims.get("level")
    if isinstance(level, str) and level.isdigit():
        level = int(level)
    if level in (1, 2) and not isinstance(level, bool):
        return int(level)
    raise EidError("level_unknown")


def identity_from_claims(claims: dict[str, Any], config: OidcConfig) -> EidIdentity:
    subject = claims.get("sub")
    pid = _text(claims.get("pid"))
    if not isinstance(subject, str) or not subject or not PID_RE.fullmatch(pid):
        log.warning("eid.claims_invalid", has_sub=bool(subject), pid_ok=False)
        raise EidError("invalid_claims")
    old_id = _text(claims.get("old_id")) or None
    if old_id and not OLD_ID_RE.fullmatch(old_id):
        log.info("eid.old_id_ignored")  # a malformed old number is dropped, not fatal
        old_id = None
    address = claims.get("address")
    if isinstance(address, dict):
        address_text = _text(address.get("formatted"))
        commune_code = _text(address.get("commune_code"))
    else:
        address_text, commune_code = _text(address), ""
    return EidIdentity(
        subject=subject,
        level=level_from_claims(claims, config),
        pid=pid,
        old_id=old_id,
        tax_code=_text(claims.get("tax_code")),
        full_name=_text(claims.get("name")),
        birth_date=_parse_date(claims.get("birthdate")),
        sex=SEX_VALUES.get(_text(claims.get("gender")).lower(), ""),
        phone=_text(claims.get("phone_number")),
        address_text=address_text,
        commune_code=commune_code if re.fullmatch(r"[0-9]{5}", commune_code) else "",
        account_type=_text(claims.get("account_type")),
        raw_claims=claims,
    )


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _parse_date(value: Any) -> date | None:
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


# --- The plugin ------------------------------------------------------------------------------


@register
class OidcProvider(EidProvider):
    id = "oidc"
    label = "OpenID Connect (VNeID)"

    def __init__(self, config: OidcConfig | None = None):
        self.config = config or OidcConfig.from_settings()

    # Start

    def authorization_url(
        self,
        request: HttpRequest,
        next_url: str,
        *,
        level: int | None = None,
        purpose: str = "login",
    ) -> str:
        if not self.config.discovery_url:
            raise EidError("config")
        metadata = CACHE.metadata(self.config)
        state, nonce, verifier = new_secret(), new_secret(), new_secret() + new_secret()
        redirect_uri = self._redirect_uri(request)
        params: dict[str, str] = {"nonce": nonce, "ui_locales": "vi"}
        acr_values = self.config.levels_to_acr(level) if level else list(self.config.acr_values)
        if acr_values:
            params["acr_values"] = " ".join(acr_values)
        url, _ = self._session(redirect_uri).create_authorization_url(
            metadata["authorization_endpoint"], state=state, code_verifier=verifier, **params
        )
        remember_flow(
            request,
            state,
            nonce=nonce,
            verifier=verifier,
            next=next_url,
            purpose=purpose,
            level=level or 0,
            redirect_uri=redirect_uri,
        )
        return url

    # Finish

    def complete(self, request: HttpRequest) -> EidIdentity:
        error = request.GET.get("error")
        state = request.GET.get("state")
        if error:
            with contextlib.suppress(EidError):  # the provider's error is what matters here
                pop_flow(request, state)  # used up either way
            log.info("eid.provider_error", error=error[:64])
            raise EidError("access_denied" if error == "access_denied" else "provider_error")
        flow = pop_flow(request, state)
        code = request.GET.get("code")
        if not code:
            raise EidError("provider_error")
        metadata = CACHE.metadata(self.config)
        self._check_issuer_parameter(request, metadata)
        token = self._exchange(code, flow, metadata)
        claims = verify_id_token(
            token["id_token"],
            nonce=flow["nonce"],
            access_token=token.get("access_token"),
            config=self.config,
        )
        if self.config.use_userinfo and metadata.get("userinfo_endpoint"):
            claims = self._with_userinfo(claims, token, metadata)
        identity = identity_from_claims(claims, self.config)
        if identity.level < self.config.min_level or (
            flow.get("level") and identity.level < flow["level"]
        ):
            raise EidError("level_too_low")
        log.info("eid.login_verified", level=identity.level)
        return replace(
            identity,
            id_token=token["id_token"],
            next_url=flow.get("next", ""),
            purpose=flow.get("purpose", "login"),
        )

    def _check_issuer_parameter(self, request: HttpRequest, metadata: dict[str, Any]) -> None:
        # RFC 9207: a provider that sends ``iss`` on the callback lets us catch mix-up attacks.
        iss = request.GET.get("iss")
        if iss is not None and iss != metadata["issuer"]:
            raise EidError("invalid_token")

    def _exchange(self, code: str, flow: dict[str, Any], metadata: dict[str, Any]) -> dict:
        session = self._session(flow["redirect_uri"], metadata)
        try:
            token = session.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=flow["verifier"],
                redirect_uri=flow["redirect_uri"],
            )
        except OAuthError as exc:
            log.info("eid.token_refused", error=str(exc.error)[:64])
            raise EidError("token_exchange") from exc
        except (requests.RequestException, ValueError) as exc:
            log.warning("eid.token_failed", error=type(exc).__name__)
            raise EidError("provider_unavailable") from exc
        finally:
            session.close()
        if not token.get("id_token"):
            raise EidError("token_exchange")
        return dict(token)

    def _with_userinfo(
        self, claims: dict[str, Any], token: dict[str, Any], metadata: dict[str, Any]
    ) -> dict[str, Any]:
        try:
            response = requests.get(
                metadata["userinfo_endpoint"],
                headers={
                    "Authorization": f"Bearer {token['access_token']}",
                    "Accept": "application/json",
                },
                timeout=self.config.timeout,
            )
            response.raise_for_status()
        except (requests.RequestException, KeyError) as exc:
            log.warning("eid.userinfo_failed", error=type(exc).__name__)
            raise EidError("provider_unavailable") from exc
        if response.headers.get("Content-Type", "").startswith("application/jwt"):
            signed = _decrypt_if_needed(response.text.strip(), self.config)
            _, userinfo = _verify_signature(signed, metadata, self.config)
        else:
            try:
                userinfo = response.json()
            except ValueError as exc:
                raise EidError("invalid_claims") from exc
        if not isinstance(userinfo, dict) or userinfo.get("sub") != claims["sub"]:
            # OIDC Core 5.3.2: userinfo about someone else must not be used.
            raise EidError("invalid_claims")
        protocol = {"iss", "aud", "exp", "iat", "nbf", "nonce", "acr", "amr", "azp", "at_hash"}
        extra = {k: v for k, v in userinfo.items() if k not in protocol and k not in claims}
        return {**claims, **extra}

    # Logout

    def logout_url(self, request: HttpRequest, id_token: str) -> str | None:
        try:
            endpoint = CACHE.metadata(self.config).get("end_session_endpoint")
        except EidError:
            return None
        if not endpoint:
            return None
        params = {
            "post_logout_redirect_uri": self.config.post_logout_redirect_uri
            or request.build_absolute_uri(reverse("portal:home")),
            "client_id": self.config.client_id,
        }
        if id_token:
            params["id_token_hint"] = id_token
        return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)

    def origins(self) -> list[str]:
        """The provider's web origins the browser is sent to (for the page's form-action)."""
        try:
            metadata = CACHE.metadata(self.config)
        except EidError:
            metadata = {}
        urls = [metadata.get("authorization_endpoint"), metadata.get("end_session_endpoint")]
        urls.append(self.config.discovery_url)
        found = []
        for url in urls:
            if url:
                parts = urlsplit(url)
                origin = f"{parts.scheme}://{parts.netloc}"
                if origin not in found:
                    found.append(origin)
        return found

    # Configuration

    def check_config(self) -> list[str]:
        config = self.config
        problems = []
        if not config.discovery_url:
            problems.append(
                "MOTCUA_EID_DISCOVERY_URL is empty: set the provider's "
                "/.well-known/openid-configuration address."
            )
        elif urlsplit(config.discovery_url).scheme not in ("http", "https"):
            problems.append("MOTCUA_EID_DISCOVERY_URL must be an http(s) address.")
        elif urlsplit(config.discovery_url).scheme != "https" and _is_production():
            problems.append("MOTCUA_EID_DISCOVERY_URL must use https in production.")
        if not config.client_id:
            problems.append("MOTCUA_EID_CLIENT_ID is empty.")
        if not config.client_secret and config.token_auth_method != "none":  # noqa: S105
            problems.append("MOTCUA_EID_CLIENT_SECRET is empty.")
        if config.client_secret == "motcua-portal-dev-secret" and _is_production():  # noqa: S105
            problems.append("MOTCUA_EID_CLIENT_SECRET is the development secret in production.")
        if "openid" not in config.scopes:
            problems.append("MOTCUA_EID_SCOPES must include 'openid'.")
        if not config.acr_levels or any(v not in (1, 2) for v in config.acr_levels.values()):
            problems.append("MOTCUA_EID_ACR_LEVELS must map acr values to level 1 or 2.")
        unknown = [acr for acr in config.acr_values if acr not in config.acr_levels]
        if unknown:
            problems.append(
                f"MOTCUA_EID_ACR_VALUES has values with no level in MOTCUA_EID_ACR_LEVELS: "
                f"{unknown}"
            )
        if config.min_level not in (1, 2):
            problems.append("MOTCUA_EID_MIN_LEVEL must be 1 or 2.")
        if "none" in config.signing_algs:
            problems.append("MOTCUA_EID_SIGNING_ALGS must not include 'none'.")
        if config.decryption_key:
            try:
                _decryption_key(config)
            except (OSError, ValueError, JoseError):
                problems.append("MOTCUA_EID_DECRYPTION_KEY cannot be read as a private key.")
        return problems

    # Helpers

    def _redirect_uri(self, request: HttpRequest) -> str:
        return self.config.redirect_uri or request.build_absolute_uri(
            reverse("accounts:eid_callback")
        )

    def _session(self, redirect_uri: str, metadata: dict[str, Any] | None = None) -> OAuth2Session:
        return OAuth2Session(
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            token_endpoint_auth_method=self._auth_method(metadata or {}),
            scope=" ".join(self.config.scopes),
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            default_timeout=self.config.timeout,
        )

    def _auth_method(self, metadata: dict[str, Any]) -> str:
        if self.config.token_auth_method:
            return self.config.token_auth_method
        supported = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        for method in ("client_secret_basic", "client_secret_post"):
            if method in supported:
                return method
        return "client_secret_basic"


def _is_production() -> bool:
    return getattr(settings, "MOTCUA_ENV", "embedded") == "production"
