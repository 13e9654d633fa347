"""The demo national population database: the bundled test provider's list of citizens.

``motcua-eid`` serves ``GET /demo/citizens.json`` with its synthetic citizens and their identity
claims. This plugin reads it over HTTP as the real connector reads the national database: one
request per lookup, a short timeout, and every failure turned into :class:`PopulationUnavailable`
so the caller can go on without the data.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

import requests
import structlog
from django.conf import settings

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

REASONS = {
    "timeout": "hệ thống không trả lời kịp thời",
    "connection": "không kết nối được với hệ thống",
    "server_error": "hệ thống đang gặp lỗi",
    "bad_status": "hệ thống trả về kết quả không hợp lệ",
    "malformed": "dữ liệu nhận được không đúng định dạng",
    "config": "kết nối chưa được cấu hình",
}


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
        problems = []
        parts = urlsplit(self.url)
        if not self.url:
            problems.append("MOTCUA_POPULATION_URL is not set.")
        elif parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(f"MOTCUA_POPULATION_URL is not an http(s) URL: {self.url!r}")
        try:
            if self.timeout <= 0:
                problems.append("MOTCUA_POPULATION_TIMEOUT must be a positive number of seconds.")
        except (TypeError, ValueError):
            problems.append("MOTCUA_POPULATION_TIMEOUT must be a number of seconds.")
        return problems

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
            response = requests.get(
                self.url,
                timeout=self.timeout,
                headers={"Accept": "application/json"},
                allow_redirects=False,
            )
        except requests.Timeout:
            self._fail("timeout", pid)
        except requests.RequestException:
            self._fail("connection", pid)
        if response.status_code >= 500:
            self._fail("server_error", pid, status=response.status_code)
        if response.status_code != 200:
            self._fail("bad_status", pid, status=response.status_code)
        try:
            data = response.json()
        except ValueError:
            self._fail("malformed", pid)
        citizens = data.get("citizens") if isinstance(data, dict) else None
        if not isinstance(citizens, list):
            self._fail("malformed", pid)
        return citizens

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
