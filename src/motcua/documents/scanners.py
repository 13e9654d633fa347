"""Malware scanners as plugins; ``MOTCUA_MALWARE_SCANNER`` chooses one (default ``demo``).

Every uploaded file is scanned before it can be used. A scanner answers clean or infected
(with the threat's name), or raises :class:`ScanUnavailable` when it could not scan (not
reachable, timed out, answered an error): the caller then keeps the file aside (quarantined),
never treats it as clean.

- ``demo`` refuses the EICAR anti-virus test file (also inside a larger file), as ClamAV does
  with its ``Eicar-Test-Signature``, and accepts everything else. For the embedded installation
  and tests only: it finds no real malware.
- ``clamd`` talks to ClamAV's daemon over TCP (``MOTCUA_CLAMD_HOST``, ``MOTCUA_CLAMD_PORT``,
  ``MOTCUA_CLAMD_TIMEOUT``) with its INSTREAM command. The protocol is written here (a dozen
  lines) rather than taken from the ``clamd`` package, which is no longer maintained.
"""

from __future__ import annotations

import socket
import struct
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar

import structlog
from django.conf import settings

from motcua.core.plugins import PluginRegistry

log = structlog.get_logger(__name__)

#: The standard 68-byte EICAR test string, in two halves so that this source file is not itself
#: taken for the test file by an anti-virus on a developer's machine.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Eicar-Test-Signature"


class ScanUnavailable(Exception):
    """The scan could not run: the file's state is unknown. ``code`` is one of ``config``,
    ``unreachable``, ``timeout``, ``error``, ``protocol``."""

    def __init__(self, reason: str, *, code: str = "unavailable"):
        self.reason = reason
        self.code = code
        super().__init__(f"{code}: {reason}")


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    #: The scanner's id, kept with the file.
    scanner: str
    #: The threat's name when infected ("Eicar-Test-Signature").
    threat: str = ""


class MalwareScanner(ABC):
    id: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def scan(self, chunks: Iterable[bytes]) -> ScanResult:
        """Scan the content given as byte chunks; raise :class:`ScanUnavailable` if unable."""

    @abstractmethod
    def ping(self) -> None:
        """Raise :class:`ScanUnavailable` unless the scanner answers now."""

    @abstractmethod
    def check_config(self) -> list[str]:
        """Problems with the configuration, in plain words (no network call)."""


SCANNERS: PluginRegistry[MalwareScanner] = PluginRegistry(
    "malware scanner",
    setting="MOTCUA_MALWARE_SCANNER",
    default="demo",
    builtins=(__name__,),
    unknown=lambda wanted: ScanUnavailable(f"unknown malware scanner: {wanted!r}", code="config"),
)
register = SCANNERS.register
available = SCANNERS.available
check_config = SCANNERS.check_config


def get_scanner(scanner_id: str | None = None) -> MalwareScanner:
    return SCANNERS.get(scanner_id)


@register
class DemoScanner(MalwareScanner):
    id = "demo"
    label = "Trình quét thử nghiệm (chỉ nhận ra tệp thử EICAR)"

    def scan(self, chunks: Iterable[bytes]) -> ScanResult:
        if contains(chunks, EICAR):
            return ScanResult(clean=False, scanner=self.id, threat=EICAR_SIGNATURE)
        return ScanResult(clean=True, scanner=self.id)

    def ping(self) -> None:
        return None

    def check_config(self) -> list[str]:
        if getattr(settings, "MOTCUA_ENV", "embedded") == "production":
            return [
                "MOTCUA_MALWARE_SCANNER=demo only recognises the EICAR test file: "
                "use clamd in production"
            ]
        return []


def contains(chunks: Iterable[bytes], needle: bytes) -> bool:
    """Whether ``needle`` occurs in the concatenated chunks (also across a chunk boundary)."""
    tail = b""
    keep = len(needle) - 1
    for chunk in chunks:
        window = tail + bytes(chunk)
        if needle in window:
            return True
        tail = window[-keep:] if keep else b""
    return False


