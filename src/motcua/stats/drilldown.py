"""The dossiers (or procedures) behind one figure: an indicator's numerator or denominator at
a node for a period, a page at a time, each row with a Vietnamese reason. Reads the facts of
the node's subtree and period (their index) joined to the dossier for its code and procedure
name; no personal data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from .models import DossierFact

PER_PAGE = 50
NUMERATOR, DENOMINATOR = "numerator", "denominator"
PARTS = (NUMERATOR, DENOMINATOR)


@dataclass(frozen=True)
class Row:
    code: str
    procedure: str
    received: date | None
    end: date | None
    due: date | None
    reason: str
    state: str = ""


@dataclass
class Drilldown:
    ident: str
    part: str
    title: str
    rows: list[Row]
    count: int
    page: int
    pages: int
    per_page: int = PER_PAGE
    judged_on: date | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _d(day: date | None, *, year: bool = True) -> str:
    if day is None:
        return ""
    return day.strftime("%d/%m/%Y" if year else "%d/%m")


def timeliness(fact, judged_on: date) -> str:
    """Why a dossier counts as it does for 2.1 (DOMAIN.md §8)."""
    if fact.supplement_count > 1:
        return _("Quá hạn: %(n)s lần yêu cầu bổ sung") % {"n": fact.supplement_count}
    if fact.state in ("early", "on_time"):
        if fact.due_day is None:
            return _("Đúng hạn: kết thúc %(end)s (không có hạn giải quyết)") % {
                "end": _d(fact.end_day)
            }
        return _("Đúng hạn: kết thúc %(end)s ≤ hạn %(due)s") % {
            "end": _d(fact.end_day), "due": _d(fact.due_day),
        }  # fmt: skip
    if fact.state == "late":
        return _("Quá hạn: ngày kết thúc %(end)s > ngày hẹn trả %(due)s") % {
            "end": _d(fact.end_day, year=False), "due": _d(fact.due_day, year=False),
        }  # fmt: skip
    if fact.due_day is None:
        return _("Đang giải quyết, còn hạn (không có hạn giải quyết)")
    if fact.due_day >= judged_on:
        return _("Đang giải quyết, còn hạn (hạn %(due)s)") % {"due": _d(fact.due_day, year=False)}
    return _("Đang giải quyết, đã quá hạn (hạn %(due)s)") % {"due": _d(fact.due_day, year=False)}


def _flag(name: str, yes: str, no: str):
    return Q(**{name: True}), lambda f, t: yes if getattr(f, name) else no


def _fee_dossiers() -> Q:
    return Q(fee_procedure=True, fee_nonzero=True)


def _in_time(judged_on: date) -> Q:
    return Q(state__in=("early", "on_time")) | (
        Q(state="open") & (Q(due_day__gte=judged_on) | Q(due_day__isnull=True))
    )


def _dossier_rules(judged_on: date) -> dict:
    """ident → (numerator filter, denominator filter, reason(fact, judged_on))."""
    every = Q()
    flags = {
        "1.4": ("synced", _("Đã đồng bộ lên Cổng Dịch vụ công quốc gia"),
                _("Chưa đồng bộ lên Cổng Dịch vụ công quốc gia")),
        "3.3": ("online", _("Nộp trực tuyến"), _("Nộp trực tiếp hoặc qua bưu chính")),
        "4.2": ("digitised", _("Đã số hóa thành phần hồ sơ và kết quả"), _("Chưa số hóa đầy đủ")),
        "4.3": ("reused", _("Có giấy tờ tái sử dụng dữ liệu đã số hóa"),
                _("Không tái sử dụng dữ liệu đã số hóa")),
        "4.4": ("store_linked", _("Có giấy tờ lấy từ kho dữ liệu hoặc kết quả đưa vào kho"),
                _("Không kết nối kho dữ liệu cá nhân, tổ chức")),
        "4.5b": ("population_data", _("Xác thực VNeID, dùng dữ liệu dân cư"),
                 _("Không dùng dữ liệu dân cư")),
        "online": ("online", _("Nộp trực tuyến"), _("Nộp trực tiếp hoặc qua bưu chính")),
        "fully_online": ("fully_online", _("Trực tuyến toàn trình"),
                         _("Không phải trực tuyến toàn trình")),
    }  # fmt: skip
    rules = {}
    for ident, (name, yes, no) in flags.items():
        numerator, reason = _flag(name, yes, no)
        rules[ident] = (numerator, every, reason)
    rules["fully_online_eligible"] = (
        Q(fully_online=True), Q(eligible_full_online=True), rules["fully_online"][2],
    )  # fmt: skip
    rules["2.1"] = (_in_time(judged_on), every, timeliness)
    rules["received"] = (every, every, timeliness)
    rules["2.2"] = (
        Q(finished=True),
        Q(finished=True),
        lambda f, t: _("%(days)s ngày làm việc (kết thúc %(end)s)") % {
            "days": round(f.elapsed_seconds / 28800, 2), "end": _d(f.end_day),
        },
    )  # fmt: skip
    rules["3.6"] = (
        Q(paid_online=True) & _fee_dossiers(),
        _fee_dossiers(),
        lambda f, t: (
            _("Đã thanh toán trực tuyến") if f.paid_online else _("Chưa thanh toán trực tuyến")
        ),
    )
    rules["4.1"] = (
        Q(result_file=True),
        Q(result_required=True),
        lambda f, t: _("Có tệp kết quả điện tử") if f.result_file else _("Chưa có kết quả điện tử"),
    )  # fmt: skip

    def unsatisfying(fact, t):
        reasons = []
        if fact.state == "late":
            reasons.append(timeliness(fact, t))
        if fact.not_satisfied:
            reasons.append(_("Bị đánh giá không hài lòng"))
        if fact.has_feedback:
            reasons.append(_("Có phản ánh, kiến nghị"))
        return "; ".join(reasons) or _("Không quá hạn, không bị đánh giá không hài lòng")

    rules["5.4"] = (Q(unsatisfying=False), every, unsatisfying)
    rules["late"] = (Q(state="late"), every, timeliness)
    rules["open"] = (Q(state="open"), every, timeliness)
    rules["overdue"] = (Q(state="open", due_day__lt=judged_on), every, timeliness)
    return rules


def _judged(period, at) -> date:
    if isinstance(at, datetime):
        return min(period.end, timezone.localdate(at))
    if isinstance(at, date):
        return at
    return period.judged_at()


def _page(count: int, page: int, per_page: int = PER_PAGE) -> tuple[int, int]:
    pages = max(1, -(-count // per_page))
    return min(max(1, int(page)), pages), pages


def _dossier_facts(node, period, ident: str, part: str, judged_on: date, procedure):
    """The facts behind a dossier indicator's part, in list order, and the reason function."""
    rules = _dossier_rules(judged_on)
    if ident not in rules:
        raise ValueError(f"no drill-down for {ident!r}")
    numerator, denominator, reason = rules[ident]
    condition = numerator & denominator if part == NUMERATOR else denominator
    path = node.path if node is not None else ""
    facts = DossierFact.objects.filter(
        agency_path__startswith=path, period_day__gte=period.start, period_day__lte=period.end
    ).filter(condition)
    if procedure is not None:
        facts = facts.filter(procedure_id=procedure if isinstance(procedure, int) else procedure.pk)
    return facts, reason


