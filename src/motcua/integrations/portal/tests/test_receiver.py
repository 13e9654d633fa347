"""The demo national portal on its own, over HTTP: tokens, the three services, no duplicate
on a repeated key or an existing code, the admin endpoints, and its own process."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from motcua.integrations.portal.receiver import DemoPortal, Fault, Receiver, Store

RECORD = {"MaHoSo": "000.00.06.H36-261204-0001", "MaTTHC": "1.001193", "TrangThaiHoSo": "1"}


@pytest.fixture
def server():
    portal = DemoPortal(Receiver(token_ttl=60)).start()
    yield portal
    portal.stop()


SECRET = "motcua-demo-secret"


def token(base: str, secret: str = SECRET) -> requests.Response:
    return requests.post(
        base + "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("motcua-demo", secret),
        timeout=5,
    )


def call(base: str, service: str, data, *, updating=False, key="", bearer=None) -> dict:
    bearer = bearer or token(base).json()["access_token"]
    response = requests.post(
        base + "/api",
        json={"service": service, "isUpdating": "True" if updating else "False", "data": data},
        headers={"Authorization": f"Bearer {bearer}", "Idempotency-Key": key},
        timeout=5,
    )
    return {"status": response.status_code, **response.json()}


def test_a_token_is_given_only_for_the_right_client_credentials(server):
    base = server.base_url
    assert token(base, "wrong").status_code == 401
    answer = token(base).json()
    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] == 60
    assert call(base, "TraCuuHoSo", [], bearer="made-up")["status"] == 401


def test_create_then_update_never_makes_a_second_dossier(server):
    base = server.base_url
    assert call(base, "DongBoHoSoMC", [RECORD], key="k1")["error_code"] == "0"
    again = call(base, "DongBoHoSoMC", [RECORD], key="k2")
    assert again["error_code"] == "2"
    assert (
        call(base, "DongBoHoSoMC", [{**RECORD, "MaHoSo": "other"}], updating=True)["error_code"]
        == "3"
    )
    changed = {**RECORD, "TrangThaiHoSo": "2"}
    updated = call(base, "DongBoHoSoMC", [changed], updating=True, key="k3")
    assert updated["error_code"] == "0"
    state = server.receiver.store.state()
    assert list(state["dossiers"]) == [RECORD["MaHoSo"]]
    assert state["dossiers"][RECORD["MaHoSo"]]["TrangThaiHoSo"] == "2"
    assert [a["outcome"] for a in state["arrivals"]] == ["created", "refused", "refused", "updated"]
    found = call(base, "TraCuuHoSo", [{"MaHoSo": RECORD["MaHoSo"]}, {"MaHoSo": "nope"}])
    assert [r["MaHoSo"] for r in found["result"]] == [RECORD["MaHoSo"]]
    assert found["result"][0]["TrangThaiHoSo"] == "2"
    assert len(found["result"][0]["NgayCapNhat"]) == 14


def test_a_push_repeated_with_its_key_is_acknowledged_again_but_applied_once(server):
    base = server.base_url
    call(base, "DongBoHoSoMC", [RECORD], key="event-1")
    entry = {"MaHoSo": RECORD["MaHoSo"], "ThoiDiemXuLy": "20261204090000", "TrangThai": "1"}
    first = call(base, "CapNhatTienDoHoSoMC", [entry], key="event-1")
    second = call(base, "CapNhatTienDoHoSoMC", [entry], key="event-1")
    assert first["error_code"] == second["error_code"] == "0"
    assert second["duplicate"] == "1"
    assert len(server.receiver.store.state()["progress"]) == 1


def test_bad_requests_are_refused_with_their_error_code(server):
    base = server.base_url
    assert call(base, "DongBoHoSoMC", [{"MaHoSo": "x"}])["error_code"] == "1"
    assert call(base, "KhongCo", [])["error_code"] == "4"
    assert call(base, "DongBoHoSoMC", "not a list")["error_code"] == "1"
    entry = {"MaHoSo": "unknown", "ThoiDiemXuLy": "20261204090000", "TrangThai": "1"}
    assert call(base, "CapNhatTienDoHoSoMC", [entry])["error_code"] == "3"
    assert server.receiver.store.state()["dossiers"] == {}


def test_faults_are_set_and_healed_over_the_admin_endpoint(server):
    base = server.base_url
    bearer = token(base).json()["access_token"]
    set_ = requests.post(base + "/_admin/faults", json={"mode": "error", "count": 1}, timeout=5)
    assert set_.json()["fault"]["mode"] == "error"
    failed = requests.post(
        base + "/api",
        json={"service": "TraCuuHoSo", "data": []},
        headers={"Authorization": f"Bearer {bearer}"},
        timeout=5,
    )
    assert failed.status_code == 503
    assert call(base, "TraCuuHoSo", [], bearer=bearer)["error_code"] == "0"  # count used up
    requests.post(base + "/_admin/faults", json={"mode": "outage"}, timeout=5)
    assert token(base).status_code == 503
    requests.delete(base + "/_admin/faults", timeout=5)
    assert token(base).status_code == 200
    refused = requests.post(base + "/_admin/faults", json={"mode": "nope"}, timeout=5)
    assert refused.status_code == 400


def test_the_admin_endpoints_change_what_the_portal_holds(server):
    base = server.base_url
    call(base, "DongBoHoSoMC", [RECORD])
    code = RECORD["MaHoSo"]
    requests.patch(base + f"/_admin/dossiers/{code}", json={"TrangThaiHoSo": "4"}, timeout=5)
    assert (
        requests.get(base + "/_admin/state", timeout=5).json()["dossiers"][code]["TrangThaiHoSo"]
        == "4"
    )
    assert requests.delete(base + f"/_admin/dossiers/{code}", timeout=5).json()["deleted"]
    requests.post(base + "/_admin/reset", timeout=5)
    assert requests.get(base + "/_admin/state", timeout=5).json()["arrivals"] == []


def test_an_admin_token_guards_the_admin_endpoints():
    portal = DemoPortal(Receiver(admin_token="s3cret")).start()
    try:
        url = portal.base_url + "/_admin/state"
        assert requests.get(url, timeout=5).status_code == 404
        assert requests.get(url, headers={"X-Admin-Token": "s3cret"}, timeout=5).ok
    finally:
        portal.stop()


def test_faults_are_read_from_the_command_line_form():
    fault = Fault.parse("error:count=3,status=502,services=DongBoHoSoMC+token")
    assert (fault.mode, fault.count, fault.status) == ("error", 3, 502)
    assert fault.services == ("DongBoHoSoMC", "token")
    assert Fault.parse("timeout").delay == 30.0
    assert Fault.parse("outage:seconds=60").until > time.time()
    with pytest.raises(ValueError, match="unknown fault"):
        Fault.parse("gremlins")


def test_what_it_received_survives_a_restart_with_a_database_file(tmp_path):
    path = str(tmp_path / "portal.sqlite3")
    Store(path).save_dossiers([RECORD], updating=False)
    assert Store(path).dossier(RECORD["MaHoSo"])["TrangThaiHoSo"] == "1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_it_runs_as_its_own_process_without_django(tmp_path):
    port = _free_port()
    src = Path(__file__).resolve().parents[4]
    process = subprocess.Popen(  # noqa: S603 (our own module)
        [sys.executable, "-m", "motcua.integrations.portal.receiver", "--port", str(port),
         "--db", str(tmp_path / "p.sqlite3"), "--fault", "slow:delay=0.1"],
        cwd=src,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if requests.get(base + "/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.05)
        assert call(base, "DongBoHoSoMC", [RECORD], key="a")["error_code"] == "0"
        state = requests.get(base + "/_admin/state", timeout=5).json()
        assert list(state["dossiers"]) == [RECORD["MaHoSo"]]
        assert state["faults"][0]["mode"] == "slow"
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_importing_it_loads_nothing_of_django():
    src = Path(__file__).resolve().parents[4]
    check = (
        "import sys, motcua.integrations.portal.receiver; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run(  # noqa: S603 (our own module)
        [sys.executable, "-c", check],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "[]"