@register
class ClamdScanner(MalwareScanner):
    id = "clamd"
    label = "ClamAV (clamd qua TCP)"
    #: Bytes per INSTREAM chunk; must stay under clamd's StreamMaxLength.
    CHUNK = 64 * 1024
    #: A reply longer than this is not clamd's.
    MAX_REPLY = 4096

    @property
    def host(self) -> str:
        return str(getattr(settings, "MOTCUA_CLAMD_HOST", "") or "")

    @property
    def port(self) -> int:
        return int(getattr(settings, "MOTCUA_CLAMD_PORT", 3310))

    @property
    def timeout(self) -> float:
        return float(getattr(settings, "MOTCUA_CLAMD_TIMEOUT", 15.0))

    def check_config(self) -> list[str]:
        problems = []
        if not self.host:
            problems.append("MOTCUA_CLAMD_HOST is empty: set the clamd server's address")
        try:
            if not 0 < self.port < 65536:
                problems.append(f"MOTCUA_CLAMD_PORT={self.port} is not a TCP port")
        except (TypeError, ValueError):
            problems.append("MOTCUA_CLAMD_PORT is not a number")
        try:
            if self.timeout <= 0:
                problems.append("MOTCUA_CLAMD_TIMEOUT must be a positive number of seconds")
        except (TypeError, ValueError):
            problems.append("MOTCUA_CLAMD_TIMEOUT is not a number")
        return problems

    def ping(self) -> None:
        reply = self._exchange(lambda sock: sock.sendall(b"zPING\0"))
        if reply != "PONG":
            self._fail(f"unexpected reply to PING: {reply[:80]!r}", "protocol")

    def scan(self, chunks: Iterable[bytes]) -> ScanResult:
        """``zINSTREAM\\0``, then each chunk after its length (4 bytes, big-endian), then a
        zero length; clamd answers ``stream: OK``, ``stream: <name> FOUND`` or ``... ERROR``."""

        def send(sock: socket.socket) -> None:
            sock.sendall(b"zINSTREAM\0")
            for piece in _pieces(chunks, self.CHUNK):
                sock.sendall(struct.pack("!I", len(piece)) + piece)
            sock.sendall(struct.pack("!I", 0))

        return self._verdict(self._exchange(send))

    def _verdict(self, reply: str) -> ScanResult:
        if reply.endswith(" ERROR") or not reply.startswith("stream:"):
            self._fail(f"clamd answered: {reply[:200]!r}", "error")
        body = reply.removeprefix("stream:").strip()
        if body == "OK":
            return ScanResult(clean=True, scanner=self.id)
        if body.endswith(" FOUND"):
            threat = body.removesuffix(" FOUND").strip()[:200]
            return ScanResult(clean=False, scanner=self.id, threat=threat or "unknown")
        self._fail(f"clamd answered: {reply[:200]!r}", "protocol")
        raise AssertionError("unreachable")  # pragma: no cover

    def _exchange(self, send) -> str:
        """Connect, run ``send``, read the NUL-terminated reply; every failure is
        :class:`ScanUnavailable`."""
        if problems := self.check_config():
            self._fail("; ".join(problems), "config")
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
                try:
                    send(sock)
                except OSError as error:
                    # clamd closes the stream when it is over StreamMaxLength, after saying why.
                    reply = _read_reply(sock, self.MAX_REPLY, swallow=True)
                    if reply:
                        return reply
                    raise error
                return _read_reply(sock, self.MAX_REPLY)
        except ScanUnavailable as error:
            self._fail(error.reason, error.code)
        except TimeoutError:
            self._fail(f"no answer from {self.host}:{self.port} in {self.timeout} s", "timeout")
        except OSError as error:
            self._fail(f"{self.host}:{self.port}: {type(error).__name__}", "unreachable")
        raise AssertionError("unreachable")  # pragma: no cover

    def _fail(self, reason: str, code: str):
        log.warning("scanner.unavailable", scanner=self.id, code=code, reason=reason)
        raise ScanUnavailable(reason, code=code)


def _pieces(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    for chunk in chunks:
        view = memoryview(chunk)
        for start in range(0, len(view), size):
            yield bytes(view[start : start + size])


def _read_reply(sock: socket.socket, limit: int, *, swallow: bool = False) -> str:
    """clamd's reply up to its NUL (``z`` commands); an empty or endless reply is refused."""
    data = b""
    try:
        while b"\0" not in data:
            received = sock.recv(1024)
            if not received:
                break
            data += received
            if len(data) > limit:
                raise ScanUnavailable("clamd's reply is too long", code="protocol")
    except OSError:
        if not swallow:
            raise
    reply = data.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    if not reply and not swallow:
        raise ScanUnavailable("clamd closed the connection without an answer", code="error")
    return reply