def _ordered(facts):
    return (
        facts.select_related("dossier__procedure")
        .only(
            "dossier__code", "dossier__procedure__name", "dossier__procedure__code",
            *[f.name for f in DossierFact._meta.concrete_fields if f.name != "dossier"],
        )
        .order_by("period_day", "dossier_id")
    )  # fmt: skip


def _row(fact, reason, judged_on: date) -> Row:
    return Row(
        code=fact.dossier.code or "",
        procedure=fact.dossier.procedure.name,
        received=fact.period_day,
        end=fact.end_day,
        due=fact.due_day,
        reason=reason(fact, judged_on),
        state=fact.state,
    )


def _checked(part: str) -> None:
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}")


def drilldown(node, period, ident: str, part: str, *, page: int = 1, at=None,
              procedure=None) -> Drilldown:  # fmt: skip
    """The rows behind ``ident``'s ``part`` ("numerator" or "denominator"). Raises
    ValueError for an unknown indicator or part."""
    _checked(part)
    judged_on = _judged(period, at)
    path = node.path if node is not None else ""
    title = _("Tử số") if part == NUMERATOR else _("Mẫu số")
    if ident in ("5.1", "5.2", "5.3"):
        return _feedback_rows(path, period, ident, part, page, judged_on, title)
    if ident in _PROCEDURE_SETS:
        return _procedure_rows(node, period, ident, part, page, judged_on, title, procedure)
    facts, reason = _dossier_facts(node, period, ident, part, judged_on, procedure)
    count = facts.count()
    page, pages = _page(count, page)
    chosen = _ordered(facts)[(page - 1) * PER_PAGE : page * PER_PAGE]
    rows = [_row(fact, reason, judged_on) for fact in chosen]
    return Drilldown(ident, part, title, rows, count, page, pages, judged_on=judged_on)


