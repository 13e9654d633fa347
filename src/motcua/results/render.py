"""The result document's wording and layout, before it is signed.

The text comes from the procedure's ``ResultTemplate`` (or the default one below), rendered
with Django's template language over the dossier's facts; the page follows the layout of every
slip (``core.pdf``), on A4 as a decision is, with the QR code and the code that lead to the
public verification page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.template import Context, Engine, TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.pdf import (
    QRCode,
    Signature,
    Slip,
    Text,
    format_date_vi,
    format_datetime_vi,
    render_slip,
)
from motcua.notifications.services import site_url

from .models import ResultTemplate

DEFAULT_BODY = """\
Căn cứ hồ sơ số {{ code }} của {{ applicant }}, tiếp nhận ngày {{ received }}, đề nghị giải \
quyết thủ tục hành chính “{{ procedure }}”;
Căn cứ kết quả thẩm định hồ sơ và ý kiến phê duyệt ngày {{ decided }},

{{ agency }} giải quyết hồ sơ nêu trên với các nội dung sau:
{% for line in answer_lines %}- {{ line.label }}: {{ line.value }}
{% endfor %}
Kết quả này là văn bản điện tử có chữ ký số của cơ quan, có giá trị pháp lý như bản giấy."""

#: A template reads only the context below: no loaders (nothing to include or extend), no
#: custom libraries; plain text, so no HTML escaping.
_ENGINE = Engine(autoescape=False, string_if_invalid="", loaders=[], libraries={})


class TemplateProblem(ValueError):
    """The template's text cannot be rendered (shown to the admin who wrote it)."""


def template_for(procedure) -> ResultTemplate | None:
    """The newest active template of the procedure, else the newest general one."""
    own = ResultTemplate.objects.filter(procedure=procedure, is_active=True).first()
    return own or ResultTemplate.objects.filter(procedure=None, is_active=True).first()


def check_template(body: str) -> None:
    """Raise :class:`TemplateProblem` when ``body`` is not valid template text."""
    try:
        _ENGINE.from_string(body)
    except TemplateSyntaxError as error:
        raise TemplateProblem(str(error)) from error


def context_of(dossier, decided_at: datetime) -> dict:
    from motcua.portal.filing import answer_rows

    lines = [row for page in answer_rows(dossier, None) for row in page["rows"] if row["value"]]
    return {
        "applicant": dossier.applicant_name,
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "agency": dossier.resolving_agency.name,
        "province": dossier.province.name if dossier.province_id else "",
        "received": format_date_vi(dossier.received_at),
        "decided": format_date_vi(decided_at),
        "answers": dict(dossier.data or {}),
        "answer_lines": lines,
    }


def result_title(dossier, template: ResultTemplate | None) -> str:
    if template is not None and template.title:
        return template.title
    results = [r for r in (dossier.procedure.results or []) if isinstance(r, str) and r.strip()]
    if results:
        return results[0].strip()[:255]
    return _("Kết quả giải quyết thủ tục hành chính")


@dataclass(frozen=True)
class Draft:
    """What goes on the page, and the facts kept with the issued result."""

    title: str
    number: str
    pdf: bytes
    template: ResultTemplate | None


def verification_url(code: str) -> str:
    return site_url(reverse("results:verify_code", args=[code]))


def draft(dossier, *, number: str, code: str, decided_at: datetime, signer_name: str) -> Draft:
    """The unsigned PDF of the dossier's result."""
    template = template_for(dossier.procedure)
    body = template.body if template else DEFAULT_BODY
    try:
        text = _ENGINE.from_string(body).render(Context(context_of(dossier, decided_at)))
    except TemplateSyntaxError as error:
        raise TemplateProblem(str(error)) from error
    agency = dossier.resolving_agency
    title = result_title(dossier, template)
    paragraphs = [Text(p.strip("\n")) for p in text.split("\n\n") if p.strip()]
    url = verification_url(code)
    slip = Slip(
        agency=agency.name,
        parent_agency=agency.parent.name if agency.parent_id else "",
        number=_("Số: %(number)s") % {"number": number},
        place=dossier.province.name if dossier.province_id else "",
        date=timezone.localtime(decided_at).date(),
        title=title,
        subtitle=_("Hồ sơ %(code)s — %(procedure)s")
        % {"code": dossier.code, "procedure": dossier.procedure.name},
        body=paragraphs,
        signatures=[
            Signature(
                template.signer_title if template else _("Thủ trưởng cơ quan"),
                name=signer_name,
                note=_("(Đã ký số)"),
            )
        ],
        qr=QRCode(url, caption=_("Mã xác thực: %(code)s") % {"code": code}, size_mm=26),
        footer=_(
            "Văn bản điện tử do %(agency)s ký số lúc %(at)s. Kiểm tra tính hợp lệ tại %(url)s "
            "hoặc quét mã QR; bản in không thay thế được tệp điện tử gốc."
        )
        % {"agency": agency.name, "at": format_datetime_vi(decided_at), "url": url},
        page_size="A4",
        subject=dossier.code,
        keywords=[f"motcua-result:{code}", dossier.code],
    )
    return Draft(title=title, number=number, pdf=render_slip(slip), template=template)
