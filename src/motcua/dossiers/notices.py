"""The slips the transitions issue (TT 03/2025 numbering, DOMAIN.md §4), as A5 PDFs.

Each slip is drawn from the timeline event of its transition (the moment, the agency, the
officer, what was asked for or why), so that it can be printed again at any time and reads
the same. ``SLIPS`` maps each slip's number to its template: the title, the transition it
comes from, and a version printed in the footer (a changed wording is a new version).

- 01 receipt and appointment (``accept``), 02 supplement request (``request_supplement``,
  ``request_fixes``), 03 refusal (``refuse``), 04 apology and new appointment
  (``apologise``), 05 stop notice (``stop``).
- 06 process-control slip (TT 01/2018 Mẫu 05): not issued by one transition but drawn from
  the dossier's step rows (``DossierStep``, ``processes.py``), one line per hand-over, printed
  by staff at any time after reception (:func:`render_process_control`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.pdf import Field, QRCode, Signature, Slip, Table, Text, format_datetime_vi
from motcua.core.pdf import render_slip as render

from .models import Dossier, DossierEvent, DossierStep, Timing
from .selectors import attachments
from .slips import tracking_url


@dataclass(frozen=True)
class SlipTemplate:
    number: str
    title: str
    actions: tuple[str, ...]
    version: int
    closing: str


SLIPS: dict[str, SlipTemplate] = {
    "01": SlipTemplate(
        "01", gettext_lazy("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), ("accept",), 1,
        gettext_lazy("Khi đến nhận kết quả, ông/bà mang theo giấy này (hoặc mã hồ sơ)."),
    ),
    "02": SlipTemplate(
        "02", gettext_lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        ("request_supplement", "request_fixes"), 1,
        gettext_lazy(
            "Đề nghị ông/bà bổ sung, hoàn thiện hồ sơ theo nội dung trên. Thời gian giải quyết "
            "được tính lại khi cơ quan nhận đủ hồ sơ. Xin lỗi ông/bà vì sự bất tiện này."
        ),
    ),
    "03": SlipTemplate(
        "03", gettext_lazy("Phiếu từ chối tiếp nhận giải quyết hồ sơ"), ("refuse",), 1,
        gettext_lazy("Xin thông báo để ông/bà được biết."),
    ),
    "04": SlipTemplate(
        "04", gettext_lazy("Phiếu xin lỗi và hẹn lại ngày trả kết quả"), ("apologise",), 1,
        gettext_lazy("Cơ quan thành thật xin lỗi ông/bà vì sự chậm trễ này."),
    ),
    "05": SlipTemplate(
        "05", gettext_lazy("Thông báo dừng giải quyết hồ sơ"), ("stop",), 1,
        gettext_lazy("Xin thông báo để ông/bà được biết."),
    ),
    "06": SlipTemplate(
        "06", gettext_lazy("Phiếu kiểm soát quá trình giải quyết hồ sơ"), (), 1,
        gettext_lazy(
            "Mỗi lần giao, nhận hồ sơ giữa các bộ phận, cơ quan được ghi vào phiếu này; phiếu "
            "đi kèm hồ sơ đến khi trả kết quả."
        ),
    ),
}  # fmt: skip

#: The slip drawn from the dossier's steps rather than from one event.
PROCESS_CONTROL = "06"

#: The slip each transition issues.
SLIP_OF_ACTION = {action: number for number, t in SLIPS.items() for action in t.actions}


def with_slips(events) -> list[DossierEvent]:
    """The events, each with ``slip``: the number of the slip it issued, or None."""
    events = list(events)
    for event in events:
        event.slip = SLIP_OF_ACTION.get(event.action)
    return events


def event_of(dossier: Dossier, number: str) -> DossierEvent | None:
    """The latest event that issued slip ``number`` for the dossier."""
    template = SLIPS.get(number)
    if template is None:
        return None
    return (
        dossier.events.filter(action__in=template.actions)
        .select_related("actor", "agency")
        .order_by("-at", "-id")
        .first()
    )


def render_notice(dossier: Dossier, event: DossierEvent, *, invariant: bool = False) -> bytes:
    template = SLIPS[SLIP_OF_ACTION[event.action]]
    agency = event.agency or dossier.receiving_agency
    body = [
        Field(_("Mã hồ sơ"), dossier.code),
        Field(_("Thủ tục"), f"{dossier.procedure.name} ({dossier.procedure.code})"),
        Field(_("Người nộp"), dossier.applicant_name),
        Field(_("Ngày nộp"), format_datetime_vi(dossier.submitted_at)),
    ]
    body += _specific(dossier, event)
    body.append(Text(str(template.closing)))
    officer = event.actor.get_full_name() if event.actor_id else ""
    slip = _slip(
        template, dossier, agency, event.at, body,
        signatures=(Signature(title=_("Người lập phiếu"), name=officer),),
    )  # fmt: skip
    return render(slip, invariant=invariant)


def _slip(template: SlipTemplate, dossier: Dossier, agency, at, body, **extra) -> Slip:
    """The frame every slip shares: the agency, number, title, place and date, the QR code to
    the public lookup, and the template's number and version in the footer."""
    return Slip(
        agency=agency.name if agency else _("Cơ quan giải quyết"),
        parent_agency=agency.parent.name if agency and agency.parent_id else "",
        number=f"{template.number}/{dossier.code}",
        title=str(template.title),
        place=dossier.province.short_name if dossier.province_id else "",
        date=timezone.localtime(at).date(),
        body=body,
        qr=QRCode(data=tracking_url(dossier), caption=_("Tra cứu hồ sơ")),
        footer=_("Mẫu số %(n)s, phiên bản %(v)s. In từ hệ thống một cửa điện tử motcua.")
        % {"n": template.number, "v": template.version},
        subject=f"{template.title} {dossier.code}",
        **extra,
    )


