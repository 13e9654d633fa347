"""Fixtures for the documents tests: sample files whose first bytes are what real ones start
with, and a fake clamd that speaks the real INSTREAM protocol over TCP. (Every test stores
files in its own temporary folder: ``private_storage`` in the root conftest.)"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
import time
from dataclasses import dataclass, field

import pytest

from .samples import EICAR

# --- A fake clamd: the real protocol over a real socket -----------------------------------------


@dataclass
class FakeClamd:
    """``mode``: ``scan`` (answers OK, or FOUND when the stream holds EICAR), ``close`` (closes
    without answering), ``error`` (answers like clamd over its StreamMaxLength), ``silent``
    (reads, never answers)."""

    host: str
    port: int
    mode: str = "scan"
    #: What each INSTREAM brought: the chunk lengths, in order (the final 0 included).
    streams: list[list[int]] = field(default_factory=list)
    commands: list[bytes] = field(default_factory=list)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        received = sock.recv(size - len(data))
        if not received:
            raise ConnectionError("client closed")
        data += received
    return data


def _handler(fake: FakeClamd):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            sock = self.request
            command = b""
            while not command.endswith(b"\0"):
                byte = sock.recv(1)
                if not byte:
                    return
                command += byte
            fake.commands.append(command)
            if command == b"zPING\0":
                sock.sendall(b"PONG\0")
                return
            if command != b"zINSTREAM\0":
                sock.sendall(b"UNKNOWN COMMAND\0")
                return
            lengths, content = [], b""
            while True:
                (length,) = struct.unpack("!I", _recv_exact(sock, 4))
                lengths.append(length)
                if length == 0:
                    break
                content += _recv_exact(sock, length)
            fake.streams.append(lengths)
            if fake.mode == "close":
                return
            if fake.mode == "silent":
                time.sleep(2)
                return
            if fake.mode == "error":
                sock.sendall(b"INSTREAM size limit exceeded. ERROR\0")
            elif EICAR in content:
                sock.sendall(b"stream: Win.Test.EICAR_HDB-1 FOUND\0")
            else:
                sock.sendall(b"stream: OK\0")

    return Handler


@pytest.fixture
def fake_clamd(settings):
    """A running fake clamd, the portal configured to use it (``MOTCUA_MALWARE_SCANNER=clamd``)."""
    fake = FakeClamd("127.0.0.1", 0)
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MOTCUA_MALWARE_SCANNER = "clamd"
    settings.MOTCUA_CLAMD_HOST = fake.host
    settings.MOTCUA_CLAMD_PORT = fake.port
    settings.MOTCUA_CLAMD_TIMEOUT = 1.0
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def clamd_down(settings):
    """clamd configured, nothing listening on its port (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MOTCUA_MALWARE_SCANNER = "clamd"
    settings.MOTCUA_CLAMD_HOST = "127.0.0.1"
    settings.MOTCUA_CLAMD_PORT = port
    settings.MOTCUA_CLAMD_TIMEOUT = 1.0
    return port
