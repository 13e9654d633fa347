"""What the demo connectors share: one JSON GET with a timeout, every failure named.

A connector turns :class:`RemoteUnavailable` into its own error so its caller can go on
without the data (and tell people why, in ``reason_vi``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

REASONS = {
    "timeout": "hệ thống không trả lời kịp thời",
    "connection": "không kết nối được với hệ thống",
    "server_error": "hệ thống đang gặp lỗi",
    "bad_status": "hệ thống trả về kết quả không hợp lệ",
    "malformed": "dữ liệu nhận được không đúng định dạng",
    "config": "kết nối chưa được cấu hình",
}


class RemoteUnavailable(Exception):
    def __init__(self, code: str, *, status: int | None = None):
        self.code = code
        self.status = status
        self.reason_vi = REASONS[code]
        super().__init__(code)


def get_json(url: str, *, timeout: float, list_key: str) -> list[Any]:
    """``GET url`` and the list under ``list_key`` of the JSON object it answers."""
    try:
        response = requests.get(
            url, timeout=timeout, headers={"Accept": "application/json"}, allow_redirects=False
        )
    except requests.Timeout:
        raise RemoteUnavailable("timeout") from None
    except requests.RequestException:
        raise RemoteUnavailable("connection") from None
    data = json_reply(response)
    items = data.get(list_key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise RemoteUnavailable("malformed")
    return items


def json_reply(response: requests.Response) -> Any:
    """The JSON of a 200 answer; :class:`RemoteUnavailable` for a 5xx, another status or a
    body that is not JSON."""
    if response.status_code >= 500:
        raise RemoteUnavailable("server_error", status=response.status_code)
    if response.status_code != 200:
        raise RemoteUnavailable("bad_status", status=response.status_code)
    try:
        return response.json()
    except ValueError:
        raise RemoteUnavailable("malformed") from None


def http_config_problems(url_setting: str, url: str, timeout_setting: str, timeout) -> list[str]:
    """Problems with a connector's URL and timeout settings, in plain words."""
    problems = []
    parts = urlsplit(url or "")
    if not url:
        problems.append(f"{url_setting} is not set.")
    elif parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(f"{url_setting} is not an http(s) URL: {url!r}")
    try:
        if float(timeout) <= 0:
            problems.append(f"{timeout_setting} must be a positive number of seconds.")
    except (TypeError, ValueError):
        problems.append(f"{timeout_setting} must be a number of seconds.")
    return problems