def _specific(dossier: Dossier, event: DossierEvent) -> list:
    action = event.action
    if action == "accept":
        documents = [
            (index, d.label or d.slot, d.file.original_name)
            for index, d in enumerate(attachments(dossier), start=1)
        ]
        blocks = [
            Field(_("Tiếp nhận lúc"), format_datetime_vi(event.at)),
            Field(_("Ngày hẹn trả kết quả"), format_datetime_vi(dossier.appointment_at)),
        ]
        if documents:
            blocks.append(
                Table(columns=(_("STT"), _("Giấy tờ"), _("Tệp")), rows=documents, widths=(1, 6, 4))
            )
        return blocks
    label = {
        "request_supplement": _("Nội dung cần bổ sung, hoàn thiện"),
        "request_fixes": _("Nội dung cần bổ sung, hoàn thiện"),
        "refuse": _("Lý do từ chối"),
        "stop": _("Lý do dừng giải quyết"),
        "apologise": _("Lý do chậm trả kết quả"),
    }[action]
    blocks = [Field(label, event.note or event.public_text)]
    if action == "apologise":
        blocks.append(
            Field(_("Ngày hẹn trả kết quả mới"), format_datetime_vi(dossier.appointment_at))
        )
    return blocks


def _party(user, agency) -> str:
    names = [n for n in ((user.get_full_name() or user.username) if user else "",
                         agency.name if agency else "") if n]  # fmt: skip
    return " / ".join(names) or "—"


def process_control_rows(dossier: Dossier) -> list[tuple[str, str, str, str]]:
    """One line per hand-over: the agency, "Giao: … — Nhận: …" with the time, how the step
    that received it ended (early, on time, late, or still open) and its due date."""
    steps = list(
        DossierStep.objects.filter(dossier=dossier)
        .select_related("agency", "handed_by", "officer")
        .order_by("started_at", "id")
    )
    rows = []
    previous = None
    for step in steps:
        giver = _party(step.handed_by, previous.agency if previous else step.agency)
        taker = _party(step.officer, step.agency)
        when = format_datetime_vi(step.started_at)
        handover = _("Giao: %(giver)s — Nhận: %(taker)s, lúc %(when)s") % {
            "giver": giver, "taker": taker, "when": when,
        }  # fmt: skip
        outcome = str(Timing(step.timing).label) if step.timing else _("Đang giải quyết")
        note = str(step.get_kind_display())
        if step.due_at:
            note += " · " + _("hạn %(day)s") % {"day": format_datetime_vi(step.due_at)}
        if step.finished_at:
            note += " · " + _("xong %(day)s") % {"day": format_datetime_vi(step.finished_at)}
        rows.append((step.agency.name if step.agency else "", handover, outcome, note))
        previous = step
    return rows


def render_process_control(dossier: Dossier, *, invariant: bool = False) -> bytes:
    """Slip 06: the dossier's passage through its process, one line per hand-over."""
    template = SLIPS[PROCESS_CONTROL]
    agency = dossier.receiving_agency
    body = [
        Field(_("Mã hồ sơ"), dossier.code),
        Field(_("Thủ tục"), f"{dossier.procedure.name} ({dossier.procedure.code})"),
        Field(_("Người nộp"), dossier.applicant_name),
        Field(_("Tiếp nhận lúc"), format_datetime_vi(dossier.received_at)),
        Field(_("Ngày hẹn trả kết quả"), format_datetime_vi(dossier.appointment_at)),
        Table(
            columns=(
                _("Tên cơ quan"),
                _("Thời gian giao, nhận hồ sơ"),
                _("Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)"),
                _("Ghi chú"),
            ),
            rows=process_control_rows(dossier),
            widths=(3, 5, 2.5, 3),
        ),
        Text(str(template.closing)),
    ]
    slip = _slip(template, dossier, agency, dossier.finished_at or timezone.now(), body)
    return render(slip, invariant=invariant)
