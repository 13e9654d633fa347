"""The national-portal sync interface and the errors it raises."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

REASONS = {
    "timeout": "Cổng DVC quốc gia không trả lời kịp thời",
    "connection": "không kết nối được với Cổng DVC quốc gia",
    "server_error": "Cổng DVC quốc gia đang gặp lỗi",
    "bad_status": "Cổng DVC quốc gia trả về kết quả không hợp lệ",
    "malformed": "dữ liệu Cổng DVC quốc gia trả về không đúng định dạng",
    "auth": "Cổng DVC quốc gia không cấp quyền truy cập (kiểm tra mã và khóa kết nối)",
    "rejected": "Cổng DVC quốc gia từ chối dữ liệu",
    "config": "kết nối Cổng DVC quốc gia chưa được cấu hình",
}


class PortalSyncError(Exception):
    """A push or look-up did not succeed; the outbox tries the push again later.

    ``code`` names the failure (a key of ``REASONS``); ``remote_code`` and ``remote_message``
    are what the portal answered when it answered with an error."""

    def __init__(
        self,
        code: str,
        *,
        status: int | None = None,
        remote_code: str = "",
        remote_message: str = "",
    ):
        self.code = code
        self.status = status
        self.remote_code = remote_code
        self.remote_message = remote_message
        self.reason_vi = REASONS[code]
        detail = f" ({remote_code}: {remote_message})" if remote_code else ""
        super().__init__(f"{code}{detail}" + (f" HTTP {status}" if status else ""))


class PortalSync(ABC):
    """One way of reaching the national portal. Subclasses set ``id`` and ``label``."""

    id: ClassVar[str]
    label: ClassVar[str]
    #: False for an installation without sync: nothing is pushed or reconciled.
    enabled: ClassVar[bool] = True

    @abstractmethod
    def check_config(self) -> list[str]:
        """Problems with the configuration, in plain words; empty when all is well."""

    @abstractmethod
    def push_dossier(self, record: dict, *, key: str, known: bool) -> str:
        """Create the dossier at the portal, or update it when it is already there
        (``known``: we created it before, so update first). Returns "created" or "updated".
        ``key`` is the idempotency key (the outbox event id)."""

    @abstractmethod
    def push_progress(self, entry: dict, *, key: str) -> None:
        """Append one progress entry of a dossier the portal holds."""

    @abstractmethod
    def look_up(self, codes: list[str]) -> dict[str, dict]:
        """The portal's records of these dossier codes (those it does not hold are absent)."""
