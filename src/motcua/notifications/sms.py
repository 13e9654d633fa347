"""SMS gateways as plugins; ``MOTCUA_SMS_GATEWAY`` chooses one (default ``demo``).

A gateway is an HTTP API (a carrier's or an aggregator's brandname service): ``http`` speaks
it (``MOTCUA_SMS_GATEWAY_URL``, ``_KEY``, ``_SENDER``, ``_TIMEOUT``). The protocol, shared by
the demo gateway (``demo_gateway.py``):

    POST <url>   Authorization: Bearer <key>   Content-Type: application/json
    {"request_id": "<uuid>", "phone": "0912345678", "text": "...", "sender": "MOTCUA"}

    200 {"code": "00", "message_id": "..."}          accepted (a repeated request_id is
                                                      answered with the same message_id)
    200 {"code": "<other>", "message": "..."}        refused (11: no such subscriber)
    401, 4xx                                          our request is wrong (key, body)
    5xx, timeout                                      the gateway is in trouble: try later

``demo`` (the embedded default) hands the same request to the demo gateway in the same
process, so it answers and fails like the HTTP one without a server; ``http`` pointed at
``/thu-nghiem/sms/`` of a running site talks to that demo gateway over real HTTP.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import requests
from django.conf import settings

from motcua.core.plugins import PluginRegistry


class SmsError(Exception):
    """The gateway did not take the message. ``code`` names why, in the words of
    ``REASONS``; ``permanent`` when trying again cannot help (no such subscriber)."""

    def __init__(self, code: str, *, permanent: bool = False):
        self.code = code
        self.permanent = permanent
        super().__init__(code)


class SmsGateway(ABC):
    id: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def send(self, phone: str, text: str, *, reference: str = "") -> str:
        """Send ``text`` to a 10-digit Vietnamese mobile number; the gateway's message id.
        ``reference`` (a UUID) lets the gateway recognise a repeated request. Raise SmsError
        on failure."""

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


def request_body(phone: str, text: str, reference: str) -> dict:
    return {
        "request_id": reference,
        "phone": phone,
        "text": text,
        "sender": getattr(settings, "MOTCUA_SMS_GATEWAY_SENDER", "MOTCUA"),
    }


def interpret(status: int, answer: object) -> str:
    """The message id of an accepted request; SmsError for every other answer."""
    if status >= 500:
        raise SmsError(f"gateway_{status}")
    if status != 200:
        raise SmsError(f"rejected_{status}", permanent=status in (400, 422))
    if not isinstance(answer, dict) or "code" not in answer:
        raise SmsError("malformed")
    if str(answer["code"]) != "00":
        raise SmsError(f"refused_{answer['code']}", permanent=str(answer["code"]) == "11")
    return str(answer.get("message_id") or "")[:100]


def _key() -> str:
    return getattr(settings, "MOTCUA_SMS_GATEWAY_KEY", "")


@GATEWAYS.register
class HttpSmsGateway(SmsGateway):
    id = "http"
    label = "Cổng SMS qua HTTP (brandname)"

    def url(self) -> str:
        url = getattr(settings, "MOTCUA_SMS_GATEWAY_URL", "")
        if not url and getattr(settings, "MOTCUA_DEMO_MAILBOX", False):
            from .services import site_url

            url = site_url("/thu-nghiem/sms/")
        return url

    def send(self, phone: str, text: str, *, reference: str = "") -> str:
        url = self.url()
        if not url:
            raise SmsError("config")
        timeout = float(getattr(settings, "MOTCUA_SMS_GATEWAY_TIMEOUT", 5.0))
        try:
            response = requests.post(
                url,
                json=request_body(phone, text, reference),
                headers={"Authorization": f"Bearer {_key()}", "Accept": "application/json"},
                timeout=timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise SmsError("timeout") from None
        except requests.RequestException:
            raise SmsError("connection") from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        return interpret(response.status_code, answer)

    def check_config(self) -> list[str]:
        from motcua.integrations.http import http_config_problems

        problems = http_config_problems(
            "MOTCUA_SMS_GATEWAY_URL",
            self.url(),
            "MOTCUA_SMS_GATEWAY_TIMEOUT",
            getattr(settings, "MOTCUA_SMS_GATEWAY_TIMEOUT", 5.0),
        )
        if not _key():
            problems.append("MOTCUA_SMS_GATEWAY_KEY is not set.")
        return problems


@GATEWAYS.register
class DemoSmsGateway(SmsGateway):
    id = "demo"
    label = "Cổng SMS thử nghiệm (hộp thư thử nghiệm)"

    def send(self, phone: str, text: str, *, reference: str = "") -> str:
        from .demo_gateway import answer

        status, body = answer(_key(), request_body(phone, text, reference))
        return interpret(status, body)

    def check_config(self) -> list[str]:
        return []
