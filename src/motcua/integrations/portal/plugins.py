"""The built-in sync plugins: ``dvcqg`` (the national portal's protocol), ``demo`` (the same
client, talking to the bundled demo receiver) and ``disabled``.

The protocol (docs/integrations.md): an OAuth 2 token by client credentials, kept until it
expires (and fetched again once when the portal answers 401); every call a JSON POST
``{"service", "isUpdating", "data"}`` with the token and an ``Idempotency-Key``; success is
``error_code == "0"``. A dossier is created first; if the portal already holds it, it is
updated (and the other way round when we thought it was there and it is not).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
import structlog
from django.conf import settings

from ..http import RemoteUnavailable, http_config_problems, json_reply
from .base import PortalSync, PortalSyncError
from .registry import register

log = structlog.get_logger(__name__)

#: ``error_code`` of the portal: the dossier exists already / is not there.
EXISTS, NOT_FOUND = "2", "3"
#: Look-ups per request.
LOOKUP_BATCH = 50

# Tokens by (token URL, client id): (token, monotonic time it stops being used).
_TOKENS: dict[tuple[str, str], tuple[str, float]] = {}
_TOKEN_LOCK = threading.Lock()


def _now() -> float:
    return time.monotonic()


def forget_tokens() -> None:
    with _TOKEN_LOCK:
        _TOKENS.clear()


class DvcqgSync(PortalSync):
    id = "dvcqg"
    label = "Cổng Dịch vụ công quốc gia (DVCQG)"

    def __init__(self) -> None:
        self.session = requests.Session()

    # --- settings, read when used ---

    @property
    def url(self) -> str:
        return getattr(settings, "MOTCUA_PORTAL_SYNC_URL", "") or ""

    @property
    def token_url(self) -> str:
        return getattr(settings, "MOTCUA_PORTAL_SYNC_TOKEN_URL", "") or ""

    @property
    def client_id(self) -> str:
        return getattr(settings, "MOTCUA_PORTAL_SYNC_CLIENT_ID", "") or ""

    @property
    def client_secret(self) -> str:
        return getattr(settings, "MOTCUA_PORTAL_SYNC_CLIENT_SECRET", "") or ""

    @property
    def timeout(self) -> float:
        return float(getattr(settings, "MOTCUA_PORTAL_SYNC_TIMEOUT", 10.0))

    def check_config(self) -> list[str]:
        problems = self._missing()
        if settings.MOTCUA_ENV == "production":
            for name, value in (("URL", self.url), ("TOKEN_URL", self.token_url)):
                if value and not value.startswith("https://"):
                    problems.append(f"MOTCUA_PORTAL_SYNC_{name} must be https in production.")
        return problems

    def _missing(self) -> list[str]:
        """What makes a call impossible (refused before any request)."""
        problems = http_config_problems(
            "MOTCUA_PORTAL_SYNC_URL", self.url, "MOTCUA_PORTAL_SYNC_TIMEOUT", self.timeout
        )
        problems += http_config_problems(
            "MOTCUA_PORTAL_SYNC_TOKEN_URL", self.token_url, "MOTCUA_PORTAL_SYNC_TIMEOUT", 1
        )
        if not self.client_id or not self.client_secret:
            problems.append(
                "MOTCUA_PORTAL_SYNC_CLIENT_ID and MOTCUA_PORTAL_SYNC_CLIENT_SECRET must be set."
            )
        return problems

    # --- the services ---

    def push_dossier(self, record: dict, *, key: str, known: bool) -> str:
        updating = known
        for _attempt in range(2):
            try:
                self._call("DongBoHoSoMC", [record], updating=updating, key=key)
                return "updated" if updating else "created"
            except PortalSyncError as error:
                if error.remote_code == (NOT_FOUND if updating else EXISTS):
                    updating = not updating  # create first; if it already exists, update
                    continue
                raise
        raise PortalSyncError("rejected", remote_code=EXISTS if known else NOT_FOUND)

    def push_progress(self, entry: dict, *, key: str) -> None:
        self._call("CapNhatTienDoHoSoMC", [entry], updating=False, key=key)

    def look_up(self, codes: list[str]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for start in range(0, len(codes), LOOKUP_BATCH):
            batch = codes[start : start + LOOKUP_BATCH]
            reply = self._call("TraCuuHoSo", [{"MaHoSo": code} for code in batch])
            result = reply.get("result")
            if not isinstance(result, list):
                raise PortalSyncError("malformed")
            for item in result:
                if isinstance(item, dict) and item.get("MaHoSo"):
                    found[str(item["MaHoSo"])] = item
        return found

    # --- transport ---

    def _call(
        self, service: str, data: list, *, updating: bool = False, key: str = ""
    ) -> dict[str, Any]:
        if self._missing():
            raise PortalSyncError("config")
        body = {"service": service, "isUpdating": "True" if updating else "False", "data": data}
        headers = {"Accept": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        for renewed in (False, True):
            headers["Authorization"] = f"Bearer {self._token(renew=renewed)}"
            response = self._post(self.url, json=body, headers=headers)
            if response.status_code == 401 and not renewed:
                continue  # the portal forgot our token before its time: fetch one again
            break
        reply = self._json(response, service)
        code = str(reply.get("error_code", ""))
        if code != "0":
            log.warning("portal_sync.rejected", service=service, error_code=code)
            raise PortalSyncError(
                "rejected", remote_code=code, remote_message=str(reply.get("message", ""))[:200]
            )
        return reply

    def _token(self, *, renew: bool = False) -> str:
        cache_key = (self.token_url, self.client_id)
        with _TOKEN_LOCK:
            held = _TOKENS.get(cache_key)
            if held and not renew and held[1] > _now():
                return held[0]
            _TOKENS.pop(cache_key, None)
        response = self._post(
            self.token_url,
            data={"grant_type": "client_credentials"},
            auth=(self.client_id, self.client_secret),
            headers={"Accept": "application/json"},
        )
        if response.status_code in (400, 401, 403):
            log.warning("portal_sync.token_refused", status=response.status_code)
            raise PortalSyncError("auth", status=response.status_code)
        reply = self._json(response, "token")
        token, lifetime = reply.get("access_token"), reply.get("expires_in", 300)
        if not isinstance(token, str) or not token:
            raise PortalSyncError("malformed")
        try:
            lifetime = float(lifetime)
        except (TypeError, ValueError):
            lifetime = 300.0
        # Stop using a token a little before the portal does.
        margin = min(30.0, lifetime / 10)
        with _TOKEN_LOCK:
            _TOKENS[cache_key] = (token, _now() + lifetime - margin)
        return token

    def _post(self, url: str, **kwargs) -> requests.Response:
        try:
            return self.session.post(url, timeout=self.timeout, allow_redirects=False, **kwargs)
        except requests.Timeout:
            log.warning("portal_sync.unavailable", code="timeout")
            raise PortalSyncError("timeout") from None
        except requests.RequestException:
            log.warning("portal_sync.unavailable", code="connection")
            raise PortalSyncError("connection") from None

    def _json(self, response: requests.Response, service: str) -> dict[str, Any]:
        if response.status_code == 401:
            raise PortalSyncError("auth", status=401)
        try:
            reply = json_reply(response)
        except RemoteUnavailable as error:
            log.warning("portal_sync.unavailable", code=error.code, service=service)
            raise PortalSyncError(error.code, status=error.status) from None
        if not isinstance(reply, dict):
            raise PortalSyncError("malformed")
        return reply


@register
class DemoSync(DvcqgSync):
    """The same client, pointed at the bundled demo receiver (``make run`` starts it)."""

    id = "demo"
    label = "Cổng DVC quốc gia thử nghiệm (motcua, cổng 8002)"

    def check_config(self) -> list[str]:
        problems = super().check_config()
        if settings.MOTCUA_ENV == "production":
            problems.append(
                "MOTCUA_PORTAL_SYNC=demo in production: dossiers reach only the demo receiver, "
                "not the national portal."
            )
        return problems


register(DvcqgSync)


@register
class DisabledSync(PortalSync):
    """For an installation that does not report to the national portal."""

    id = "disabled"
    label = "Không đồng bộ"
    enabled = False

    def check_config(self) -> list[str]:
        return []

    def push_dossier(self, record: dict, *, key: str, known: bool) -> str:
        return "skipped"

    def push_progress(self, entry: dict, *, key: str) -> None:
        return None

    def look_up(self, codes: list[str]) -> dict[str, dict]:
        return {}
