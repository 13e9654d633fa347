"""The e-ID provider interface, the identity it returns and the errors it raises.

A provider plugin turns a browser round trip into an :class:`EidIdentity`:
``authorization_url`` starts it, ``complete`` finishes it on the callback, ``logout_url`` ends
the provider's session too. Every failure is an :class:`EidError` with a stable code (for logs
and support) and a message a citizen understands.
"""

from __future__ import annotations

import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

#: Stable error codes and what the citizen is told. The code is shown small on the error page
#: so a help desk can tell the cases apart; the message says what happened and what to do.
ERROR_MESSAGES: dict[str, Any] = {
    "state_missing": _(
        "Phiên đăng nhập không còn hoặc đã được dùng. Có thể bạn đã mở lại một trang cũ, "
        "hoặc trình duyệt đã chặn cookie. Hãy đăng nhập lại từ đầu."
    ),
    "state_mismatch": _(
        "Kết quả đăng nhập trả về không khớp với yêu cầu bạn đã gửi, nên hệ thống không "
        "chấp nhận để bảo vệ tài khoản của bạn. Hãy đăng nhập lại từ đầu."
    ),
    "flow_expired": _(
        "Bạn đã để quá lâu giữa lúc bắt đầu và lúc hoàn tất đăng nhập. Hãy đăng nhập lại."
    ),
    "access_denied": _(
        "Bạn đã hủy đăng nhập hoặc chưa đồng ý chia sẻ thông tin trên VNeID. "
        "Bạn có thể đăng nhập lại bất cứ lúc nào."
    ),
    "provider_error": _(
        "Hệ thống định danh điện tử báo lỗi và không hoàn tất đăng nhập. Hãy thử lại sau ít phút."
    ),
    "provider_unavailable": _(
        "Không kết nối được với hệ thống định danh điện tử. Hãy thử lại sau ít phút."
    ),
    "token_exchange": _(
        "Không nhận được kết quả xác thực từ hệ thống định danh điện tử. Hãy đăng nhập lại."
    ),
    "invalid_signature": _(
        "Kết quả xác thực không có chữ ký hợp lệ của hệ thống định danh điện tử, nên không "
        "được chấp nhận."
    ),
    "invalid_token": _(
        "Kết quả xác thực không hợp lệ (không đúng nơi cấp, không dành cho cổng này hoặc bị "
        "sửa đổi), nên không được chấp nhận."
    ),
    "expired": _("Kết quả xác thực đã hết hạn. Hãy đăng nhập lại."),
    "nonce_mismatch": _(
        "Kết quả xác thực không thuộc về lần đăng nhập này (có thể là một kết quả cũ bị gửi "
        "lại), nên không được chấp nhận. Hãy đăng nhập lại."
    ),
    "invalid_claims": _(
        "Thông tin định danh nhận được không đầy đủ hoặc không đúng định dạng, nên không thể "
        "đăng nhập. Hãy liên hệ bộ phận hỗ trợ."
    ),
    "level_unknown": _(
        "Không xác định được mức định danh điện tử của tài khoản. Hãy liên hệ bộ phận hỗ trợ."
    ),
    "level_too_low": _(
        "Dịch vụ này cần tài khoản định danh điện tử mức 2. Hãy nâng cấp tài khoản VNeID lên "
        "mức 2 rồi đăng nhập lại."
    ),
    "identity_conflict": _(
        "Số định danh cá nhân này đang gắn với một tài khoản khác trên cổng. Hãy liên hệ bộ "
        "phận hỗ trợ để được kiểm tra; bạn không cần tạo tài khoản mới."
    ),
    "wrong_account": _(
        "Bạn vừa xác thực bằng một tài khoản VNeID khác với tài khoản đang đăng nhập, nên "
        "thông tin không được cập nhật. Hãy đăng xuất rồi đăng nhập bằng đúng tài khoản."
    ),
    "eid_has_account": _(
        "Tài khoản VNeID này đã có tài khoản riêng trên cổng, nên không liên kết thêm được. "
        "Hãy đăng nhập bằng VNeID để dùng tài khoản đó."
    ),
    "already_linked": _(
        "Tài khoản của bạn đã liên kết với một tài khoản VNeID khác. Hãy liên hệ bộ phận hỗ trợ "
        "nếu bạn cần đổi."
    ),
    "config": _(
        "Đăng nhập bằng định danh điện tử chưa được cấu hình đúng trên cổng. Hãy báo cho "
        "quản trị hệ thống."
    ),
}


