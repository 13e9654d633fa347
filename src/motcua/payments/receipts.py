"""The electronic receipt (biên lai điện tử) of a paid fee, drawn with ``core.pdf``.

Its number has at most 8 digits and restarts each 1 January (``services.take_receipt_number``);
the receipt names the collecting agency, the payer, the dossier, each fee line, the total, and
the provider's transaction.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.pdf import (
    Field,
    Signature,
    Slip,
    Table,
    Text,
    format_datetime_vi,
    format_money,
    render_slip,
)

from .models import Payment, PaymentStatus
from .providers.registry import available


def receipt_pdf(payment: Payment, *, invariant: bool = False) -> bytes:
    dossier = payment.dossier
    agency = dossier.receiving_agency
    provider = available().get(payment.provider)
    lines = [
        (index, line.get("name", ""), format_money(int(line.get("amount", 0))))
        for index, line in enumerate(payment.lines, start=1)
    ]
    body = [
        Field(_("Người nộp"), dossier.applicant_name),
        Field(_("Hồ sơ"), f"{dossier.code} — {dossier.procedure.name}"),
        Table(
            columns=(_("STT"), _("Khoản thu"), _("Số tiền")),
            rows=lines,
            widths=(1, 7, 3),
            align=("center", "left", "right"),
        ),
        Field(_("Tổng cộng"), format_money(payment.amount)),
        Field(_("Hình thức thanh toán"), provider.label if provider else payment.provider),
        Field(_("Mã giao dịch"), f"{payment.transaction_id} ({payment.bank_code})"),
        Field(_("Mã tham chiếu"), payment.reference),
        Field(_("Thanh toán lúc"), format_datetime_vi(payment.paid_at)),
    ]
    if payment.status == PaymentStatus.REFUNDED:
        body.append(
            Text(
                _("Khoản thu này đã được hoàn trả lúc %(when)s.")
                % {"when": format_datetime_vi(payment.refunded_at)},
                bold=True,
            )
        )
    slip = Slip(
        agency=agency.name if agency else _("Cổng dịch vụ công motcua"),
        parent_agency=agency.parent.name if agency and agency.parent_id else "",
        title=_("Biên lai thu phí, lệ phí"),
        subtitle=_("(Biên lai điện tử)"),
        number=_("Số: %(number)s") % {"number": payment.receipt_label},
        place=dossier.province.short_name if dossier.province_id else "",
        date=timezone.localtime(payment.paid_at).date(),
        body=body,
        signatures=(Signature(title=_("Đơn vị thu"), name="motcua", note=""),),
        footer=_("Biên lai điện tử in từ Cổng dịch vụ công motcua."),
        subject=f"{dossier.code} {payment.receipt_label}",
    )
    return render_slip(slip, invariant=invariant)
