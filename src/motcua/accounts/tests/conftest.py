"""Fixtures for e-ID tests: the real bundled provider, and the portal pointed at it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from tests.fixtures.eid import eid_provider  # noqa: F401

from motcua.accounts.eid import oidc


@pytest.fixture(autouse=True)
def _fresh_eid_cache():
    """Each test discovers the provider anew (a cached document must not hide a bug)."""
    oidc.CACHE.clear()
    yield
    oidc.CACHE.clear()


@pytest.fixture
def eid_settings(settings, eid_provider):  # noqa: F811
    """The portal configured for the test provider, as an operator would do it."""
    settings.MOTCUA_EID_PROVIDER = "oidc"
    settings.MOTCUA_EID_DISCOVERY_URL = eid_provider.discovery_url
    settings.MOTCUA_EID_CLIENT_ID = eid_provider.client_id
    settings.MOTCUA_EID_CLIENT_SECRET = eid_provider.client_secret
    settings.MOTCUA_EID_REQUIRE_NONCE = True
    settings.MOTCUA_EID_MIN_LEVEL = 1
    return settings


@dataclass
class Login:
    """One browser round trip: the authorize URL we sent, and where the provider sent us back."""

    authorize_url: str
    callback_url: str
    browser: requests.Session

    @property
    def authorize_params(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.authorize_url).query).items()}

    @property
    def callback_path(self) -> str:
        parts = urlsplit(self.callback_url)
        return f"{parts.path}?{parts.query}"

    @property
    def callback_params(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.callback_url).query).items()}


@pytest.fixture
def start_login(client, eid_settings, eid_provider):  # noqa: F811
    """``start_login(citizen_index=0, path=login URL)``: our redirect, then the provider's login
    page as that citizen, up to (not including) the callback to the portal."""

    def start(citizen_index: int = 0, path: str = "/tai-khoan/vneid/dang-nhap/") -> Login:
        response = client.get(path)
        assert response.status_code == 302, response.content[:500]
        authorize_url = response["Location"]
        browser = requests.Session()
        callback_url = eid_provider.login_as(browser, authorize_url, citizen_index)
        return Login(authorize_url, callback_url, browser)

    return start


@pytest.fixture
def log_in(client, start_login):
    """``log_in(citizen_index=0)``: a whole e-ID login; returns (Login, callback response)."""

    def run(citizen_index: int = 0, path: str = "/tai-khoan/vneid/dang-nhap/"):
        login = start_login(citizen_index, path)
        return login, client.get(login.callback_path)

    return run


@pytest.fixture
def citizens(eid_provider):  # noqa: F811
    return eid_provider.citizens()


@pytest.fixture
def level1_index(citizens) -> int:
    return next(c["index"] for c in citizens if c["level"] == 1)
