"""e-ID provider plugins by id; ``MOTCUA_EID_PROVIDER`` chooses one (default ``oidc``)."""

from __future__ import annotations

from motcua.core.plugins import PluginRegistry

from .base import EidError, EidProvider

PROVIDERS: PluginRegistry[EidProvider] = PluginRegistry(
    "provider",
    setting="MOTCUA_EID_PROVIDER",
    default="oidc",
    builtins=("motcua.accounts.eid.oidc",),
    unknown=lambda wanted: EidError("config"),
)
register = PROVIDERS.register
available = PROVIDERS.available
check_config = PROVIDERS.check_config


def get_provider(provider_id: str | None = None) -> EidProvider:
    """The configured provider (``provider_id``: a given one)."""
    return PROVIDERS.get(provider_id)
