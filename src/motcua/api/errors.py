"""Structured API errors: a stable code, a Vietnamese and an English message, field details.

{"error": {"code": "invalid", "message": "...", "message_vi": "...", "message_en": "...",
           "fields": {"limit": [...]}}}

``message`` is in the language the client asked for (``Accept-Language``: Vietnamese unless
English is preferred), ``message_vi`` and ``message_en`` are always both there, and so are the
field messages in that language where a translation exists. The codes and field names never
change with the language.
"""

from __future__ import annotations

import sys

import structlog
from django.http import Http404
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from motcua.core.errors import RETRY_AFTER, database_unavailable

log = structlog.get_logger(__name__)

MESSAGES = {
    "invalid": ("Dữ liệu gửi lên không hợp lệ.", "The request is not valid."),
    "not_found": ("Không tìm thấy.", "Not found."),
    "method_not_allowed": ("Phương thức không được hỗ trợ.", "Method not allowed."),
    "not_acceptable": ("Định dạng yêu cầu không được hỗ trợ.", "Not acceptable."),
    "throttled": ("Quá nhiều yêu cầu, vui lòng thử lại sau.", "Too many requests."),
    "not_authenticated": ("Cần xác thực.", "Authentication required."),
    "permission_denied": ("Không có quyền thực hiện.", "Permission denied."),
    "parse_error": ("Nội dung gửi lên không đọc được.", "Malformed request."),
    "unsupported_media_type": (
        "Kiểu nội dung gửi lên không được hỗ trợ.",
        "Unsupported media type.",
    ),
    "authentication_failed": (
        "Thông tin xác thực không hợp lệ.",
        "Invalid credentials.",
    ),
    "error": ("Đã có lỗi xảy ra.", "An error occurred."),
    "unavailable": (
        "Hệ thống tạm thời gián đoạn, chưa ghi nhận yêu cầu này. Hãy gửi lại sau ít phút "
        "(cùng Idempotency-Key, nếu có).",
        "The service is briefly unavailable and did not record this request. Send it again in "
        "a few minutes (with the same Idempotency-Key, if any).",
    ),
}


class ApiError(exceptions.APIException):
    """An error with its own Vietnamese and English messages."""

    def __init__(
        self,
        code: str,
        message: str,
        message_en: str,
        *,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        fields: dict | None = None,
        headers: dict | None = None,
    ):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.headers = headers or {}
        self.payload = {
            "code": code,
            "message": message,
            "message_vi": message,
            "message_en": message_en,
        }
        if fields:
            self.payload["fields"] = fields


def error_body(code: str, fields: dict | None = None, message: str | None = None) -> dict:
    vi, en = MESSAGES.get(code, MESSAGES["error"])
    vi = message or vi
    body = {"code": code, "message": vi, "message_vi": vi, "message_en": en}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _field_messages(detail) -> dict:
    """Field → messages, nested fields flattened (``documents[1].slot``, ``answers.x``)."""
    flat: dict[str, list[str]] = {}

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(key, int):
                    walk(inner, f"{path}[{key}]")
                else:
                    walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
            for index, inner in enumerate(value):
                if inner:
                    walk(inner, f"{path}[{index}]")
        else:
            items = value if isinstance(value, list) else [value]
            flat.setdefault(path or "non_field_errors", []).extend(str(m) for m in items)

    walk(detail, "")
    return flat


def _in_language(body: dict) -> dict:
    """``message`` in the language of the request: English when asked for, else Vietnamese."""
    error = body["error"]
    english = (translation.get_language() or "vi").startswith("en")
    error["message"] = error["message_en"] if english else error["message_vi"]
    return body


def exception_handler(exc, context):
    if isinstance(exc, ApiError):
        body = _in_language({"error": dict(exc.payload)})
        return Response(body, status=exc.status_code, headers=exc.headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None and database_unavailable(exc):
        set_rollback()
        return Response(
            _in_language(error_body("unavailable")),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER)},
        )
    if response is None:
        # A fault of ours: the client gets the same structured shape, the log the details.
        log.exception("api.unhandled_error", error=type(exc).__name__)
        set_rollback()
        return Response(
            _in_language(error_body("error")), status=status.HTTP_500_INTERNAL_SERVER_ERROR
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", _field_messages(exc.detail))
    elif isinstance(exc, exceptions.MethodNotAllowed):
        response.data = error_body("method_not_allowed")
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        response.data = error_body("unsupported_media_type")
    else:
        code = getattr(exc, "default_code", "error")
        response.data = error_body(code if code in MESSAGES else "error")
    response.data = _in_language(response.data)
    return response


def _json_error(code: str, status_code: int, fields: dict | None = None):
    from django.http import JsonResponse

    return JsonResponse(_in_language(error_body(code, fields)), status=status_code)


@csrf_exempt
def not_found(request, exception=None, **kwargs):
    """Any path under /api/ that names no endpoint."""
    return _json_error("not_found", status.HTTP_404_NOT_FOUND)


def server_error(request, *args, **kwargs):
    if database_unavailable(sys.exc_info()[1]):
        response = _json_error("unavailable", status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return _json_error("error", status.HTTP_500_INTERNAL_SERVER_ERROR)
