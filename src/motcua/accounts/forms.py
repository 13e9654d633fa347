"""Forms of the account pages. Every message is Vietnamese; every problem is listed at once."""

from __future__ import annotations

import re
from datetime import timedelta

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.core.forms import SiteForm

from .contacts import Contact, parse_contact
from .models import MemberRole, is_valid_pid, normalise_tax_code

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]
_CODE_SPLIT = re.compile(r"[\s,;]+")


class ContactField(forms.CharField):
    """A phone number or an e-mail address, cleaned into a :class:`Contact`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Số điện thoại di động hoặc e-mail"))
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})

    def clean(self, value) -> Contact:
        return parse_contact(super().clean(value))


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mã xác minh"))
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault(
            "error_messages", {"required": _("Hãy nhập mã gồm 6 chữ số chúng tôi vừa gửi.")}
        )
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "class": "input input--code"}
        )

    def clean(self, value) -> str:
        text = re.sub(r"\s", "", super().clean(value) or "")
        if not re.fullmatch(r"[0-9]{6}", text):
            raise ValidationError(_("Mã xác minh gồm đúng 6 chữ số."), code="format")
        return text


def new_password_fields(*, new: bool = False) -> tuple[forms.CharField, forms.CharField]:
    """The two fields of a new password ("mật khẩu" or "mật khẩu mới"), for PasswordPairMixin."""
    what = _("mật khẩu mới") if new else _("mật khẩu")
    first = forms.CharField(
        label=_("Mật khẩu mới") if new else _("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 8 ký tự, không chỉ gồm chữ số, không quá dễ đoán."),
        error_messages={"required": _("Hãy đặt %(what)s.") % {"what": what}},
    )
    second = forms.CharField(
        label=_("Nhập lại mật khẩu mới") if new else _("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Hãy nhập lại %(what)s.") % {"what": what}},
    )
    return first, second


class PasswordPairMixin:
    """Two password fields that must match and pass the site's password rules."""

    password_fields = ("password1", "password2")

    def clean(self):
        cleaned = super().clean()
        first, second = (cleaned.get(name) for name in self.password_fields)
        if first and second and first != second:
            self.add_error("password2", _("Hai mật khẩu chưa giống nhau."))
        elif first:
            try:
                password_validation.validate_password(first, self.password_user())
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def password_user(self):
        return None


class LocalLoginForm(SiteForm):
    username = ContactField()
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Hãy nhập mật khẩu.")},
    )


class CodeForm(SiteForm):
    code = CodeField()


class RegistrationForm(PasswordPairMixin, SiteForm):
    contact = ContactField(
        help_text=_("Mã xác minh sẽ được gửi đến đây; sau này bạn đăng nhập bằng nó.")
    )
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        help_text=_("Ghi đầy đủ, có dấu, như trên thẻ căn cước."),
        error_messages={"required": _("Hãy nhập họ và tên.")},
    )
    password1, password2 = new_password_fields(new=False)
    consent = forms.BooleanField(
        label=_(
            "Tôi đồng ý để cổng lưu số điện thoại hoặc e-mail, họ tên này để quản lý tài khoản "
            "và gửi thông báo về hồ sơ của tôi."
        ),
        error_messages={"required": _("Hãy đồng ý để cổng lưu thông tin tài khoản.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2 or any(ch.isdigit() for ch in name):
            raise ValidationError(_("Họ và tên chỉ gồm chữ cái và khoảng trắng."))
        return name


class PasswordResetRequestForm(SiteForm):
    contact = ContactField()


class PasswordResetForm(PasswordPairMixin, SiteForm):
    code = CodeField()
    password1, password2 = new_password_fields(new=True)


class ProcedureCodesField(forms.CharField):
    """National procedure codes typed one per line or separated by commas, cleaned into the
    procedures (in the order typed); every unknown code is named."""

    MAX = 50

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}))
        super().__init__(**kwargs)

    def clean(self, value) -> list[Procedure]:
        text = super().clean(value) or ""
        codes = list(dict.fromkeys(c for c in _CODE_SPLIT.split(text) if c))
        if len(codes) > self.MAX:
            raise ValidationError(_("Tối đa %(n)s thủ tục mỗi lần.") % {"n": self.MAX})
        found = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            raise ValidationError(
                _("Không có thủ tục mang mã: %(codes)s.") % {"codes": ", ".join(missing)}
            )
        return [found[code] for code in codes]


