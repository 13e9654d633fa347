"""A receiver for fault-injection tests: an HTTP server that records every event posted to it,
keeps the first arrival of each idempotency key (what a well-behaved remote system would
store), and can be told to hold a request without answering (to kill the sender mid-call).

``probe_handler`` is the outbox subscriber that posts to it, loaded into the worker by
``tests.fault.worker``."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Probe:
    def __init__(self):
        self.arrivals: list[dict] = []  # every request, duplicates included
        self.kept: dict[str, dict] = {}  # first arrival per idempotency key, in order
        self.hold_at: int | None = None  # hold the request with this arrival number
        self.held = threading.Event()  # set once a request is being held
        self.release = threading.Event()
        self.lock = threading.Lock()
        probe = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers["Idempotency-Key"]
                with probe.lock:
                    probe.arrivals.append(body)
                    number = len(probe.arrivals)
                    probe.kept.setdefault(key, body)
                if number == probe.hold_at:
                    probe.held.set()
                    probe.release.wait(60)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def order(self, aggregate: str) -> list[int]:
        """The numbers of ``aggregate``'s events as the receiver keeps them."""
        with self.lock:
            return [b["n"] for b in self.kept.values() if b["aggregate"] == aggregate]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
