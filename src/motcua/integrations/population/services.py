"""Prefill from the population database, with graceful degradation: the caller always goes on."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from .base import InvalidPid, PopulationError, PopulationRecord, PopulationUnavailable
from .registry import get_source

log = structlog.get_logger(__name__)

UNKNOWN_REASON = "hệ thống không trả lời được"


@dataclass(frozen=True)
class Prefill:
    """Either ``record`` (possibly None: the registry has no such person) or ``degraded``."""

    record: PopulationRecord | None = None
    degraded: bool = False
    reason_vi: str = ""
    looked_up: bool = True

    @property
    def found(self) -> bool:
        return self.record is not None


def prefill_for(person) -> Prefill:
    """What the population database holds about ``person`` (an ``accounts.Person``)."""
    document = person.active_pid if person is not None else None
    if document is None:
        return Prefill(looked_up=False)
    try:
        record = get_source().lookup(document.number)
    except InvalidPid:
        return Prefill(looked_up=False)
    except PopulationUnavailable as error:
        return Prefill(degraded=True, reason_vi=error.reason_vi)
    except PopulationError:
        log.warning("population.error")
        return Prefill(degraded=True, reason_vi=UNKNOWN_REASON)
    return Prefill(record=record)