class PidField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value) -> str:
        text = re.sub(r"[\s.]", "", super().clean(value) or "")
        if not is_valid_pid(text):
            raise ValidationError(_("Số định danh cá nhân gồm đúng 12 chữ số."), code="pid")
        return text


class OrganisationRegisterForm(SiteForm):
    tax_code = forms.CharField(
        label=_("Mã số thuế của tổ chức"),
        max_length=20,
        help_text=_("10 chữ số; chi nhánh thêm dấu gạch ngang và 3 chữ số."),
        error_messages={"required": _("Hãy nhập mã số thuế.")},
    )

    def clean_tax_code(self) -> str:
        return normalise_tax_code(self.cleaned_data["tax_code"])


class MemberAddForm(SiteForm):
    pid = PidField(
        label=_("Số định danh cá nhân của người được thêm"),
        error_messages={"required": _("Hãy nhập số định danh cá nhân.")},
    )
    role = forms.ChoiceField(
        label=_("Vai trò"),
        choices=[
            (MemberRole.MEMBER, MemberRole.MEMBER.label),
            (MemberRole.ADMIN, MemberRole.ADMIN.label),
        ],
        initial=MemberRole.MEMBER,
    )


class MemberRoleForm(SiteForm):
    role = forms.ChoiceField(
        label=_("Vai trò"),
        choices=[
            (MemberRole.MEMBER, MemberRole.MEMBER.label),
            (MemberRole.ADMIN, MemberRole.ADMIN.label),
        ],
    )


class DelegationForm(SiteForm):
    agent_pid = PidField(
        label=_("Số định danh cá nhân của người được ủy quyền"),
        error_messages={"required": _("Hãy nhập số định danh cá nhân của người được ủy quyền.")},
    )
    procedures = ProcedureCodesField(
        label=_("Mã các thủ tục được ủy quyền"),
        help_text=_(
            "Mỗi mã cách nhau bởi dấu phẩy hoặc xuống dòng, ví dụ 1.001193. Mã có ở trang của "
            "từng thủ tục."
        ),
        error_messages={"required": _("Hãy ghi ít nhất một mã thủ tục.")},
    )
    valid_from = forms.DateField(
        label=_("Hiệu lực từ ngày"),
        input_formats=DATE_FORMATS,
        help_text=_("Ngày/tháng/năm, ví dụ 01/12/2026."),
        error_messages={"invalid": _("Hãy ghi ngày theo dạng ngày/tháng/năm, ví dụ 01/12/2026.")},
    )
    valid_until = forms.DateField(
        label=_("Hết hạn sau ngày"),
        input_formats=DATE_FORMATS,
        help_text=_("Ngày cuối cùng người được ủy quyền còn làm thay được."),
        error_messages={
            "required": _("Hãy ghi ngày hết hạn ủy quyền."),
            "invalid": _("Hãy ghi ngày theo dạng ngày/tháng/năm, ví dụ 31/12/2027."),
        },
    )
    note = forms.CharField(
        label=_("Nội dung ủy quyền (không bắt buộc)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["valid_from"].initial = today.strftime("%d/%m/%Y")
        self.fields["valid_until"].initial = (today + timedelta(days=365)).strftime("%d/%m/%Y")
        for name in ("valid_from", "valid_until"):
            self.fields[name].widget.format = "%d/%m/%Y"
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "class": "input input--date"}
            )
