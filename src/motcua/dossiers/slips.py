"""The applicant's submission confirmation (PDF): what was filed, where, and how to follow it.

It is not yet the formal receipt (slip 01, issued when the agency accepts the dossier) and says
so; its QR code leads to the public lookup with the code filled in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.pdf import (
    Field,
    QRCode,
    Signature,
    Slip,
    Table,
    Text,
    format_datetime_vi,
    render_slip,
)
from motcua.notifications.services import site_url

from .models import Dossier
from .selectors import attachments


def tracking_url(dossier: Dossier) -> str:
    return site_url(reverse("portal:lookup") + "?" + urlencode({"ma": dossier.code}))


def submission_confirmation(dossier: Dossier, *, invariant: bool = False) -> bytes:
    receiving = dossier.receiving_agency
    documents = [
        (index, d.label or d.slot, d.file.original_name)
        for index, d in enumerate(attachments(dossier), start=1)
    ]
    body = [
        Field(_("Thủ tục"), f"{dossier.procedure.name} ({dossier.procedure.code})"),
        Field(_("Người nộp"), dossier.applicant_name),
        Field(_("Nộp lúc"), format_datetime_vi(dossier.submitted_at)),
        Field(_("Nơi tiếp nhận"), receiving.name if receiving else ""),
        Field(
            _("Ngày hẹn trả dự kiến"),
            format_datetime_vi(dossier.appointment_at)
            if dossier.appointment_at
            else _("Sẽ báo khi cơ quan tiếp nhận hồ sơ"),
        ),
    ]
    if (
        dossier.submitted_by_id
        and dossier.applicant_person_id
        and (dossier.applicant_person.user_id != dossier.submitted_by_id)
    ):
        body.append(Field(_("Người nộp thay"), dossier.submitted_by.get_full_name()))
    if documents:
        body.append(
            Table(columns=(_("STT"), _("Giấy tờ"), _("Tệp")), rows=documents, widths=(1, 6, 4))
        )
    body.append(
        Text(
            _(
                "Đây là xác nhận hồ sơ đã gửi trực tuyến, chưa phải giấy tiếp nhận hồ sơ và hẹn "
                "trả kết quả. Giấy tiếp nhận được gửi cho bạn khi cơ quan kiểm tra và tiếp nhận "
                "hồ sơ. Quét mã QR hoặc vào mục tra cứu hồ sơ, nhập mã hồ sơ và số điện thoại "
                "(hoặc số định danh) của người nộp để theo dõi."
            )
        )
    )
    slip = Slip(
        agency=receiving.name if receiving else _("Cổng dịch vụ công motcua"),
        parent_agency=receiving.parent.name if receiving and receiving.parent_id else "",
        title=_("Xác nhận nộp hồ sơ trực tuyến"),
        subtitle=_("Mã hồ sơ: %(code)s") % {"code": dossier.code},
        place=dossier.province.short_name if dossier.province_id else "",
        date=timezone.localtime(dossier.submitted_at).date(),
        body=body,
        signatures=(Signature(title=_("Hệ thống một cửa điện tử"), name="motcua", note=""),),
        qr=QRCode(data=tracking_url(dossier), caption=_("Tra cứu hồ sơ")),
        footer=_("In từ Cổng dịch vụ công motcua."),
        subject=dossier.code,
    )
    return render_slip(slip, invariant=invariant)