class EidError(Exception):
    """A failed e-ID round trip. ``code`` is stable; ``message_vi`` is for the citizen.

    ``status`` is the HTTP status of the error page: 400 for what came back wrong, 502 when
    the provider could not be reached or answered with a server error.
    """

    def __init__(self, code: str, message_vi: str | None = None, *, status: int | None = None):
        self.code = code
        self.message_vi = str(message_vi or ERROR_MESSAGES.get(code, ERROR_MESSAGES["config"]))
        self.status = status or (502 if code == "provider_unavailable" else 400)
        super().__init__(f"{code}: {self.message_vi}")


@dataclass(frozen=True)
class EidIdentity:
    """Who the provider says the person is, at which level of assurance.

    ``raw_claims`` is kept only for the length of the request (to debug a mapping in a test);
    it is never stored whole. ``id_token`` and ``next_url`` belong to the login round trip, not
    to the person: the view keeps the token in the session for the logout hint.
    """

    subject: str
    level: int
    pid: str
    old_id: str | None = None
    tax_code: str = ""
    full_name: str = ""
    birth_date: date | None = None
    sex: str = ""
    phone: str = ""
    address_text: str = ""
    commune_code: str = ""
    account_type: str = ""
    raw_claims: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    id_token: str = field(default="", repr=False, compare=False)
    next_url: str = field(default="", repr=False, compare=False)
    purpose: str = field(default="login", repr=False, compare=False)

    def __repr__(self) -> str:  # personal data stays out of logs and tracebacks
        return (
            f"EidIdentity(subject=…{self.subject[-4:]}, level={self.level}, pid=…{self.pid[-4:]})"
        )


class EidProvider(ABC):
    """One kind of e-ID provider. Subclasses set ``id`` and ``label`` and register themselves."""

    id: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def authorization_url(
        self,
        request: HttpRequest,
        next_url: str,
        *,
        level: int | None = None,
        purpose: str = "login",
    ) -> str:
        """Start a login: remember what is needed to check the answer, return where to go."""

    @abstractmethod
    def complete(self, request: HttpRequest) -> EidIdentity:
        """Finish a login on the callback request, or raise :class:`EidError`."""

    @abstractmethod
    def logout_url(self, request: HttpRequest, id_token: str) -> str | None:
        """Where to send the browser to end the provider's session too (None: nowhere)."""

    @abstractmethod
    def check_config(self) -> list[str]:
        """Problems with the configuration, in plain words; empty when all is well."""

    def origins(self) -> list[str]:
        """Web origins the browser is sent to after a form (for the page's ``form-action``)."""
        return []


# --- The pending round trips, kept in the session -------------------------------------------

FLOWS_KEY = "motcua_eid_flows"
#: A few logins may be pending at once (two tabs); older ones are dropped.
MAX_PENDING_FLOWS = 5


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def remember_flow(request: HttpRequest, state: str, **data: Any) -> None:
    flows: dict[str, dict[str, Any]] = dict(request.session.get(FLOWS_KEY, {}))
    flows[state] = {**data, "created": int(time.time())}
    newest = sorted(flows.items(), key=lambda item: item[1]["created"])[-MAX_PENDING_FLOWS:]
    request.session[FLOWS_KEY] = dict(newest)


def pop_flow(request: HttpRequest, state: str | None) -> dict[str, Any]:
    """The pending round trip that ``state`` names, removed so that it is used once only."""
    flows: dict[str, dict[str, Any]] = dict(request.session.get(FLOWS_KEY, {}))
    if not flows:
        raise EidError("state_missing")
    if not state:
        raise EidError("state_mismatch")
    flow = None
    for known in list(flows):
        if secrets.compare_digest(known.encode(), state.encode()):
            flow = flows.pop(known)
    if flow is None:
        raise EidError("state_mismatch")
    request.session[FLOWS_KEY] = flows
    if time.time() - flow["created"] > settings.MOTCUA_EID_FLOW_TTL:
        raise EidError("flow_expired")
    return flow
