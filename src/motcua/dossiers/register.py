"""The dossier register (sổ theo dõi hồ sơ): slip 07 of TT 03/2025, Mẫu 06 of TT 01/2018.

One line per dossier an agency received (accepted) in a period, in the order of reception,
with the columns of the legal form. Whoever receives dossiers (``dossier.receive``) or oversees
them (``stats.view``) keeps the register of the agencies that permission reaches; the reach is
read first from the agency table and the dossiers filtered on its ids, in the query.

Personal data: the name, and the address and phone the applicant typed in the e-form, read as
two keys of the answers (the rest of the form is not loaded). The hashed numbers are never
shown. The CSV is written in batches walked by reception time (keyset), so a year of a busy
desk is never held in memory; the PDF stops at ``PDF_ROW_CAP`` lines.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.access import scope_of
from motcua.accounts.models import Permission
from motcua.core.pdf import Field, Slip, Table, format_date_vi, render_slip
from motcua.units.models import Agency, Commune, Province

from .models import Dossier, DossierEvent, Status, Timing

#: Who keeps the register: the desk, and those who oversee it.
PERMISSIONS = (Permission.DOSSIER_RECEIVE, Permission.STATS_VIEW)
#: Lines in one PDF: beyond this the register is printed period by period (or read as CSV).
PDF_ROW_CAP = 1000
#: Dossiers read at a time for the CSV.
BATCH_SIZE = 500
#: The template's number and version, printed in the footer.
NUMBER, VERSION = "07", 1

COLUMNS = (
    "id", "code", "procedure", "applicant_name", "resolving_agency", "received_at",
    "appointment_at", "finished_at", "returned_at", "status", "timing_legal",
    "timing_committed", "apologised_at", "supplement_count",
)  # fmt: skip


def may_keep(user) -> bool:
    """Whether the user keeps a register anywhere (the page and the menu entry)."""
    scope = scope_of(user)
    return any(scope.has(permission) for permission in PERMISSIONS)


def _reach_condition(user) -> Q | None:
    conditions = [scope_of(user).q(permission) for permission in PERMISSIONS]
    conditions = [c for c in conditions if c is not None]
    if not conditions:
        return None
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    return condition


def agencies_in_reach(user) -> QuerySet[Agency]:
    """The active agencies whose register the user may read, in tree order."""
    condition = _reach_condition(user)
    if condition is None:
        return Agency.objects.none()
    return Agency.objects.active().filter(condition).order_by("path")


def _reached_ids(user) -> list[int] | None:
    """Ids of the agencies reached; None when every agency is (a system administrator)."""
    condition = _reach_condition(user)
    if condition is None:
        return []
    if condition == Q():
        return None
    return list(Agency.objects.filter(condition).values_list("pk", flat=True))


@dataclass(frozen=True)
class Period:
    """Whole days, both included, in Vietnam time."""

    start: date
    end: date

    @classmethod
    def this_month(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today.replace(day=1), today)

    def bounds(self) -> tuple[datetime, datetime]:
        """[begin, stop): midnight of the first day to midnight after the last."""
        begin = timezone.make_aware(datetime.combine(self.start, time.min))
        stop = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))
        return begin, stop

    @property
    def words(self) -> str:
        return _("Từ ngày %(start)s đến ngày %(end)s") % {
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
        }


def dossiers(user, period: Period, agency: Agency | None = None) -> QuerySet[Dossier]:
    """The dossiers received in the period by ``agency`` (or by any agency within reach),
    in the order of reception. The caller checks ``agency`` is within reach; it is checked
    again here."""
    reached = _reached_ids(user)
    begin, stop = period.bounds()
    found = Dossier.objects.filed().filter(received_at__gte=begin, received_at__lt=stop)
    if agency is not None:
        if reached is not None and agency.pk not in reached:
            return Dossier.objects.none()
        found = found.filter(receiving_agency=agency)
    elif reached is not None:
        found = found.filter(receiving_agency_id__in=reached)
    return (
        found.only(*COLUMNS)
        .annotate(
            address=F("data__applicant_address"),
            phone=KT("data__applicant_phone"),
        )
        .order_by("received_at", "id")
    )


def batches(queryset: QuerySet[Dossier], size: int | None = None) -> Iterator[list[Dossier]]:
    """The queryset (ordered by reception time and id) ``size`` rows at a time, each batch
    picked up after the last row of the one before."""
    size = size or BATCH_SIZE
    after: tuple[datetime, int] | None = None
    while True:
        page = queryset
        if after is not None:
            moment, pk = after
            page = page.filter(Q(received_at__gt=moment) | Q(received_at=moment, id__gt=pk))
        batch = list(page[:size])
        if batch:
            yield batch
        if len(batch) < size:
            return
        after = (batch[-1].received_at, batch[-1].pk)


# --- One line of the register ---------------------------------------------------------------


def headings() -> list[str]:
    return [
        _("STT"),
        _("Mã hồ sơ"),
        _("Tên thủ tục hành chính"),
        _("Tên cá nhân, tổ chức"),
        _("Địa chỉ, số điện thoại"),
        _("Cơ quan chủ trì giải quyết"),
        _("Nhận hồ sơ (ngày, giờ)"),
        _("Hẹn trả kết quả"),
        _("Chuyển hồ sơ đến cơ quan giải quyết"),
        _("Trả kết quả (ngày; trước, đúng, quá hạn)"),
        _("Ghi chú"),
    ]


@dataclass(frozen=True)
class Line:
    number: int
    code: str
    procedure: str
    applicant: str
    contact: str
    resolving_agency: str
    received: str
    appointment: str
    handed_off: str
    returned: str
    note: str

    def cells(self) -> list[str]:
        return [
            str(self.number), self.code, self.procedure, self.applicant, self.contact,
            self.resolving_agency, self.received, self.appointment, self.handed_off,
            self.returned, self.note,
        ]  # fmt: skip


class UnitNames:
    """Province and commune names by code, read as the addresses need them (kept across the
    batches of one export: there are a few thousand at most)."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def learn(self, addresses: Iterable[object]) -> None:
        codes = {
            str(value.get(part))
            for value in addresses
            if isinstance(value, dict)
            for part in ("province", "commune")
            if value.get(part)
        } - set(self.names)
        if not codes:
            return
        self.names.update(Commune.objects.filter(code__in=codes).values_list("code", "name"))
        self.names.update(Province.objects.filter(code__in=codes).values_list("code", "name"))
        for code in codes:
            self.names.setdefault(code, "")

    def address(self, value: object) -> str:
        if not isinstance(value, dict):
            return ""
        parts = [str(value.get("detail") or "").strip()]
        parts += [
            self.names.get(str(value.get(part) or ""), "") for part in ("commune", "province")
        ]
        return ", ".join(part for part in parts if part)


