"""The demo national portal: a small HTTP server speaking the sync protocol of the national
public service portal, to run beside the embedded installation and in the tests.

It needs nothing but the standard library (no Django, none of the portal's models):

    python -m motcua.integrations.portal.receiver --port 8002 [--db var/portal-demo.sqlite3]

Protocol (docs/integrations.md):

- ``POST /oauth/token`` — OAuth 2 client credentials (HTTP Basic or form fields), answers
  ``{"access_token", "token_type": "Bearer", "expires_in"}``.
- ``POST /api`` with ``Authorization: Bearer …`` and a JSON body
  ``{"service": …, "isUpdating": "True|False", "data": [...]}``; every answer is
  ``{"error_code": "0" | …, "message": …}`` (HTTP 200 unless the server itself fails).
  Services: ``DongBoHoSoMC`` (create a dossier, or update it with ``isUpdating=True``; a create
  of a code it holds is refused with error ``2``, an update of an unknown code with ``3``),
  ``CapNhatTienDoHoSoMC`` (append progress entries of known dossiers) and ``TraCuuHoSo`` (look
  dossiers up by code, ``result`` lists those it holds).
- An ``Idempotency-Key`` header: a push whose key and service were already accepted is not
  applied again; the first answer is sent back (with ``"duplicate": "1"``).

Everything it receives is kept in SQLite (in memory unless ``--db``), with the order of
arrivals. Faults are injected with ``--fault`` or ``POST /_admin/faults`` (see :class:`Fault`):
``error`` (an HTTP 5xx before anything is applied), ``timeout`` (the push is applied, the
answer comes too late), ``slow`` (a late but good answer), ``duplicate_ack`` (every push
acknowledged as a repeat) and ``outage`` (every request refused for a window of time).
``GET /_admin/state`` shows what it holds; ``DELETE /_admin/faults`` heals it.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hmac
import json
import secrets
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SERVICES = ("DongBoHoSoMC", "CapNhatTienDoHoSoMC", "TraCuuHoSo")

#: ``error_code`` values of the answers.
OK, INVALID, EXISTS, NOT_FOUND, UNKNOWN_SERVICE = "0", "1", "2", "3", "4"

MESSAGES = {
    OK: "Thành công",
    INVALID: "Dữ liệu không hợp lệ",
    EXISTS: "Hồ sơ đã tồn tại",
    NOT_FOUND: "Không tìm thấy hồ sơ",
    UNKNOWN_SERVICE: "Dịch vụ không tồn tại",
}

#: Fields a dossier record must have.
REQUIRED = ("MaHoSo", "MaTTHC", "TrangThaiHoSo")
#: Fields a progress entry must have.
REQUIRED_PROGRESS = ("MaHoSo", "ThoiDiemXuLy", "TrangThai")

ARRIVAL_FIELDS = ("seq", "at", "service", "key", "code", "status", "outcome")

MODES = ("error", "timeout", "slow", "duplicate_ack", "outage")


@dataclass
class Fault:
    """A misbehaviour, for the next ``count`` requests (None: until ``until`` or healed).

    ``services``: the services it hits ("token" for the token endpoint); empty: every request.
    ``codes``: only requests about these dossier codes (empty: any).
    ``delay``: seconds of a ``slow`` answer, or before a ``timeout`` answer is sent.
    ``status``: the HTTP status of an ``error`` or ``outage``.
    """

    mode: str
    count: int | None = None
    until: float | None = None
    delay: float = 0.0
    status: int = 503
    services: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown fault {self.mode!r} ({', '.join(MODES)})")
        if self.mode == "timeout" and not self.delay:
            self.delay = 30.0
        self.services = tuple(self.services)
        self.codes = tuple(self.codes)

    def hits(self, service: str, now: float, codes: tuple[str, ...] = ()) -> bool:
        if self.until is not None and now >= self.until:
            return False
        if self.count is not None and self.count <= 0:
            return False
        if self.codes and not set(self.codes) & set(codes):
            return False
        return not self.services or service in self.services

    @classmethod
    def parse(cls, text: str) -> Fault:
        """``MODE[:key=value,...]``, e.g. ``error:count=3,status=502`` or ``outage:seconds=60``."""
        mode, _, rest = text.partition(":")
        options: dict[str, Any] = {}
        for pair in filter(None, rest.split(",")):
            key, _, value = pair.partition("=")
            options[key.strip()] = value.strip()
        return cls.from_dict({"mode": mode.strip(), **options})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fault:
        seconds = data.get("seconds")
        services, codes = data.get("services") or (), data.get("codes") or ()
        if isinstance(services, str):
            services = tuple(s for s in services.replace("+", " ").split() if s)
        if isinstance(codes, str):
            codes = tuple(c for c in codes.replace("+", " ").split() if c)
        return cls(
            mode=str(data.get("mode", "")),
            count=int(data["count"]) if data.get("count") not in (None, "") else None,
            until=time.time() + float(seconds) if seconds not in (None, "") else None,
            delay=float(data.get("delay") or 0.0),
            status=int(data.get("status") or 503),
            services=tuple(services),
            codes=tuple(codes),
        )


class Store:
    """What the demo portal holds, in one SQLite database (thread-safe)."""

    SCHEMA = """
        CREATE TABLE IF NOT EXISTS dossier (
            code TEXT PRIMARY KEY, record TEXT NOT NULL, status TEXT NOT NULL,
            created_at REAL NOT NULL, updated_at REAL NOT NULL, version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS progress (
            id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL, entry TEXT NOT NULL,
            key TEXT NOT NULL, received_at REAL NOT NULL);
        CREATE TABLE IF NOT EXISTS arrival (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, service TEXT NOT NULL,
            key TEXT NOT NULL, code TEXT NOT NULL, status TEXT NOT NULL, outcome TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS ack (
            key TEXT NOT NULL, service TEXT NOT NULL, reply TEXT NOT NULL,
            PRIMARY KEY (key, service));
        CREATE TABLE IF NOT EXISTS token (token TEXT PRIMARY KEY, expires_at REAL NOT NULL);
    """

    def __init__(self, path: str = ":memory:"):
        self.lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.executescript(self.SCHEMA)
        self.tokens_issued = 0

    # --- tokens ---

    def issue_token(self, ttl: int) -> str:
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.db.execute("INSERT INTO token VALUES (?, ?)", (token, time.time() + ttl))
            self.tokens_issued += 1
        return token

    def token_valid(self, token: str) -> bool:
        with self.lock:
            query = "SELECT expires_at FROM token WHERE token = ?"
            row = self.db.execute(query, (token,)).fetchone()
        return row is not None and row[0] > time.time()

    def expire_tokens(self) -> None:
        with self.lock:
            self.db.execute("DELETE FROM token")

    # --- pushes ---

    def replay(self, key: str, service: str) -> dict | None:
        if not key:
            return None
        with self.lock:
            row = self.db.execute(
                "SELECT reply FROM ack WHERE key = ? AND service = ?", (key, service)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def remember(self, key: str, service: str, reply: dict) -> None:
        if key:
            with self.lock:
                self.db.execute(
                    "INSERT OR IGNORE INTO ack VALUES (?, ?, ?)", (key, service, json.dumps(reply))
                )

    def arrive(self, service: str, key: str, code: str, status: str, outcome: str) -> None:
        with self.lock:
            self.db.execute(
                "INSERT INTO arrival (at, service, key, code, status, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (time.time(), service, key, code, status, outcome),
            )

    def dossier(self, code: str) -> dict | None:
        with self.lock:
            row = self.db.execute(
                "SELECT record, version, created_at, updated_at FROM dossier WHERE code = ?",
                (code,),
            ).fetchone()
        if row is None:
            return None
        record = json.loads(row[0])
        record.update({"_version": row[1], "_created_at": row[2], "_updated_at": row[3]})
        return record

    def save_dossiers(self, records: list[dict], *, updating: bool) -> str:
        """Create (or update) every record, or none of them; returns the error code."""
        with self.lock:
            codes = [str(r["MaHoSo"]) for r in records]
            held = {
                code
                for code in codes
                if self.db.execute("SELECT 1 FROM dossier WHERE code = ?", (code,)).fetchone()
            }
            if not updating and held:
                return EXISTS
            if updating and len(held) < len(set(codes)):
                return NOT_FOUND
            now = time.time()
            self.db.execute("BEGIN")
            for code, record in zip(codes, records, strict=True):
                status = str(record.get("TrangThaiHoSo", ""))
                if updating:
                    self.db.execute(
                        "UPDATE dossier SET record = ?, status = ?, updated_at = ?, "
                        "version = version + 1 WHERE code = ?",
                        (json.dumps(record, ensure_ascii=False), status, now, code),
                    )
                else:
                    self.db.execute(
                        "INSERT INTO dossier VALUES (?, ?, ?, ?, ?, 1)",
                        (code, json.dumps(record, ensure_ascii=False), status, now, now),
                    )
            self.db.execute("COMMIT")
        return OK

    def add_progress(self, entries: list[dict], key: str) -> str:
        with self.lock:
            for entry in entries:
                code = str(entry["MaHoSo"])
                if not self.db.execute("SELECT 1 FROM dossier WHERE code = ?", (code,)).fetchone():
                    return NOT_FOUND
            now = time.time()
            self.db.execute("BEGIN")
            for entry in entries:
                self.db.execute(
                    "INSERT INTO progress (code, entry, key, received_at) VALUES (?, ?, ?, ?)",
                    (str(entry["MaHoSo"]), json.dumps(entry, ensure_ascii=False), key, now),
                )
            self.db.execute("COMMIT")
        return OK

    # --- admin ---

    def patch_dossier(self, code: str, fields: dict) -> bool:
        record = self.dossier(code)
        if record is None:
            return False
        record = {k: v for k, v in record.items() if not k.startswith("_")}
        record.update(fields)
        with self.lock:
            self.db.execute(
                "UPDATE dossier SET record = ?, status = ? WHERE code = ?",
                (json.dumps(record, ensure_ascii=False), str(record.get("TrangThaiHoSo")), code),
            )
        return True

    def delete_dossier(self, code: str) -> bool:
        with self.lock:
            return self.db.execute("DELETE FROM dossier WHERE code = ?", (code,)).rowcount > 0

    def state(self) -> dict:
        with self.lock:
            codes = [row[0] for row in self.db.execute("SELECT code FROM dossier ORDER BY code")]
            progress = [
                {"code": code, "key": key, **json.loads(entry)}
                for code, entry, key in self.db.execute(
                    "SELECT code, entry, key FROM progress ORDER BY id"
                )
            ]
            arrivals = [
                dict(zip(ARRIVAL_FIELDS, row, strict=True))
                for row in self.db.execute("SELECT * FROM arrival ORDER BY seq")
            ]
            return {
                "dossiers": {code: self.dossier(code) for code in codes},
                "progress": progress,
                "arrivals": arrivals,
                "tokens_issued": self.tokens_issued,
            }

    def reset(self) -> None:
        with self.lock:
            for table in ("dossier", "progress", "arrival", "ack", "token"):
                self.db.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)
            self.tokens_issued = 0


class Receiver:
    """The demo portal's behaviour, independent of the HTTP plumbing."""

    def __init__(
        self,
        *,
        store: Store | None = None,
        client_id: str = "motcua-demo",
        client_secret: str = "motcua-demo-secret",  # noqa: S107 (the demo's known secret)
        token_ttl: int = 3600,
        admin_token: str = "",
        faults: list[Fault] | None = None,
    ):
        self.store = store or Store()
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.admin_token = admin_token
        self.faults: list[Fault] = list(faults or [])
        self.fault_lock = threading.Lock()

    def fault_for(self, service: str, codes: tuple[str, ...] = ()) -> Fault | None:
        now = time.time()
        with self.fault_lock:
            for fault in self.faults:
                if fault.hits(service, now, codes):
                    if fault.count is not None:
                        fault.count -= 1
                    return fault
        return None

    def add_fault(self, fault: Fault) -> None:
        with self.fault_lock:
            self.faults.append(fault)

    def heal(self) -> None:
        with self.fault_lock:
            self.faults.clear()

    # --- token ---

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict]:
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip()).decode()
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            client_id, _, client_secret = decoded.partition(":")
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        if not (
            hmac.compare_digest(client_id, self.client_id)
            and hmac.compare_digest(client_secret, self.client_secret)
        ):
            return 401, {"error": "invalid_client"}
        token = self.store.issue_token(self.token_ttl)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl}

    # --- services ---

    def call(self, body: Any, key: str) -> dict:
        if not isinstance(body, dict):
            return _reply(INVALID)
        service = body.get("service")
        data = body.get("data")
        if service not in SERVICES:
            return _reply(UNKNOWN_SERVICE)
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            return _reply(INVALID, "data phải là một danh sách")
        if service == "TraCuuHoSo":
            found = [self.store.dossier(str(item.get("MaHoSo", ""))) for item in data]
            return {**_reply(OK), "result": [_public(r) for r in found if r is not None]}
        replayed = self.store.replay(key, service)
        if replayed is not None:
            for item in data:
                self.store.arrive(service, key, str(item.get("MaHoSo", "")), "", "replayed")
            return {**replayed, "duplicate": "1"}
        if service == "DongBoHoSoMC":
            reply = self._dossiers(data, key, updating=str(body.get("isUpdating")) == "True")
        else:
            reply = self._progress(data, key)
        if reply["error_code"] == OK:
            self.store.remember(key, service, reply)
        return reply

    def _dossiers(self, records: list[dict], key: str, *, updating: bool) -> dict:
        missing = sorted({f for r in records for f in REQUIRED if r.get(f) in (None, "")})
        if not records or missing:
            return _reply(INVALID, "Thiếu trường: " + ", ".join(missing))
        code = self.store.save_dossiers(records, updating=updating)
        outcome = {OK: "updated" if updating else "created"}.get(code, "refused")
        for record in records:
            self.store.arrive(
                "DongBoHoSoMC", key, str(record["MaHoSo"]), str(record["TrangThaiHoSo"]), outcome
            )
        return _reply(code)

    def _progress(self, entries: list[dict], key: str) -> dict:
        missing = sorted({f for e in entries for f in REQUIRED_PROGRESS if e.get(f) in (None, "")})
        if not entries or missing:
            return _reply(INVALID, "Thiếu trường: " + ", ".join(missing))
        code = self.store.add_progress(entries, key)
        for entry in entries:
            self.store.arrive(
                "CapNhatTienDoHoSoMC",
                key,
                str(entry["MaHoSo"]),
                str(entry["TrangThai"]),
                "added" if code == OK else "refused",
            )
        return _reply(code)


