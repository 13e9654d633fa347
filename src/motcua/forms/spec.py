"""The e-form of a procedure as data: pages of fields with types, conditions and prefill.

A spec is plain JSON (stored on ``FormDefinition.spec``), so that agency administrators edit it
without code and a published version never changes. ``parse_spec`` checks a JSON document and
returns a :class:`FormSpec`; every problem is a :class:`SpecError` in Vietnamese.

Example::

    {"pages": [{"key": "nguoi-nop", "title": "Người nộp hồ sơ", "fields": [
        {"key": "applicant_name", "type": "text", "label": "Họ và tên", "required": true,
         "prefill": "eid.full_name"},
        {"key": "has_father", "type": "yesno", "label": "Có thông tin người cha?"},
        {"key": "father_name", "type": "text", "label": "Họ tên cha",
         "show_if": {"field": "has_father", "equals": true}, "required": true}
    ]}]}

A field shown only under a condition is required only when shown. ``require_if`` makes an
always-shown field required under a condition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

FIELD_TYPES = {
    "text": "Chữ (một dòng)",
    "textarea": "Đoạn văn",
    "number": "Số",
    "money": "Số tiền (đồng)",
    "date": "Ngày tháng",
    "choice": "Chọn một",
    "yesno": "Có / Không",
    "address": "Địa chỉ (tỉnh, xã)",
    "pid": "Số định danh cá nhân",
    "phone": "Số điện thoại",
    "email": "E-mail",
    "tax_code": "Mã số thuế",
    "file": "Tệp đính kèm",
    "group": "Nhóm lặp lại",
}
#: Where a value may come from before the citizen types it.
PREFILL_SOURCES = {
    "eid": "Thông tin đã xác thực qua VNeID",
    "profile": "Thông tin tài khoản",
    "population": "Cơ sở dữ liệu quốc gia về dân cư",
    "previous": "Hồ sơ trước của người nộp",
}
KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,49}")
PAGE_KEY_RE = re.compile(r"[a-z][a-z0-9-]{0,49}")
MAX_GROUP_ROWS = 20


class SpecError(ValueError):
    """A form spec that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Condition:
    field: str
    equals: Any

    def holds(self, answers: dict[str, Any]) -> bool:
        value = answers.get(self.field)
        if isinstance(self.equals, list):
            return value in self.equals
        return value == self.equals

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "equals": self.equals}


@dataclass(frozen=True)
class FieldSpec:
    key: str
    type: str
    label: str
    required: bool = False
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    show_if: Condition | None = None
    require_if: Condition | None = None
    prefill: str = ""
    max_length: int = 0
    #: For ``file``: the catalogue checklist item it stands for (``RequiredDocument`` id).
    document: int | None = None
    #: For ``group``: the fields of one row.
    fields: tuple[FieldSpec, ...] = ()
    min_rows: int = 0
    max_rows: int = 5

    def shown(self, answers: dict[str, Any]) -> bool:
        return self.show_if is None or self.show_if.holds(answers)

    def is_required(self, answers: dict[str, Any]) -> bool:
        if not self.shown(answers):
            return False
        return self.required or (self.require_if is not None and self.require_if.holds(answers))

    @property
    def prefill_source(self) -> str:
        return self.prefill.split(".", 1)[0] if self.prefill else ""

    @property
    def prefill_attribute(self) -> str:
        return self.prefill.split(".", 1)[1] if "." in self.prefill else ""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "type": self.type, "label": self.label}
        if self.required:
            data["required"] = True
        if self.help:
            data["help"] = self.help
        if self.choices:
            data["choices"] = [list(c) for c in self.choices]
        if self.show_if:
            data["show_if"] = self.show_if.as_dict()
        if self.require_if:
            data["require_if"] = self.require_if.as_dict()
        if self.prefill:
            data["prefill"] = self.prefill
        if self.max_length:
            data["max_length"] = self.max_length
        if self.document is not None:
            data["document"] = self.document
        if self.type == "group":
            data["fields"] = [f.as_dict() for f in self.fields]
            data["min_rows"], data["max_rows"] = self.min_rows, self.max_rows
        return data


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    fields: tuple[FieldSpec, ...]
    intro: str = ""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "title": self.title,
            "fields": [f.as_dict() for f in self.fields],
        }
        if self.intro:
            data["intro"] = self.intro
        return data


@dataclass(frozen=True)
class FormSpec:
    pages: tuple[PageSpec, ...]
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"pages": [p.as_dict() for p in self.pages]}
        if self.notes:
            data["notes"] = list(self.notes)
        return data

    def page(self, key: str) -> PageSpec | None:
        return next((p for p in self.pages if p.key == key), None)

    def page_index(self, key: str) -> int:
        return next((i for i, p in enumerate(self.pages) if p.key == key), -1)

    def fields(self) -> list[FieldSpec]:
        return [f for page in self.pages for f in page.fields]

    def field(self, key: str) -> FieldSpec | None:
        return next((f for f in self.fields() if f.key == key), None)

    def file_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields() if f.type == "file"]