def _moment(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _hand_offs(ids: list[int]) -> dict[int, list[str]]:
    """Each dossier's hand-offs to another agency: "dd/mm/yyyy: what the timeline says" (the
    event's public text names the agency it went to; its ``agency`` is the one sending it)."""
    found: dict[int, list[str]] = {}
    events = (
        DossierEvent.objects.filter(dossier_id__in=ids, action="hand_off")
        .order_by("at", "id")
        .values_list("dossier_id", "at", "public_text")
    )
    for dossier_id, at, text in events:
        found.setdefault(dossier_id, []).append(f"{format_date_vi(at)}: {text}")
    return found


def _returned(dossier: Dossier) -> str:
    """The day the result was returned (or made ready) and how it compares with the
    appointment (the legal deadline when no appointment was classified)."""
    if dossier.status not in (Status.DONE, Status.RETURNED):
        return ""
    day = format_date_vi(dossier.returned_at or dossier.finished_at)
    timing = dossier.timing_committed or dossier.timing_legal
    label = str(Timing(timing).label) if timing in Timing.values else ""
    return " — ".join(part for part in (day, label) if part)


def _note(dossier: Dossier) -> str:
    notes = [str(Status(dossier.status).label)]
    if dossier.supplement_count:
        notes.append(_("bổ sung %(n)s lần") % {"n": dossier.supplement_count})
    if dossier.apologised_at:
        notes.append(_("đã xin lỗi, hẹn lại ngày trả"))
    return "; ".join(notes)


def lines(batch: list[Dossier], first: int, names: UnitNames | None = None) -> list[Line]:
    """The register lines of a batch of ``dossiers()`` rows, numbered from ``first``."""
    from motcua.catalog.selectors import procedure_facts
    from motcua.units import selectors as units

    names = names or UnitNames()
    names.learn(d.address for d in batch)
    hand_offs = _hand_offs([d.pk for d in batch])
    result = []
    for number, d in enumerate(batch, start=first):
        contact = [names.address(d.address), (d.phone or "").strip()]
        resolving = units.agency(d.resolving_agency_id).name if d.resolving_agency_id else ""
        result.append(
            Line(
                number=number,
                code=d.code or "",
                procedure=procedure_facts(d.procedure_id).name,
                applicant=d.applicant_name,
                contact="; ".join(part for part in contact if part),
                resolving_agency=resolving,
                received=_moment(d.received_at),
                appointment=_moment(d.appointment_at),
                handed_off="; ".join(hand_offs.get(d.pk, ())),
                returned=_returned(d),
                note=_note(d),
            )
        )
    return result


def all_lines(queryset: QuerySet[Dossier]) -> Iterator[Line]:
    names, number = UnitNames(), 1
    for batch in batches(queryset):
        yield from lines(batch, number, names)
        number += len(batch)


# --- Exports --------------------------------------------------------------------------------


def _safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (a name typed as "=..." stays text)."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(queryset: QuerySet[Dossier]) -> Iterator[bytes]:
    """The register as UTF-8 CSV with a byte order mark (so a spreadsheet reads the
    diacritics), a heading line first; one chunk per batch of dossiers."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" + writer.writerow(headings())).encode()
    names, number = UnitNames(), 1
    for batch in batches(queryset):
        rows = lines(batch, number, names)
        number += len(batch)
        yield "".join(writer.writerow([_safe(c) for c in line.cells()]) for line in rows).encode()


def render_pdf(
    entries: list[Line],
    *,
    period: Period,
    agency: Agency | None,
    issuer: Agency | None,
    scope_label: str,
    invariant: bool = False,
) -> bytes:
    """The register on A4 landscape: the agency and the period in the header."""
    heading = agency or issuer
    parent = heading.parent.name if heading is not None and heading.parent_id else ""
    province = heading.province.short_name if heading is not None and heading.province_id else ""
    slip = Slip(
        agency=heading.name if heading is not None else _("Hệ thống một cửa điện tử"),
        parent_agency=parent,
        title=_("Sổ theo dõi hồ sơ"),
        subtitle=period.words,
        place=province,
        date=timezone.localdate(),
        body=[
            Field(_("Nơi tiếp nhận"), scope_label),
            Field(_("Số hồ sơ đã tiếp nhận"), str(len(entries))),
            Table(
                columns=headings(),
                rows=[line.cells() for line in entries]
                or [["", _("Không có hồ sơ nào được tiếp nhận trong khoảng này."), *[""] * 9]],
                widths=(4, 18, 14, 9, 11, 9, 8, 8, 9, 8, 6.5),
                align=("center",),
            ),
        ],
        footer=_("Mẫu số %(n)s, phiên bản %(v)s. In từ hệ thống một cửa điện tử motcua.")
        % {"n": NUMBER, "v": VERSION},
        page_size="A4-landscape",
        subject=f"{_('Sổ theo dõi hồ sơ')} {period.words}",
    )
    return render_slip(slip, invariant=invariant)
