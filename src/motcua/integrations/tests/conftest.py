"""Fixtures: the real bundled provider (its citizens are the demo population database), the
e-ID login of the accounts tests, and small local HTTP servers that misbehave."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tests.fixtures.eid import *  # noqa: F403

from motcua.accounts.tests.conftest import (  # noqa: F401  (fixtures)
    _fresh_eid_cache,
    citizens,
    eid_settings,
    log_in,
    start_login,
)


@pytest.fixture
def population_settings(settings, eid_provider):
    settings.MOTCUA_POPULATION_SOURCE = "demo"
    settings.MOTCUA_POPULATION_URL = eid_provider.base_url + "/demo/citizens.json"
    settings.MOTCUA_POPULATION_TIMEOUT = 3.0
    return settings


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/demo/citizens.json"


@pytest.fixture
def local_server() -> Iterator[Callable[..., str]]:
    """``local_server(status=200, body=b"...", delay=0)``: the URL of a tiny local server."""
    servers: list[ThreadingHTTPServer] = []

    def start(status: int = 200, body: bytes = b"{}", delay: float = 0.0) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/demo/citizens.json"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
