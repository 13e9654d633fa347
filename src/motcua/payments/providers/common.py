"""What both protocols share: their date format, JSON over HTTP with a timeout, the demo URL."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.utils import timezone

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
STAMP = "%Y%m%d%H%M%S"


def stamp(moment: datetime | None = None) -> str:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh, the format of both protocols."""
    return (moment or timezone.now()).astimezone(VIETNAM_TZ).strftime(STAMP)


def parse_stamp(value: str) -> datetime:
    return datetime.strptime(value, STAMP).replace(tzinfo=VIETNAM_TZ)


def timeout() -> float:
    return float(getattr(settings, "MOTCUA_PAYMENT_TIMEOUT", 5.0))


def demo_url(path: str) -> str:
    """An address of this site's demo bank pages, for the server-to-server calls."""
    return getattr(settings, "MOTCUA_SITE_URL", "").rstrip("/") + "/thu-nghiem/thanh-toan/" + path


def post_json(url: str, body: dict[str, Any], *, expect_pdf: bool = False) -> Any:
    """POST ``body`` as JSON; the JSON object answered (or the PDF bytes)."""
    from .base import PaymentProviderError

    try:
        response = requests.post(url, json=body, timeout=timeout(), allow_redirects=False)
    except requests.Timeout:
        raise PaymentProviderError("timeout") from None
    except requests.RequestException:
        raise PaymentProviderError("connection") from None
    if response.status_code != 200:
        raise PaymentProviderError("bad_status")
    if expect_pdf:
        if not response.content.startswith(b"%PDF"):
            raise PaymentProviderError("malformed")
        return response.content
    try:
        data = response.json()
    except ValueError:
        raise PaymentProviderError("malformed") from None
    if not isinstance(data, dict):
        raise PaymentProviderError("malformed")
    return data


def url_problems(setting: str, url: str) -> list[str]:
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc):
        return [f"{setting} is not an http(s) URL: {url!r}"]
    if not url and not getattr(settings, "MOTCUA_PAYMENT_DEMO", False):
        return [f"{setting} is not set and the demo bank pages (MOTCUA_PAYMENT_DEMO) are off."]
    return []


def secret_problems(setting: str, value: str) -> list[str]:
    if not value:
        return [f"{setting} is not set."]
    if value.startswith("demo-") and getattr(settings, "MOTCUA_ENV", "") == "production":
        return [f"{setting} is the demo secret in production."]
    return []