def _codes(body: Any) -> tuple[str, ...]:
    """The dossier codes a request is about."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return ()
    return tuple(str(item.get("MaHoSo", "")) for item in data if isinstance(item, dict))


def _reply(code: str, message: str = "") -> dict:
    return {"error_code": code, "message": message or MESSAGES[code]}


def _public(record: dict) -> dict:
    """What a look-up answers: the record as held, with when it was last updated."""
    answer = {k: v for k, v in record.items() if not k.startswith("_")}
    answer["NgayCapNhat"] = time.strftime("%Y%m%d%H%M%S", time.localtime(record["_updated_at"]))
    return answer


def make_handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "motcua-portal-demo/1"
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet: the arrivals table is the log
            pass

        # --- plumbing ---

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _send(self, status: int, payload: dict) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up waiting

        def _json(self, raw: bytes) -> Any:
            try:
                return json.loads(raw.decode() or "null")
            except (UnicodeDecodeError, ValueError):
                return None

        def _admin_allowed(self) -> bool:
            if not receiver.admin_token:
                return True
            given = self.headers.get("X-Admin-Token", "")
            return hmac.compare_digest(given, receiver.admin_token)

        # --- verbs ---

        def do_GET(self):
            path = urlsplit(self.path).path
            if path == "/healthz":
                return self._send(200, {"status": "ok"})
            if path == "/_admin/state" and self._admin_allowed():
                state = receiver.store.state()
                state["faults"] = [asdict(f) for f in receiver.faults]
                return self._send(200, state)
            return self._send(404, {"error": "not_found"})

        def do_DELETE(self):
            path = urlsplit(self.path).path
            if not self._admin_allowed():
                return self._send(403, {"error": "forbidden"})
            if path == "/_admin/faults":
                receiver.heal()
                return self._send(200, {"faults": []})
            if path.startswith("/_admin/dossiers/"):
                found = receiver.store.delete_dossier(path.rsplit("/", 1)[1])
                return self._send(200 if found else 404, {"deleted": found})
            return self._send(404, {"error": "not_found"})

        def do_PATCH(self):
            path = urlsplit(self.path).path
            fields = self._json(self._body())
            if not self._admin_allowed():
                return self._send(403, {"error": "forbidden"})
            if path.startswith("/_admin/dossiers/") and isinstance(fields, dict):
                found = receiver.store.patch_dossier(path.rsplit("/", 1)[1], fields)
                return self._send(200 if found else 404, {"updated": found})
            return self._send(404, {"error": "not_found"})

        def do_POST(self):
            path = urlsplit(self.path).path
            raw = self._body()
            if path.startswith("/_admin/"):
                return self._admin_post(path, raw)
            service = "token" if path == "/oauth/token" else ""
            body, codes = None, ()
            if not service:
                body = self._json(raw)
                service = body.get("service", "") if isinstance(body, dict) else ""
                codes = _codes(body)
            fault = receiver.fault_for(service, codes)
            if fault is not None and fault.mode in ("error", "outage"):
                return self._send(fault.status, {"error_code": "-1", "message": "Lỗi máy chủ"})
            if fault is not None and fault.mode == "slow":
                time.sleep(fault.delay)
            if path == "/oauth/token":
                form = {k: v[0] for k, v in parse_qs(raw.decode(errors="replace")).items()}
                status, payload = receiver.token(form, self.headers.get("Authorization", ""))
                if fault is not None and fault.mode == "timeout":
                    time.sleep(fault.delay)
                return self._send(status, payload)
            if path != "/api":
                return self._send(404, {"error": "not_found"})
            authorization = self.headers.get("Authorization", "")
            if not (
                authorization.startswith("Bearer ")
                and receiver.store.token_valid(authorization[7:].strip())
            ):
                return self._send(401, {"error_code": "-1", "message": "Token không hợp lệ"})
            reply = receiver.call(body, self.headers.get("Idempotency-Key", "").strip())
            if fault is not None and fault.mode == "timeout":
                time.sleep(fault.delay)  # applied, but the answer comes too late
            if fault is not None and fault.mode == "duplicate_ack" and reply["error_code"] == OK:
                reply = {**reply, "duplicate": "1", "message": "Dữ liệu đã được tiếp nhận"}
            return self._send(200, reply)

        def _admin_post(self, path: str, raw: bytes):
            if not self._admin_allowed():
                return self._send(403, {"error": "forbidden"})
            if path == "/_admin/faults":
                data = self._json(raw)
                try:
                    fault = Fault.from_dict(data if isinstance(data, dict) else {})
                except (TypeError, ValueError) as error:
                    return self._send(400, {"error": str(error)})
                receiver.add_fault(fault)
                return self._send(200, {"fault": asdict(fault)})
            if path == "/_admin/reset":
                receiver.store.reset()
                receiver.heal()
                return self._send(200, {"reset": True})
            if path == "/_admin/tokens/expire":
                receiver.store.expire_tokens()
                return self._send(200, {"expired": True})
            return self._send(404, {"error": "not_found"})

    return Handler


class DemoPortal:
    """The server, startable in a thread (tests) or in the foreground (``main``)."""

    def __init__(self, receiver: Receiver | None = None, host: str = "127.0.0.1", port: int = 0):
        self.receiver = receiver or Receiver()
        self.server = ThreadingHTTPServer((host, port), make_handler(self.receiver))
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> DemoPortal:
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Cổng DVC quốc gia thử nghiệm (đồng bộ hồ sơ).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--db", default=":memory:", help="SQLite file (default: in memory)")
    parser.add_argument("--client-id", default="motcua-demo")
    parser.add_argument("--client-secret", default="motcua-demo-secret")
    parser.add_argument("--token-ttl", type=int, default=3600, help="seconds a token lasts")
    parser.add_argument("--admin-token", default="", help="required by /_admin/ when set")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        type=Fault.parse,
        help="MODE[:count=N,seconds=S,delay=D,status=C,services=A+B,codes=X+Y]; repeatable",
    )
    parser.add_argument("--outage-seconds", type=float, default=0, help="refuse all at start")
    options = parser.parse_args(argv)
    faults = list(options.fault)
    if options.outage_seconds:
        faults.append(Fault("outage", until=time.time() + options.outage_seconds))
    receiver = Receiver(
        store=Store(options.db),
        client_id=options.client_id,
        client_secret=options.client_secret,
        token_ttl=options.token_ttl,
        admin_token=options.admin_token,
        faults=faults,
    )
    portal = DemoPortal(receiver, options.host, options.port)
    print(f"portal-demo listening on {portal.base_url}", flush=True)
    try:
        portal.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        portal.server.server_close()


if __name__ == "__main__":
    main()
