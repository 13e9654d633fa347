"""The upload form of the document store. The file field only carries the file: what it must
be is checked by ``documents.checks`` through the services, so every page says the same."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.forms import SiteForm

from . import checks


class StoreUploadForm(SiteForm):
    title = forms.CharField(
        label=_("Tên giấy tờ"),
        max_length=255,
        help_text=_("Ví dụ: Giấy khai sinh của con, Bằng tốt nghiệp đại học."),
        error_messages={
            "required": _("Hãy nhập tên giấy tờ."),
            "max_length": _("Tên giấy tờ dài tối đa 255 ký tự."),
        },
    )
    file = forms.FileField(
        label=_("Tệp"),
        allow_empty_file=True,  # an empty file gets the services' message, naming it
        widget=forms.FileInput,
        error_messages={
            "required": _("Hãy chọn tệp giấy tờ."),
            "invalid": _("Không đọc được tệp đã chọn. Hãy chọn lại tệp."),
            "missing": _("Không nhận được tệp. Hãy chọn lại tệp."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = checks.format_size(checks.max_file_bytes())
        self.fields["file"].help_text = _("Tệp %(kinds)s, tối đa %(limit)s.") % {
            "kinds": checks.kinds_text(),
            "limit": limit,
        }
        self.fields["file"].widget.attrs["accept"] = checks.accept_attribute()
