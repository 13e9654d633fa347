"""Forms of the staff pages."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.accounts.contacts import normalise_phone
from motcua.accounts.forms import PasswordPairMixin, ProcedureCodesField, new_password_fields
from motcua.accounts.models import Role
from motcua.core.forms import SiteForm
from motcua.units.models import Agency

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,59}")


class StaffLoginForm(SiteForm):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        error_messages={"required": _("Hãy nhập tên đăng nhập.")},
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Hãy nhập mật khẩu.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )


class SecondFactorForm(SiteForm):
    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=20,
        help_text=_(
            "6 chữ số trong ứng dụng xác thực trên điện thoại, hoặc một mã dự phòng 8 ký tự."
        ),
        error_messages={"required": _("Hãy nhập mã xác thực.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "class": "input input--code", "spellcheck": "false"}
        )


class EnrolForm(SiteForm):
    code = forms.CharField(
        label=_("Mã 6 chữ số đang hiện trong ứng dụng"),
        max_length=10,
        error_messages={"required": _("Hãy nhập mã 6 chữ số từ ứng dụng.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "class": "input input--code"}
        )


class ActivationForm(PasswordPairMixin, SiteForm):
    password1, password2 = new_password_fields()

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def password_user(self):
        return self.user


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return ("— " * obj.depth) + obj.name


def _role_choices(roles) -> list[tuple[str, str]]:
    return [(role, Role(role).label) for role in roles]


class StaffCreateForm(SiteForm):
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=150, error_messages={"required": _("Hãy nhập họ và tên.")}
    )
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=60,
        help_text=_("Chữ thường không dấu, số, dấu chấm, gạch ngang; ví dụ nguyenvana.sotuphap."),
        error_messages={"required": _("Hãy đặt tên đăng nhập.")},
    )
    email = forms.EmailField(
        label=_("E-mail công vụ"),
        help_text=_("Thư mời đặt mật khẩu được gửi đến đây."),
        error_messages={
            "required": _("Hãy nhập e-mail để gửi thư mời."),
            "invalid": _("Địa chỉ e-mail chưa đúng."),
        },
    )
    phone = forms.CharField(label=_("Số điện thoại di động (không bắt buộc)"), required=False)
    position = forms.CharField(label=_("Chức vụ (không bắt buộc)"), max_length=150, required=False)
    agency = AgencyChoiceField(
        label=_("Cơ quan công tác"),
        queryset=Agency.objects.none(),
        error_messages={
            "required": _("Hãy chọn cơ quan."),
            "invalid_choice": _("Cơ quan này không thuộc phạm vi bạn quản lý."),
        },
    )
    role = forms.ChoiceField(label=_("Vai trò"))

    def __init__(self, *args, agencies, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["role"].choices = _role_choices(roles)
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "spellcheck": "false"}
        )

    def clean_username(self) -> str:
        value = self.cleaned_data["username"].strip().lower()
        if not USERNAME_RE.fullmatch(value):
            raise ValidationError(
                _("Tên đăng nhập gồm 3–60 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang.")
            )
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        phone = normalise_phone(value)
        if phone is None:
            raise ValidationError(_("Số điện thoại di động phải có 10 chữ số, bắt đầu bằng 0."))
        return phone


class RoleGrantForm(SiteForm):
    role = forms.ChoiceField(label=_("Vai trò"))
    agency = AgencyChoiceField(
        label=_("Tại cơ quan"),
        queryset=Agency.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Cơ quan này không thuộc phạm vi bạn quản lý.")},
    )
    procedures = ProcedureCodesField(
        label=_("Chỉ các thủ tục (không bắt buộc)"),
        required=False,
        help_text=_(
            "Để trống: mọi thủ tục của cơ quan. Hoặc ghi mã các thủ tục cán bộ được giao, "
            "cách nhau bởi dấu phẩy."
        ),
    )

    def __init__(self, *args, agencies, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["role"].choices = _role_choices(roles)

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        needs_agency = role and role != Role.SYSTEM_ADMIN and not cleaned.get("agency")
        if needs_agency and "agency" not in self.errors:
            self.add_error("agency", _("Hãy chọn cơ quan của vai trò."))
        return cleaned


__all__ = [
    "ActivationForm",
    "EnrolForm",
    "RoleGrantForm",
    "SecondFactorForm",
    "StaffCreateForm",
    "StaffLoginForm",
]


PREFILL_CHOICES = [
    ("", _("Không điền sẵn")),
    ("eid.full_name", _("VNeID: họ và tên")),
    ("eid.pid", _("VNeID: số định danh cá nhân")),
    ("eid.birth_date", _("VNeID: ngày sinh")),
    ("eid.sex", _("VNeID: giới tính")),
    ("eid.phone", _("VNeID: số điện thoại")),
    ("eid.address", _("VNeID: nơi thường trú")),
    ("profile.email", _("Tài khoản: e-mail")),
    ("profile.phone", _("Tài khoản: số điện thoại")),
    ("population.full_name", _("CSDL dân cư: họ và tên")),
    ("population.permanent_address", _("CSDL dân cư: nơi thường trú")),
    ("population.birth_date", _("CSDL dân cư: ngày sinh")),
    ("previous", _("Hồ sơ trước của người nộp (cùng mã trường)")),
]


class FieldEditForm(SiteForm):
    """One field of an e-form, as an agency administrator edits it (no code, no JSON)."""

    key = forms.CharField(
        label=_("Mã trường"),
        max_length=50,
        help_text=_("Chữ thường không dấu, số, gạch dưới; ví dụ ho_ten_cha."),
    )
    label = forms.CharField(label=_("Nhãn hiển thị"), max_length=300)
    type = forms.ChoiceField(label=_("Loại"))
    required = forms.BooleanField(label=_("Bắt buộc"), required=False)
    help = forms.CharField(label=_("Hướng dẫn (không bắt buộc)"), max_length=500, required=False)
    choices = forms.CharField(
        label=_("Các lựa chọn (với loại “Chọn một”)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Mỗi dòng một lựa chọn: mã|Nhãn, ví dụ me|Mẹ."),
    )
    show_if_field = forms.ChoiceField(label=_("Chỉ hiện khi trường"), required=False)
    show_if_value = forms.CharField(
        label=_("có giá trị"),
        max_length=100,
        required=False,
        help_text=_("Với Có/Không ghi co hoặc khong; với Chọn một ghi mã lựa chọn."),
    )
    prefill = forms.ChoiceField(label=_("Điền sẵn từ"), choices=PREFILL_CHOICES, required=False)
    max_length = forms.IntegerField(
        label=_("Độ dài tối đa (không bắt buộc)"), min_value=1, max_value=4000, required=False
    )

    def __init__(self, *args, other_keys=(), **kwargs):
        from motcua.forms.spec import FIELD_TYPES

        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [
            (key, label) for key, label in FIELD_TYPES.items() if key != "group"
        ]
        self.fields["show_if_field"].choices = [("", "—"), *[(k, k) for k in other_keys]]

    def clean_choices(self) -> list[list[str]]:
        rows = []
        for line in self.cleaned_data["choices"].splitlines():
            if not line.strip():
                continue
            value, sep, label = line.partition("|")
            if not sep or not value.strip() or not label.strip():
                raise ValidationError(_("Mỗi lựa chọn ghi dạng mã|Nhãn, ví dụ me|Mẹ."))
            rows.append([value.strip(), label.strip()])
        return rows

    def as_spec(self) -> dict:
        data = self.cleaned_data
        field: dict = {"key": data["key"], "type": data["type"], "label": data["label"]}
        if data["required"]:
            field["required"] = True
        if data["help"]:
            field["help"] = data["help"]
        if data["choices"]:
            field["choices"] = data["choices"]
        if data["show_if_field"]:
            value = data["show_if_value"]
            equals = {"co": True, "khong": False}.get(value, value)
            field["show_if"] = {"field": data["show_if_field"], "equals": equals}
        if data["prefill"]:
            field["prefill"] = (
                data["prefill"] if "." in data["prefill"] else f"previous.{data['key']}"
            )
        if data["max_length"]:
            field["max_length"] = data["max_length"]
        return field

    @classmethod
    def initial_from(cls, spec: dict) -> dict:
        show_if = spec.get("show_if") or {}
        equals = show_if.get("equals", "")
        prefill = spec.get("prefill", "")
        return {
            "key": spec.get("key", ""),
            "label": spec.get("label", ""),
            "type": spec.get("type", "text"),
            "required": bool(spec.get("required")),
            "help": spec.get("help", ""),
            "choices": "\n".join(f"{v}|{label}" for v, label in spec.get("choices") or []),
            "show_if_field": show_if.get("field", ""),
            "show_if_value": {True: "co", False: "khong"}.get(equals, equals),
            "prefill": "previous" if prefill.startswith("previous") else prefill,
            "max_length": spec.get("max_length") or None,
        }
