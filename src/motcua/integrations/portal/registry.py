"""National-portal sync plugins by id; ``MOTCUA_PORTAL_SYNC`` chooses one (default ``demo``)."""

from __future__ import annotations

from motcua.core.plugins import PluginRegistry

from .base import PortalSync, PortalSyncError

SYNCS: PluginRegistry[PortalSync] = PluginRegistry(
    "national portal sync",
    setting="MOTCUA_PORTAL_SYNC",
    default="demo",
    builtins=("motcua.integrations.portal.plugins",),
    unknown=lambda wanted: PortalSyncError("config"),
)
register = SYNCS.register
available = SYNCS.available
check_config = SYNCS.check_config


def get_sync(sync_id: str | None = None) -> PortalSync:
    return SYNCS.get(sync_id)
