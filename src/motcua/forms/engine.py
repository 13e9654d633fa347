"""Turning a form spec into pages people fill in, and their answers back into JSON.

Each page of a spec becomes a Django form (:func:`page_form`). Every field is optional at the
Django level; whether it is required, and whether it is shown at all, is decided here from the
answers so far (conditions may refer to earlier pages), so a field hidden by a condition never
blocks the page and its value is dropped. Values prefilled from a verified source are *locked*:
shown, not editable, and taken from the source again at submission.

Answers are JSON: text → str, number → str (a decimal), money → int (đồng), date → ISO date,
yes/no → bool, choice → str, address → {"province", "commune", "detail"}, group → list of
row dicts. Files are not answers: they are attached documents (``file`` fields name a slot).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.accounts.contacts import normalise_phone
from motcua.accounts.models import is_valid_pid, normalise_tax_code
from motcua.core.forms import SiteForm, style_field

from .spec import FieldSpec, FormSpec, PageSpec

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
YES, NO = "co", "khong"
_MONEY_NOISE = re.compile(r"[\s.,đ₫]|VND|vnđ|dong", re.I)


@dataclass
class Locked:
    """A value the state already knows: shown, not typed; ``source`` says where it is from."""

    value: Any
    source: str


@dataclass
class FillContext:
    """What a page needs beyond the spec: locked values, initial values, the province's
    communes for addresses, the store items a file slot may reuse."""

    locked: dict[str, Locked] = field(default_factory=dict)
    initial: dict[str, Any] = field(default_factory=dict)
    provinces: list[tuple[str, str]] = field(default_factory=list)
    communes_of: Any = None  # callable(province_code) -> list[(code, name)]
    store_items: list[tuple[str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


# --- Values ------------------------------------------------------------------------------


def empty(value: Any) -> bool:
    if isinstance(value, dict):
        return not any(value.values())
    return value in (None, "", [], {})


def display(spec: FieldSpec, value: Any, *, names: dict[str, str] | None = None) -> str:
    """A value as a citizen reads it (review page, receipts)."""
    if empty(value):
        return ""
    if spec.type == "date":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    if spec.type == "money":
        return f"{int(value):,}".replace(",", ".") + " đ"
    if spec.type == "yesno":
        return _("Có") if value else _("Không")
    if spec.type == "choice":
        return dict(spec.choices).get(value, str(value))
    if spec.type == "address":
        names = names or {}
        parts = [
            value.get("detail") or "",
            names.get(value.get("commune") or "", ""),
            names.get(value.get("province") or "", ""),
        ]
        return ", ".join(p for p in parts if p)
    if spec.type == "group":
        rows = []
        for row in value:
            cells = [display(sub, row.get(sub.key), names=names) for sub in spec.fields]
            rows.append("; ".join(c for c in cells if c))
        return " | ".join(rows)
    return str(value)


# --- Django fields, one kind per spec type -------------------------------------------------


class MoneyField(forms.CharField):
    def clean(self, value):
        text = _MONEY_NOISE.sub("", super().clean(value) or "")
        if not text:
            return None
        if not text.isdigit():
            raise ValidationError(_("Số tiền chỉ gồm chữ số, ví dụ 1.200.000."))
        return int(text)


class NumberField(forms.CharField):
    def clean(self, value):
        text = (super().clean(value) or "").replace(" ", "")
        if not text:
            return None
        normalised = text.replace(".", "").replace(",", ".") if "," in text else text
        try:
            return str(Decimal(normalised))
        except InvalidOperation:
            raise ValidationError(_("Hãy nhập một số, ví dụ 12 hoặc 3,5.")) from None


class CheckedCharField(forms.CharField):
    """A text field whose value a function checks and normalises (returns None if wrong)."""

    def __init__(self, *, check, message, **kwargs):
        self.check, self.message = check, message
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return ""
        result = self.check(text)
        if result is None:
            raise ValidationError(self.message)
        return result


def _tax_code(text: str) -> str | None:
    try:
        return normalise_tax_code(text)
    except ValidationError:
        return None


def _pid(text: str) -> str | None:
    digits = re.sub(r"[\s.]", "", text)
    return digits if is_valid_pid(digits) else None


def _django_field(spec: FieldSpec) -> forms.Field:
    common = {"label": spec.label, "required": False, "help_text": spec.help}
    kind = spec.type
    if kind == "text":
        return forms.CharField(max_length=spec.max_length or 255, **common)
    if kind == "textarea":
        return forms.CharField(
            max_length=spec.max_length or 4000, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == "number":
        return NumberField(max_length=30, **common)
    if kind == "money":
        return MoneyField(max_length=30, **common)
    if kind == "date":
        field_ = forms.DateField(
            input_formats=DATE_FORMATS,
            error_messages={
                "invalid": _("Hãy ghi ngày theo dạng ngày/tháng/năm, ví dụ 05/09/2026.")
            },
            **common,
        )
        field_.widget.format = "%d/%m/%Y"
        field_.widget.attrs.update({"inputmode": "numeric", "class": "input input--date"})
        return field_
    if kind == "choice":
        widget = forms.RadioSelect if len(spec.choices) <= 6 else forms.Select
        choices = list(spec.choices) if widget is forms.RadioSelect else [("", "—"), *spec.choices]
        return forms.ChoiceField(choices=choices, widget=widget, **common)
    if kind == "yesno":
        return forms.ChoiceField(
            choices=[(YES, _("Có")), (NO, _("Không"))], widget=forms.RadioSelect, **common
        )
    if kind == "pid":
        field_ = CheckedCharField(
            check=_pid,
            message=_("Số định danh cá nhân gồm đúng 12 chữ số."),
            max_length=20,
            **common,
        )
        field_.widget.attrs["inputmode"] = "numeric"
        return field_
    if kind == "phone":
        field_ = CheckedCharField(
            check=normalise_phone,
            message=_("Số điện thoại di động có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."),
            max_length=20,
            **common,
        )
        field_.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        return field_
    if kind == "email":
        return forms.EmailField(
            error_messages={"invalid": _("Địa chỉ e-mail chưa đúng (ví dụ: ten@example.vn).")},
            **common,
        )
    if kind == "tax_code":
        return CheckedCharField(
            check=_tax_code,
            message=_(
                "Mã số thuế gồm 10 chữ số (chi nhánh thêm -3 chữ số) và chữ số kiểm tra đúng."
            ),
            max_length=20,
            **common,
        )
    if kind == "file":
        return forms.FileField(**common)
    raise ValueError(kind)


def _yesno_out(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


def _yesno_in(value: Any) -> str:
    return {True: YES, False: NO}.get(value, "")


class PageForm(SiteForm):
    """One page of an e-form. Build it with :func:`page_form`."""

    spec: FormSpec
    page: PageSpec
    context: FillContext

    def __init__(self, *args, spec, page, answers, context, rows=None, **kwargs):
        self.spec, self.page, self.context = spec, page, context
        self.answers_before = dict(answers)
        self.rows = dict(rows or {})
        kwargs.setdefault("initial", self._initial(answers))
        super().__init__(*args, **kwargs)
        for f in page.fields:
            if f.key in context.locked:
                continue
            self._add(f, answers)
        for field_ in self.fields.values():
            style_field(field_)

    # --- Building ------------------------------------------------------------------------

    def _add(self, f: FieldSpec, answers: dict) -> None:
        if f.type == "address":
            self._add_address(f, answers)
        elif f.type == "group":
            for index in range(self.group_rows(f, answers)):
                for sub in f.fields:
                    name = f"{f.key}__{index}__{sub.key}"
                    self.fields[name] = _django_field(sub)
                    self.fields[name].label = f"{sub.label} ({index + 1})"
        else:
            self.fields[f.key] = _django_field(f)
            if f.type == "file" and self.context.store_items:
                self.fields[f"{f.key}__reuse"] = forms.ChoiceField(
                    label=_("Hoặc dùng lại giấy tờ trong kho dữ liệu của bạn"),
                    choices=[("", "—"), *self.context.store_items],
                    required=False,
                )

    def _add_address(self, f: FieldSpec, answers: dict) -> None:
        current = answers.get(f.key) or {}
        chosen = self.data.get(f"{f.key}__province") if self.is_bound else current.get("province")
        self.fields[f"{f.key}__province"] = forms.ChoiceField(
            label=_("%(label)s: tỉnh, thành phố") % {"label": f.label},
            choices=[("", "—"), *self.context.provinces],
            required=False,
            help_text=f.help,
        )
        communes = self.context.communes_of(chosen) if chosen and self.context.communes_of else []
        self.fields[f"{f.key}__commune"] = forms.ChoiceField(
            label=_("%(label)s: xã, phường, đặc khu") % {"label": f.label},
            choices=[("", "—"), *communes],
            required=False,
            help_text="" if communes else _("Chọn tỉnh, thành phố rồi bấm “Tiếp tục” để chọn xã."),
        )
        self.fields[f"{f.key}__detail"] = forms.CharField(
            label=_("%(label)s: số nhà, đường, thôn, ấp") % {"label": f.label},
            max_length=255,
            required=False,
        )

    def _initial(self, answers: dict) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for f in self.page.fields:
            value = answers.get(f.key, self.context.initial.get(f.key))
            if value is None:
                continue
            if f.type == "address" and isinstance(value, dict):
                for part in ("province", "commune", "detail"):
                    initial[f"{f.key}__{part}"] = value.get(part, "")
            elif f.type == "group" and isinstance(value, list):
                for index, row in enumerate(value):
                    for sub in f.fields:
                        initial[f"{f.key}__{index}__{sub.key}"] = _widget_value(
                            sub, row.get(sub.key)
                        )
            else:
                initial[f.key] = _widget_value(f, value)
        return initial

    def group_rows(self, f: FieldSpec, answers: dict) -> int:
        stored = answers.get(f.key) or []
        count = self.rows.get(f.key, max(len(stored), f.min_rows, 1))
        return max(1, min(count, f.max_rows))

    # --- Reading back ------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        values = self._values(cleaned)
        merged = {**self.answers_before, **values, **self._locked_values()}
        for f in self.page.fields:
            if f.key in self.context.locked:
                continue
            if not f.shown(merged):
                for name in self._names(f):
                    self.errors.pop(name, None)
                values.pop(f.key, None)
                continue
            if f.type == "file":
                continue  # files are checked against attached documents
            if f.is_required(merged) and empty(values.get(f.key)) and not self._has_error(f):
                self.add_error(self._first_name(f), _("Hãy điền “%(label)s”.") % {"label": f.label})
            if f.type == "address":
                self._check_address(f, values.get(f.key) or {}, required=f.is_required(merged))
            if f.type == "group":
                self._check_group(f, values.get(f.key) or [], merged)
        self.page_values = values
        return cleaned

    def _check_address(self, f: FieldSpec, value: dict, *, required: bool) -> None:
        if value.get("province") and not value.get("commune") and required:
            self.add_error(
                f"{f.key}__commune",
                _("Hãy chọn xã, phường, đặc khu của “%(label)s”.") % {"label": f.label},
            )

    def _check_group(self, f: FieldSpec, rows: list[dict], merged: dict) -> None:
        if f.is_required(merged) and len(rows) < max(f.min_rows, 1):
            self.add_error(
                self._first_name(f),
                _("Hãy điền ít nhất một dòng “%(label)s”.") % {"label": f.label},
            )
        for index, row in enumerate(rows):
            for sub in f.fields:
                if sub.is_required({**merged, **row}) and empty(row.get(sub.key)):
                    self.add_error(
                        f"{f.key}__{index}__{sub.key}",
                        _("Dòng %(n)s: hãy điền “%(label)s”.")
                        % {"n": index + 1, "label": sub.label},
                    )

    def _values(self, cleaned: dict) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for f in self.page.fields:
            if f.key in self.context.locked or f.type == "file":
                continue
            if f.type == "address":
                values[f.key] = {
                    part: cleaned.get(f"{f.key}__{part}") or ""
                    for part in ("province", "commune", "detail")
                }
            elif f.type == "group":
                rows = []
                for index in range(self.group_rows(f, self.answers_before)):
                    row = {
                        sub.key: _json_value(sub, cleaned.get(f"{f.key}__{index}__{sub.key}"))
                        for sub in f.fields
                    }
                    if not all(empty(v) for v in row.values()):
                        rows.append(row)
                values[f.key] = rows
            else:
                values[f.key] = _json_value(f, cleaned.get(f.key))
        return values

    def _locked_values(self) -> dict[str, Any]:
        return {key: locked.value for key, locked in self.context.locked.items()}

    def _names(self, f: FieldSpec) -> list[str]:
        return [name for name in self.fields if name == f.key or name.startswith(f"{f.key}__")]

    def _first_name(self, f: FieldSpec) -> str | None:
        names = self._names(f)
        return names[0] if names else None

    def _has_error(self, f: FieldSpec) -> bool:
        return any(name in self.errors for name in self._names(f))

    # --- For templates -----------------------------------------------------------------------

    def items(self) -> list[dict[str, Any]]:
        """What the template draws, in order: locked values, fields, group rows."""
        items = []
        for f in self.page.fields:
            if f.key in self.context.locked:
                locked = self.context.locked[f.key]
                items.append(
                    {
                        "kind": "locked",
                        "spec": f,
                        "value": display(f, locked.value),
                        "source": locked.source,
                    }
                )
            elif f.type == "group":
                rows = self.group_rows(f, self.answers_before)
                items.append(
                    {
                        "kind": "group",
                        "spec": f,
                        "rows": [
                            [self[f"{f.key}__{i}__{sub.key}"] for sub in f.fields]
                            for i in range(rows)
                        ],
                        "can_add": rows < f.max_rows,
                    }
                )
            else:
                items.append(
                    {
                        "kind": f.type,
                        "spec": f,
                        "fields": [self[name] for name in self._names(f)],
                        "condition": f.show_if,
                        "condition_value": _condition_value(self.spec, f),
                        "condition_label": _condition_label(self.spec, f),
                    }
                )
        return items


def _condition_value(spec: FormSpec, f: FieldSpec) -> str:
    """The value the browser compares with (the widget's value), for the optional script."""
    if f.show_if is None:
        return ""
    other = spec.field(f.show_if.field)
    equals = f.show_if.equals
    if other is not None and other.type == "yesno":
        return _yesno_in(equals)
    return ",".join(map(str, equals)) if isinstance(equals, list) else str(equals)


def _condition_label(spec: FormSpec, f: FieldSpec) -> str:
    if f.show_if is None:
        return ""
    other = spec.field(f.show_if.field)
    if other is None:
        return ""
    equals = f.show_if.equals
    shown = display(other, equals) if not isinstance(equals, list) else ", ".join(map(str, equals))
    return _("Chỉ điền nếu “%(label)s” là %(value)s.") % {"label": other.label, "value": shown}


def _json_value(spec: FieldSpec, value: Any) -> Any:
    if spec.type == "yesno":
        return _yesno_out(value or "")
    if spec.type == "date":
        return value.isoformat() if value else ""
    return "" if value is None else value


def _widget_value(spec: FieldSpec, value: Any) -> Any:
    if spec.type == "yesno":
        return _yesno_in(value)
    if spec.type == "date" and value:
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            return value
    if spec.type == "money" and value not in (None, ""):
        return f"{int(value):,}".replace(",", ".")
    return value


def page_form(
    spec: FormSpec,
    page: PageSpec,
    *,
    answers: dict,
    context: FillContext,
    data=None,
    files=None,
    rows: dict[str, int] | None = None,
) -> PageForm:
    return PageForm(data, files, spec=spec, page=page, answers=answers, context=context, rows=rows)


# --- The whole form, before submission ----------------------------------------------------


@dataclass(frozen=True)
class Problem:
    page: str
    field: str
    message: str


def problems(
    spec: FormSpec, answers: dict, *, attached_slots: set[str], locked: dict[str, Locked]
) -> list[Problem]:
    """Everything still missing, page by page (the review page lists it all at once)."""
    merged = {**answers, **{k: v.value for k, v in locked.items()}}
    found: list[Problem] = []
    for page in spec.pages:
        for f in page.fields:
            if f.key in locked or not f.is_required(merged):
                continue
            if f.type == "file":
                if f.key not in attached_slots:
                    found.append(
                        Problem(
                            page.key, f.key, _("Chưa đính kèm “%(label)s”.") % {"label": f.label}
                        )
                    )
            elif empty(merged.get(f.key)) or (
                f.type == "address" and not (merged.get(f.key) or {}).get("commune")
            ):
                found.append(
                    Problem(page.key, f.key, _("Chưa điền “%(label)s”.") % {"label": f.label})
                )
    return found
