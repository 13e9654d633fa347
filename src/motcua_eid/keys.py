"""RSA signing keys of the demo provider, kept as PEM files in ``EID_VAR_DIR``.

* ``eid_rsa_active.pem``: signs new id_tokens (django-oauth-toolkit ``OIDC_RSA_PRIVATE_KEY``);
* ``eid_rsa_inactive_<UTC timestamp>.pem``: retired keys, still published in the JWKS so that
  tokens signed before a rotation stay verifiable (``OIDC_RSA_PRIVATE_KEYS_INACTIVE``).

The files are the single source of truth: :class:`KeyReloadMiddleware` notices when they change
(a cheap directory listing per request) and swaps the keys into the running server, so
``motcua-eid rotate_keys`` needs no restart.

This module must stay importable from settings: no Django imports at module level.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path

ACTIVE_NAME = "eid_rsa_active.pem"
INACTIVE_PREFIX = "eid_rsa_inactive_"
KEY_SIZE = 2048


def _inactive_paths(var_dir: Path) -> list[Path]:
    """Retired keys, newest first."""
    paths = [
        p
        for p in Path(var_dir).glob(f"{INACTIVE_PREFIX}*.pem")
        if p.is_file() and not p.name.startswith(".")
    ]
    return sorted(paths, key=lambda p: p.name, reverse=True)


def read_keys(var_dir: Path) -> tuple[str, list[str]]:
    """(active PEM or "", [inactive PEMs, newest first]) as currently on disk."""
    active_path = Path(var_dir) / ACTIVE_NAME
    active = active_path.read_text() if active_path.is_file() else ""
    return active, [p.read_text() for p in _inactive_paths(var_dir)]


def _signature(var_dir: Path) -> tuple:
    entries = []
    try:
        with os.scandir(var_dir) as it:
            for entry in it:
                if entry.name == ACTIVE_NAME or (
                    entry.name.startswith(INACTIVE_PREFIX) and entry.name.endswith(".pem")
                ):
                    st = entry.stat()
                    entries.append((entry.name, st.st_mtime_ns, st.st_size, st.st_ino))
    except FileNotFoundError:
        return ()
    return tuple(sorted(entries))


def _new_private_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")


def _write_private(path: Path, pem: str) -> None:
    """Write a key file atomically, readable by the owner only."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(pem)
    os.replace(tmp, path)


def ensure_active_key(var_dir: Path) -> bool:
    """Create the active key if missing. Returns True when a key was created."""
    var_dir = Path(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / ACTIVE_NAME
    if path.is_file() and path.read_text().strip():
        return False
    _write_private(path, _new_private_pem())
    return True


def rotate(var_dir: Path) -> tuple[Path, Path]:
    """Retire the active key (it stays in the JWKS) and make a new one active.

    The retired copy is written before the active file is replaced, so a reader always finds an
    active key and never misses the retired one. Returns (retired path, active path).
    """
    var_dir = Path(var_dir)
    ensure_active_key(var_dir)
    active = var_dir / ACTIVE_NAME
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    retired = var_dir / f"{INACTIVE_PREFIX}{stamp}.pem"
    _write_private(retired, active.read_text())
    _write_private(active, _new_private_pem())
    return retired, active


def kid_of(pem: str) -> str:
    """The key id published in the JWKS and the id_token header (RFC 7638 thumbprint)."""
    from oauth2_provider.utils import jwk_from_pem

    return jwk_from_pem(pem).thumbprint()


class _Loader:
    """Swaps the on-disk keys into django-oauth-toolkit's settings when the files change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._signature: tuple | None = None

    def refresh(self, force: bool = False) -> None:
        from django.conf import settings
        from oauth2_provider.settings import oauth2_settings

        var_dir = settings.VAR_DIR
        signature = _signature(var_dir)
        if not force and signature == self._signature:
            return
        with self._lock:
            signature = _signature(var_dir)
            if not force and signature == self._signature:
                return
            active, inactive = read_keys(var_dir)
            settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = active
            settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEYS_INACTIVE"] = inactive
            # oauth2_settings caches each value as an instance attribute on first use;
            # assigning replaces it atomically for the other threads.
            oauth2_settings.OIDC_RSA_PRIVATE_KEY = active
            oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE = inactive
            self._signature = signature


loader = _Loader()


def refresh(force: bool = False) -> None:
    loader.refresh(force=force)


class KeyReloadMiddleware:
    """Re-reads the key files when they changed since the last request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refresh()
        return self.get_response(request)
