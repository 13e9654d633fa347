"""Structured API errors: a stable code, a Vietnamese and an English message, field details.

{"error": {"code": "invalid", "message": "...", "message_en": "...", "fields": {"limit": [...]}}}
"""

from __future__ import annotations

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    "invalid": ("Dữ liệu gửi lên không hợp lệ.", "The request is not valid."),
    "not_found": ("Không tìm thấy.", "Not found."),
    "method_not_allowed": ("Phương thức không được hỗ trợ.", "Method not allowed."),
    "not_acceptable": ("Định dạng yêu cầu không được hỗ trợ.", "Not acceptable."),
    "throttled": ("Quá nhiều yêu cầu, vui lòng thử lại sau.", "Too many requests."),
    "not_authenticated": ("Cần xác thực.", "Authentication required."),
    "permission_denied": ("Không có quyền thực hiện.", "Permission denied."),
    "parse_error": ("Nội dung gửi lên không đọc được.", "Malformed request."),
    "error": ("Đã có lỗi xảy ra.", "An error occurred."),
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
    ):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.payload = {"code": code, "message": message, "message_en": message_en}
        if fields:
            self.payload["fields"] = fields


def error_body(code: str, fields: dict | None = None, message: str | None = None) -> dict:
    vi, en = MESSAGES.get(code, MESSAGES["error"])
    body = {"code": code, "message": message or vi, "message_en": en}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _field_messages(detail) -> dict:
    if isinstance(detail, dict):
        return {
            key: [str(m) for m in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return {
        "non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]
    }


def exception_handler(exc, context):
    if isinstance(exc, ApiError):
        return Response({"error": exc.payload}, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", _field_messages(exc.detail))
    else:
        code = getattr(exc, "default_code", "error")
        response.data = error_body(code if code in MESSAGES else "error")
    return response
