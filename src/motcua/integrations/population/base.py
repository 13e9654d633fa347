"""The population source interface, the record it returns and the errors it raises."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

#: A personal identification number: exactly 12 ASCII digits (no Unicode digits).
PID_RE = re.compile(r"^[0-9]{12}\Z")


def is_valid_pid(value: object) -> bool:
    return isinstance(value, str) and PID_RE.match(value) is not None


def mask(pid: object) -> str:
    """What logs may show of a number: its last 4 characters, the rest masked."""
    text = pid if isinstance(pid, str) else ""
    return "…" + text[-4:] if len(text) >= 4 else "…"


@dataclass(frozen=True)
class PopulationRecord:
    """What the registry holds about one person, only what a form needs."""

    pid: str
    full_name: str
    birth_date: date | None = None
    sex: str = ""  # "male" / "female" (accounts.models.Sex)
    permanent_address: str = ""
    commune_code: str = ""
    old_id: str | None = None

    def __repr__(self) -> str:  # personal data stays out of logs and tracebacks
        return f"PopulationRecord(pid={mask(self.pid)})"

    @property
    def sex_label(self) -> str:
        return {"male": "Nam", "female": "Nữ"}.get(self.sex, "")


class PopulationError(Exception):
    """Something went wrong asking the population database."""


class PopulationUnavailable(PopulationError):
    """The registry could not answer (down, slow, broken answer). ``reason_vi`` is for people."""

    def __init__(self, reason_vi: str, *, code: str = "unavailable"):
        self.reason_vi = str(reason_vi)
        self.code = code
        super().__init__(f"{code}: {self.reason_vi}")


class InvalidPid(PopulationError, ValueError):
    """The number asked for is not a 12-digit personal identification number."""


class PopulationSource(ABC):
    """One kind of population source. Subclasses set ``id`` and ``label`` and register."""

    id: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def lookup(self, pid: str) -> PopulationRecord | None:
        """The person with this number, or None when there is none.

        Raises :class:`InvalidPid` for a malformed number (no request is made) and
        :class:`PopulationUnavailable` when the registry cannot answer.
        """

    @abstractmethod
    def check_config(self) -> list[str]:
        """Problems with the configuration, in plain words; empty when all is well."""
