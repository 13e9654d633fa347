"""The demo business registry: the bundled test provider's synthetic organisations.

``motcua-eid`` serves ``GET /demo/businesses.json``; this plugin reads it over HTTP as the real
connector reads the national database (one request per lookup, a short timeout), and turns
every failure into :class:`BusinessRegistryUnavailable`.
"""

from __future__ import annotations

from typing import Any

import structlog
from django.conf import settings

from ..http import RemoteUnavailable, get_json, http_config_problems
from .base import BusinessRecord, BusinessRegistry, BusinessRegistryUnavailable
from .registry import register

log = structlog.get_logger(__name__)

KINDS = {"enterprise", "branch", "cooperative", "household", "other"}


@register
class DemoBusinessRegistry(BusinessRegistry):
    id = "demo"
    label = "CSDL đăng ký doanh nghiệp thử nghiệm (motcua-eid)"

    @property
    def url(self) -> str:
        return getattr(settings, "MOTCUA_BUSINESS_REGISTRY_URL", "") or ""

    @property
    def timeout(self) -> float:
        return float(getattr(settings, "MOTCUA_BUSINESS_REGISTRY_TIMEOUT", 3.0))

    def check_config(self) -> list[str]:
        return http_config_problems(
            "MOTCUA_BUSINESS_REGISTRY_URL",
            self.url,
            "MOTCUA_BUSINESS_REGISTRY_TIMEOUT",
            self.timeout,
        )

    def lookup(self, tax_code: str) -> BusinessRecord | None:
        if self.check_config():
            self._fail(RemoteUnavailable("config"))
        try:
            businesses = get_json(self.url, timeout=self.timeout, list_key="businesses")
        except RemoteUnavailable as error:
            self._fail(error)
        for item in businesses:
            if isinstance(item, dict) and item.get("tax_code") == tax_code:
                try:
                    return _record(item)
                except (KeyError, TypeError, ValueError):
                    self._fail(RemoteUnavailable("malformed"))
        return None

    def _fail(self, error: RemoteUnavailable):
        log.warning("business_registry.unavailable", source=self.id, code=error.code)
        raise BusinessRegistryUnavailable(error.reason_vi, code=error.code)


def _record(item: dict[str, Any]) -> BusinessRecord:
    kind = str(item.get("kind") or "other")
    address = item.get("address") or {}
    if not isinstance(address, dict):
        raise TypeError("address")
    return BusinessRecord(
        tax_code=str(item["tax_code"]),
        name=str(item["name"]),
        kind=kind if kind in KINDS else "other",
        status=str(item.get("status") or "active"),
        address=str(address.get("formatted") or ""),
        commune_code=str(address.get("commune_code") or ""),
        representative_pid=str(item.get("representative_pid") or ""),
    )
