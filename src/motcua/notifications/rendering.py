"""Filling a message template: ``{{ name }}`` replaced by the value of a known variable.

Deliberately not a template language: no attributes, filters, tags or loops, so that what an
administrator types in the admin can only place the values below and nothing else. A name that
is not in :data:`VARIABLES` is refused when the template is saved (:func:`check`) and renders
empty if it ever reaches a message.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

VARIABLES: dict[str, str] = {
    "code": _("mã hồ sơ"),
    "procedure": _("tên thủ tục"),
    "agency": _("cơ quan tiếp nhận hoặc giải quyết"),
    "applicant": _("tên người nộp"),
    "appointment": _("ngày hẹn trả kết quả (dd/mm/yyyy)"),
    "reasons": _("lý do (từ chối, dừng giải quyết, xin lỗi)"),
    "missing": _("những nội dung cần bổ sung, hoàn thiện"),
    "result_number": _("số văn bản kết quả"),
    "amount": _("số tiền (1.200.000 đ)"),
    "feedback_code": _("mã phản ánh, kiến nghị"),
    "rating_link": _("đường dẫn đánh giá hồ sơ không cần đăng nhập (khi trả kết quả)"),
    "link": _("đường dẫn đến trang hồ sơ"),
}

#: Anything between double braces is a placeholder; only a known name gives a value.
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


class TemplateProblem(ValueError):
    """A template names a variable that does not exist (shown to the admin who wrote it)."""


def check(text: str) -> None:
    found = {name.strip() for name in _PLACEHOLDER.findall(text or "")}
    unknown = sorted(name for name in found if name not in VARIABLES)
    if unknown:
        raise TemplateProblem(
            _("Biến không có: %(names)s. Các biến dùng được: %(known)s.")
            % {
                "names": ", ".join(unknown),
                "known": ", ".join("{{ " + name + " }}" for name in VARIABLES),
            }
        )


def render(text: str, context: dict[str, object]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1).strip()
        return str(context.get(name) or "") if name in VARIABLES else ""

    return _PLACEHOLDER.sub(value, text or "").strip()