def every_row(node, period, ident: str, part: str, *, limit: int, at=None,
              procedure=None) -> Iterator[Row]:  # fmt: skip
    """The first ``limit`` rows behind a figure, in the order of its pages, read in chunks in
    one pass (for a download: no count, no page after page)."""
    _checked(part)
    if limit <= 0:
        return
    judged_on = _judged(period, at)
    title = _("Tử số") if part == NUMERATOR else _("Mẫu số")
    if ident in ("5.1", "5.2", "5.3"):  # lists built in memory: one page of ``limit`` rows
        path = node.path if node is not None else ""
        yield from _feedback_rows(path, period, ident, part, 1, judged_on, title, limit).rows
        return
    if ident in _PROCEDURE_SETS:
        yield from _procedure_rows(
            node, period, ident, part, 1, judged_on, title, procedure, limit
        ).rows
        return
    facts, reason = _dossier_facts(node, period, ident, part, judged_on, procedure)
    for fact in _ordered(facts)[:limit].iterator(chunk_size=2000):
        yield _row(fact, reason, judged_on)


def _feedback_rows(path, period, ident, part, page, judged_on, title,
                   per_page: int = PER_PAGE) -> Drilldown:  # fmt: skip
    try:
        from motcua.feedback.stats import feedback_items
    except ImportError:
        return Drilldown(ident, part, title, [], 0, 1, 1, judged_on=judged_on,
                         note=_("Chưa có dữ liệu phản ánh, kiến nghị."))  # fmt: skip
    moment = timezone.now()
    items = list(feedback_items(path, period.start, period.end, moment, part))
    count = len(items)
    page, pages = _page(count, page, per_page)
    rows = []
    for item in items[(page - 1) * per_page : page * per_page]:
        get = item.get if isinstance(item, dict) else lambda k, i=item: getattr(i, k, None)
        rows.append(
            Row(
                code=str(get("code") or ""),
                procedure=str(get("procedure") or get("title") or ""),
                received=get("received") or get("received_on"),
                end=get("end") or get("handled_on"),
                due=get("due") or get("due_on"),
                reason=str(get("reason") or ""),
            )
        )
    return Drilldown(ident, part, title, rows, count, page, pages, per_page, judged_on=judged_on)


#: Procedure-level indicators: (numerator set, denominator set, reason when in / not in).
_PROCEDURE_SETS = {
    "1.3": ("complete", "public", N_("Công khai đủ 7 bộ phận"), N_("Chưa công khai đủ 7 bộ phận")),
    "3.1": ("online_offered", "authority", N_("Có dịch vụ công trực tuyến"),
            N_("Chưa có dịch vụ công trực tuyến")),
    "3.2": ("with_online_dossier", "online_offered", N_("Có hồ sơ trực tuyến trong kỳ"),
            N_("Chưa có hồ sơ trực tuyến trong kỳ")),
    "3.5": ("fee_integrated", "fee_nonzero", N_("Đã tích hợp thanh toán trực tuyến"),
            N_("Chưa tích hợp thanh toán trực tuyến")),
    "3.5b": ("with_online_payment", "fee", N_("Có giao dịch thanh toán trực tuyến trong kỳ"),
             N_("Chưa có giao dịch thanh toán trực tuyến trong kỳ")),
    "4.5a": ("with_population_data", "for_citizens", N_("Có hồ sơ dùng dữ liệu dân cư"),
             N_("Chưa có hồ sơ dùng dữ liệu dân cư")),
}  # fmt: skip


def _procedure_rows(node, period, ident, part, page, judged_on, title, procedure,
                    per_page: int = PER_PAGE) -> Drilldown:  # fmt: skip
    from motcua.catalog.models import Procedure

    from . import catalogue
    from .queries import procedures_with

    path = node.path if node is not None else ""
    used = procedures_with([path], period)[path]
    procedure_id = 0 if procedure is None else getattr(procedure, "pk", procedure)
    sets = catalogue.sets_for(node, used, procedure_id=procedure_id)
    top_name, bottom_name, yes, no = _PROCEDURE_SETS[ident]
    bottom = sets[bottom_name]
    chosen = bottom & sets[top_name] if part == NUMERATOR else bottom
    ids = sorted(chosen)
    count = len(ids)
    page, pages = _page(count, page, per_page)
    found = Procedure.objects.filter(pk__in=ids).order_by("sort_key")
    rows = [
        Row(
            code=p.code,
            procedure=p.name,
            received=None,
            end=None,
            due=None,
            reason=_(yes) if p.pk in sets[top_name] else _(no),
        )
        for p in found[(page - 1) * per_page : page * per_page]
    ]
    return Drilldown(ident, part, title, rows, count, page, pages, per_page, judged_on=judged_on)
