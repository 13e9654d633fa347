"""The demo national population database: the bundled test provider's list of citizens.

``motcua-eid`` serves ``GET /demo/citizens.json`` with its synthetic citizens and their identity
claims. This plugin reads it over HTTP as the real connector reads the national database: one
request per lookup, a short timeout, and every failure turned into :class:`PopulationUnavailable`
so the caller can go on without the data.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import structlog
from django.conf import settings

from ..http import REASONS, RemoteUnavailable, get_json, http_config_problems
from .base import (
    InvalidPid,
    PopulationRecord,
    PopulationSource,
    PopulationUnavailable,
    is_valid_pid,
    mask,
)
from .registry import register

log = structlog.get_logger(__name__)

DEFAULT_URL = "http://127.0.0.1:8001/demo/citizens.json"


@register
class DemoPopulationSource(PopulationSource):
    id = "demo"
    label = "CSDL dân cư thử nghiệm (motcua-eid)"

    @property
    def url(self) -> str:
        return getattr(settings, "MOTCUA_POPULATION_URL", DEFAULT_URL) or ""

    @property
    def timeout(self) -> float:
        return float(getattr(settings, "MOTCUA_POPULATION_TIMEOUT", 3.0))

    def check_config(self) -> list[str]:
        return http_config_problems(
            "MOTCUA_POPULATION_URL", self.url, "MOTCUA_POPULATION_TIMEOUT", self.timeout
        )

    def lookup(self, pid: str) -> PopulationRecord | None:
        if not is_valid_pid(pid):
            raise InvalidPid("not a 12-digit personal identification number")
        if self.check_config():
            self._fail("config", pid)
        citizens = self._fetch(pid)
        for claims in citizens:
            if isinstance(claims, dict) and claims.get("pid") == pid:
                try:
                    return _record(claims)
                except (KeyError, TypeError, ValueError):
                    self._fail("malformed", pid)
        return None

    def _fetch(self, pid: str) -> list[Any]:
        try:
            return get_json(self.url, timeout=self.timeout, list_key="citizens")
        except RemoteUnavailable as error:
            extra = {"status": error.status} if error.status else {}
            self._fail(error.code, pid, **extra)

    def _fail(self, code: str, pid: str, **extra: Any):
        log.warning("population.unavailable", source=self.id, code=code, pid=mask(pid), **extra)
        raise PopulationUnavailable(REASONS[code], code=code)


def _record(claims: dict[str, Any]) -> PopulationRecord:
    address = claims.get("address") or {}
    if not isinstance(address, dict):
        raise TypeError("address")
    birthdate = claims.get("birthdate")
    sex = claims.get("gender") or ""
    return PopulationRecord(
        pid=claims["pid"],
        full_name=str(claims.get("name") or ""),
        birth_date=date.fromisoformat(birthdate) if birthdate else None,
        sex=sex if sex in ("male", "female") else "",
        permanent_address=str(address.get("formatted") or ""),
        commune_code=str(address.get("commune_code") or ""),
        old_id=claims.get("old_id") or None,
    )
