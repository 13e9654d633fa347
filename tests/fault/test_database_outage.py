"""PostgreSQL stops in the middle of submissions and comes back: every submission is either
recorded whole or not at all, the client is told to send it again (503, Retry-After), and
sending it again with the same Idempotency-Key makes exactly one dossier, with one audit entry
and one outbox event."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.fault.proxy import Proxy
from tests.fixtures.api import birth_registration, provision_client
from tests.fixtures.processes import free_port, stop

BIN = Path(sys.executable).parent
ROUNDS = 6


@pytest.fixture(scope="module")
def site(installation):
    """The fault installation with the real catalogue, served by gunicorn whose database
    connections go through a proxy that the test cuts."""
    env = {
        **os.environ,
        "DATABASE_URL": installation.database_url,
        "MOTCUA_VAR_DIR": str(installation.tmp),
        "MOTCUA_OUTBOX_INLINE": "false",
        "MOTCUA_LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    bootstrap = subprocess.run(  # noqa: S603 (our own command)
        [str(BIN / "motcua"), "bootstrap"], env=env, capture_output=True, text=True, timeout=900
    )
    assert bootstrap.returncode == 0, bootstrap.stderr[-3000:]
    credentials = provision_client(env)
    config = installation.config
    proxy = Proxy(config["HOST"] or "127.0.0.1", int(config["PORT"] or 5432))
    proxied = installation.database_url.replace(
        f"@{config['HOST']}:{config['PORT'] or 5432}/", f"@127.0.0.1:{proxy.port}/"
    )
    assert str(proxy.port) in proxied
    port = free_port()
    web = subprocess.Popen(  # noqa: S603 (our own server)
        [str(BIN / "gunicorn"), "motcua.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--timeout", "60", "--no-control-socket", "--log-level", "warning"],
        env={**env, "DATABASE_URL": proxied}, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=2).ok:
                break
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.3)
    yield base, credentials, proxy
    stop(web)
    proxy.close()


def _submit(base, credentials, key):
    body = birth_registration(credentials["province"], credentials["commune"])
    return requests.post(
        f"{base}/api/v1/dossiers",
        json=body,
        headers={"X-API-Key": credentials["key"], "Idempotency-Key": key},
        timeout=60,
    )


def test_submissions_cut_by_a_database_outage_are_recorded_once_when_sent_again(installation, site):
    base, credentials, proxy = site
    outcomes = []
    for round_ in range(ROUNDS):
        key = f"outage-{round_}"
        answer: dict = {}

        def send(key=key, answer=answer):
            try:
                answer["response"] = _submit(base, credentials, key)
            except requests.RequestException as error:
                answer["error"] = error

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(0.05 + 0.08 * round_)  # cut at a different moment of each submission
        proxy.cut()
        time.sleep(1)
        proxy.restore()
        sender.join(90)
        first = answer.get("response")
        if first is not None and first.status_code not in (200, 201):
            assert first.status_code == 503, first.text
            assert first.headers["Retry-After"]
            assert first.json()["error"]["code"] == "unavailable"
        outcomes.append(first.status_code if first is not None else "no answer")

        again = None
        for _ in range(20):  # the client sends it again until the service answers
            try:
                again = _submit(base, credentials, key)
            except requests.RequestException:
                again = None
            if again is not None and again.status_code != 503:
                break
            time.sleep(0.5)
        assert again is not None, "the service never answered again"
        assert again.status_code in (200, 201), again.text
        code = again.json()["code"]
        same = installation.sql("SELECT count(*) FROM dossiers_dossier WHERE code = %s", (code,))
        assert same[0][0] == 1

    dossiers = installation.sql(
        "SELECT count(*) FROM dossiers_dossier WHERE status > 0 AND code <> ''"
    )[0][0]
    assert dossiers == ROUNDS, outcomes
    audits = installation.sql(
        "SELECT count(*) FROM core_auditentry WHERE action = 'dossier_submitted'"
    )[0][0]
    assert audits == ROUNDS
    events = installation.sql(
        "SELECT count(*) FROM core_outboxevent WHERE topic = 'dossier.submitted'"
    )[0][0]
    assert events == ROUNDS
    # The cut hit at least one submission in flight (otherwise the test proved nothing).
    assert any(outcome != 201 for outcome in outcomes), outcomes
    print("first answers:", outcomes)