def parse_spec(data: Any) -> FormSpec:
    """Check a JSON spec and build the :class:`FormSpec`; raise SpecError listing every
    problem."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("pages"), list) or not data["pages"]:
        raise SpecError([_("Biểu mẫu phải có ít nhất một trang.")])
    pages: list[PageSpec] = []
    seen_pages: set[str] = set()
    seen_fields: set[str] = set()
    for number, raw in enumerate(data["pages"], start=1):
        page = _page(raw, number, problems, seen_fields)
        if page is None:
            continue
        if page.key in seen_pages:
            problems.append(
                _("Trang %(n)s: mã trang “%(key)s” bị trùng.") % {"n": number, "key": page.key}
            )
        seen_pages.add(page.key)
        pages.append(page)
    spec = FormSpec(pages=tuple(pages), notes=tuple(str(n) for n in data.get("notes") or ()))
    for f in spec.fields():
        for condition in (f.show_if, f.require_if):
            if condition is not None and condition.field not in seen_fields:
                problems.append(
                    _(
                        "Trường “%(label)s”: điều kiện dựa vào trường “%(key)s” không có trong "
                        "biểu mẫu."
                    )
                    % {"label": f.label, "key": condition.field}
                )
    if problems:
        raise SpecError(problems)
    return spec


def _page(raw: Any, number: int, problems: list[str], seen: set[str]) -> PageSpec | None:
    if not isinstance(raw, dict):
        problems.append(_("Trang %(n)s không đúng định dạng.") % {"n": number})
        return None
    key = str(raw.get("key") or "")
    title = str(raw.get("title") or "").strip()
    if not PAGE_KEY_RE.fullmatch(key):
        problems.append(
            _("Trang %(n)s: mã trang chỉ gồm chữ thường không dấu, số và gạch ngang.")
            % {"n": number}
        )
    if not title:
        problems.append(_("Trang %(n)s chưa có tiêu đề.") % {"n": number})
    fields = [
        parsed
        for raw_field in raw.get("fields") or []
        if (parsed := _field(raw_field, problems, seen)) is not None
    ]
    return PageSpec(key=key, title=title, fields=tuple(fields), intro=str(raw.get("intro") or ""))


def _condition(raw: Any) -> Condition | None:
    if not raw:
        return None
    if not isinstance(raw, dict) or "field" not in raw:
        raise ValueError("condition")
    return Condition(field=str(raw["field"]), equals=raw.get("equals", True))


def _field(raw: Any, problems: list[str], seen: set[str], *, in_group: bool = False):
    if not isinstance(raw, dict):
        problems.append(_("Một trường không đúng định dạng."))
        return None
    key, kind = str(raw.get("key") or ""), str(raw.get("type") or "")
    label = str(raw.get("label") or "").strip()
    name = label or key or "?"
    if not KEY_RE.fullmatch(key):
        problems.append(
            _("Trường “%(name)s”: mã trường chỉ gồm chữ thường không dấu, số và gạch dưới.")
            % {"name": name}
        )
    elif key in seen and not in_group:
        problems.append(_("Mã trường “%(key)s” bị trùng.") % {"key": key})
    seen.add(key)
    if kind not in FIELD_TYPES:
        problems.append(
            _("Trường “%(name)s”: loại “%(kind)s” không có.") % {"name": name, "kind": kind}
        )
    if not label:
        problems.append(_("Trường “%(key)s” chưa có nhãn.") % {"key": key})
    choices = tuple(
        (str(c[0]), str(c[1]))
        for c in raw.get("choices") or ()
        if isinstance(c, list | tuple) and len(c) == 2
    )
    if kind == "choice" and not choices:
        problems.append(_("Trường “%(name)s”: cần ít nhất một lựa chọn.") % {"name": name})
    prefill = str(raw.get("prefill") or "")
    if prefill and prefill.split(".", 1)[0] not in PREFILL_SOURCES:
        problems.append(_("Trường “%(name)s”: nguồn điền sẵn không có.") % {"name": name})
    try:
        show_if, require_if = _condition(raw.get("show_if")), _condition(raw.get("require_if"))
    except ValueError:
        problems.append(_("Trường “%(name)s”: điều kiện không đúng định dạng.") % {"name": name})
        show_if = require_if = None
    sub: list[FieldSpec] = []
    if kind == "group":
        if in_group:
            problems.append(_("Nhóm “%(name)s” không được nằm trong nhóm khác.") % {"name": name})
        sub = [
            parsed
            for raw_sub in raw.get("fields") or []
            if (parsed := _field(raw_sub, problems, set(), in_group=True)) is not None
        ]
        if not sub:
            problems.append(_("Nhóm “%(name)s” cần ít nhất một trường.") % {"name": name})
    try:
        max_rows = min(int(raw.get("max_rows") or 5), MAX_GROUP_ROWS)
        min_rows = max(int(raw.get("min_rows") or 0), 0)
        max_length = int(raw.get("max_length") or 0)
        document = int(raw["document"]) if raw.get("document") is not None else None
    except (TypeError, ValueError):
        problems.append(_("Trường “%(name)s”: số không hợp lệ.") % {"name": name})
        max_rows, min_rows, max_length, document = 5, 0, 0, None
    return FieldSpec(
        key=key,
        type=kind,
        label=label,
        required=bool(raw.get("required")),
        help=str(raw.get("help") or ""),
        choices=choices,
        show_if=show_if,
        require_if=require_if,
        prefill=prefill,
        max_length=max_length,
        document=document,
        fields=tuple(sub),
        min_rows=min_rows,
        max_rows=max(max_rows, min_rows, 1),
    )
