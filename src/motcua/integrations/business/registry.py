"""Business registries by id; ``MOTCUA_BUSINESS_REGISTRY`` chooses one (default ``demo``)."""

from __future__ import annotations

from motcua.core.plugins import PluginRegistry

from .base import BusinessRegistry, BusinessRegistryUnavailable

REGISTRIES: PluginRegistry[BusinessRegistry] = PluginRegistry(
    "business registry",
    setting="MOTCUA_BUSINESS_REGISTRY",
    default="demo",
    builtins=("motcua.integrations.business.demo",),
    unknown=lambda wanted: BusinessRegistryUnavailable("kết nối chưa được cấu hình", code="config"),
)
register = REGISTRIES.register
available = REGISTRIES.available
check_config = REGISTRIES.check_config


def get_registry(registry_id: str | None = None) -> BusinessRegistry:
    return REGISTRIES.get(registry_id)
