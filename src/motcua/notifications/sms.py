"""SMS gateways as plugins; ``MOTCUA_SMS_GATEWAY`` chooses one (default ``demo``).

The demo gateway keeps each message in the demo mailbox. A real gateway (a carrier's or an
aggregator's HTTP API) is a plugin with the same two methods.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from motcua.core.plugins import PluginRegistry


class SmsError(Exception):
    """The gateway did not take the message."""


class SmsGateway(ABC):
    id: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def send(self, phone: str, text: str) -> None:
        """Send ``text`` to a 10-digit Vietnamese mobile number; raise SmsError on failure."""

    @abstractmethod
    def check_config(self) -> list[str]:
        """Problems with the configuration, in plain words; empty when all is well."""


GATEWAYS: PluginRegistry[SmsGateway] = PluginRegistry(
    "SMS gateway",
    setting="MOTCUA_SMS_GATEWAY",
    default="demo",
    builtins=(__name__,),
    unknown=lambda wanted: SmsError(f"unknown SMS gateway: {wanted!r}"),
)


@GATEWAYS.register
class DemoSmsGateway(SmsGateway):
    id = "demo"
    label = "Cổng SMS thử nghiệm (hộp thư thử nghiệm)"

    def send(self, phone: str, text: str) -> None:
        from .models import DemoMessage

        DemoMessage.objects.create(channel=DemoMessage.Channel.SMS, recipient=phone, body=text)

    def check_config(self) -> list[str]:
        return []
