"""A real installation for browser journeys: its own database and static files in a temporary
directory, prepared by ``motcua bootstrap`` and served by gunicorn on a free local port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.fixtures.eid import *  # noqa: F403  (the e-ID provider the portal logs in with)
from tests.fixtures.processes import free_port, stop
from tests.fixtures.smtp import *  # noqa: F403  (the SMTP server the portal sends mail to)

# Playwright's sync API keeps an event loop running in this thread for the whole session; the
# journeys never touch Django's database in-process, but tests that run after them in the same
# worker do, and Django would refuse them as "called from an async context".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BOOTSTRAP_TIMEOUT = 600
START_TIMEOUT = 60


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local URL)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def server_env(tmp_path_factory, eid_provider, smtp_server) -> dict[str, str]:
    """The portal's environment: its own SQLite database, pointed at the test e-ID provider
    (also the demo population and business registries) and at a real SMTP server."""
    var_dir = tmp_path_factory.mktemp("e2e")
    env = dict(os.environ)
    env.update(
        {
            "MOTCUA_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / 'e2e.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "motcua.settings",
            "MOTCUA_LOG_LEVEL": "WARNING",
            "MOTCUA_EID_DISCOVERY_URL": eid_provider.discovery_url,
            "MOTCUA_EID_CLIENT_ID": eid_provider.client_id,
            "MOTCUA_EID_CLIENT_SECRET": eid_provider.client_secret,
            "MOTCUA_POPULATION_URL": f"{eid_provider.base_url}/demo/citizens.json",
            "MOTCUA_BUSINESS_REGISTRY_URL": f"{eid_provider.base_url}/demo/businesses.json",
            "MOTCUA_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "MOTCUA_EMAIL_HOST": smtp_server.host,
            "MOTCUA_EMAIL_PORT": str(smtp_server.port),
        }
    )
    return env


@pytest.fixture(scope="session")
def base_url(server_env, tmp_path_factory) -> str:
    """Base URL of a running server over a freshly bootstrapped installation."""
    bin_dir = Path(sys.executable).parent
    var_dir = Path(server_env["MOTCUA_VAR_DIR"])
    bootstrap = subprocess.run(  # noqa: S603 (our own command)
        [str(bin_dir / "motcua"), "bootstrap", "--demo"],
        env=server_env,
        capture_output=True,
        text=True,
        timeout=BOOTSTRAP_TIMEOUT,
        check=False,
    )
    if bootstrap.returncode != 0:
        # The end of stderr holds the traceback; progress bars come before it.
        pytest.fail(
            f"motcua bootstrap exited with {bootstrap.returncode}:\n"
            f"{bootstrap.stdout[-2000:]}\n{bootstrap.stderr[-6000:]}"
        )

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = var_dir / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 (our own command)
            [
                str(bin_dir / "gunicorn"),
                "motcua.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--no-control-socket",
            ],
            env=server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(f"{url}/healthz"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not become healthy:\n{log_path.read_text()}")
            time.sleep(0.25)
        yield url
    finally:
        stop(server)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        # A browser journey that silently does not run is a test that cannot fail.
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it "
            "(scripts/install-system-packages test)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()
