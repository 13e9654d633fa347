"""e-ID provider plugins by id; ``MOTCUA_EID_PROVIDER`` chooses one (default ``oidc``)."""

from __future__ import annotations

from django.conf import settings

from .base import EidError, EidProvider

_PROVIDERS: dict[str, type[EidProvider]] = {}


def register(cls: type[EidProvider]) -> type[EidProvider]:
    """Class decorator: make a provider plugin available under its ``id``."""
    if cls.id in _PROVIDERS and _PROVIDERS[cls.id] is not cls:
        raise ValueError(f"e-ID provider id already registered: {cls.id}")
    _PROVIDERS[cls.id] = cls
    return cls


def available() -> dict[str, type[EidProvider]]:
    _load_builtin()
    return dict(_PROVIDERS)


def get_provider(provider_id: str | None = None) -> EidProvider:
    """The configured provider. Plugins read settings when called, so one instance is cheap."""
    _load_builtin()
    wanted = provider_id or getattr(settings, "MOTCUA_EID_PROVIDER", "oidc")
    try:
        return _PROVIDERS[wanted]()
    except KeyError:
        raise EidError("config") from None


def check_config() -> list[str]:
    """Problems with the configured provider (empty when it is ready)."""
    _load_builtin()
    wanted = getattr(settings, "MOTCUA_EID_PROVIDER", "oidc")
    if wanted not in _PROVIDERS:
        return [f"MOTCUA_EID_PROVIDER={wanted!r} is not a known provider ({', '.join(_PROVIDERS)})"]
    return _PROVIDERS[wanted]().check_config()


def _load_builtin() -> None:
    from . import oidc  # noqa: F401  (registers itself)
