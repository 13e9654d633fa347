"""The business registry interface, the record it returns and the error it raises."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class BusinessRecord:
    """What the registry says of one organisation: enough to register it and check who may
    act as its legal representative."""

    tax_code: str
    name: str
    kind: str  # accounts.Organisation.Kind value
    status: str  # "active", or why it may not act: "suspended", "dissolved", "bankrupt"
    address: str = ""
    commune_code: str = ""
    #: Personal identification number of the legal representative (người đại diện theo pháp
    #: luật); compared, never shown or stored.
    representative_pid: str = ""

    def __repr__(self) -> str:
        return f"BusinessRecord(tax_code={self.tax_code}, status={self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class BusinessRegistryUnavailable(Exception):
    """The registry could not answer. ``reason_vi`` is for people."""

    def __init__(self, reason_vi: str, *, code: str = "unavailable"):
        self.reason_vi = str(reason_vi)
        self.code = code
        super().__init__(f"{code}: {self.reason_vi}")


class BusinessRegistry(ABC):
    id: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def lookup(self, tax_code: str) -> BusinessRecord | None:
        """The organisation with this (normalised) tax code, or None when there is none.

        Raises :class:`BusinessRegistryUnavailable` when the registry cannot answer.
        """

    @abstractmethod
    def check_config(self) -> list[str]:
        """Problems with the configuration, in plain words; empty when all is well."""
