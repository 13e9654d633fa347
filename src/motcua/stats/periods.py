"""Reporting periods: a month, a quarter, a year or a range of days, read from GET parameters
(``ky`` = thang | quy | nam | khoang, ``nam``, ``thang``, ``quy``, ``tu``, ``den`` as
dd/mm/yyyy) and split into the rollup rows that cover them (whole months, and days at the
edges)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

MONTH, QUARTER, YEAR, RANGE = "month", "quarter", "year", "range"
KINDS = {"thang": MONTH, "quy": QUARTER, "nam": YEAR, "khoang": RANGE}
PARAMS = {v: k for k, v in KINDS.items()}
#: The longest custom range (days).
MAX_RANGE_DAYS = 366 * 3
FIRST_YEAR = 2000


class PeriodError(ValueError):
    """The parameters do not name a period; ``problems`` maps each parameter to its message
    (every problem at once)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    # --- Construction ------------------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(MONTH, date(year, month, 1), _month_end(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(QUARTER, date(year, first, 1), _month_end(year, first + 2))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(YEAR, date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def range(cls, start: date, end: date) -> Period:
        if end < start:
            raise PeriodError({"den": _("Ngày kết thúc phải sau ngày bắt đầu.")})
        return cls(RANGE, start, end)

    @classmethod
    def current_month(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls.month(today.year, today.month)

    @classmethod
    def parse(cls, params, *, today: date | None = None) -> Period:
        """The period the GET parameters name (this month when ``ky`` is absent); raises
        :class:`PeriodError` with every problem found."""
        today = today or timezone.localdate()
        problems: dict[str, str] = {}
        kind = KINDS.get(str(params.get("ky") or "thang").strip())
        if kind is None:
            problems["ky"] = _("Chọn kỳ báo cáo: tháng, quý, năm hoặc khoảng thời gian.")
            raise PeriodError(problems)
        if kind == RANGE:
            start = _date(params.get("tu"), "tu", _("Từ ngày"), problems)
            end = _date(params.get("den"), "den", _("Đến ngày"), problems)
            if start and end:
                if end < start:
                    problems["den"] = _("Ngày kết thúc phải từ ngày bắt đầu trở đi.")
                elif (end - start).days > MAX_RANGE_DAYS:
                    problems["den"] = _("Khoảng thời gian dài nhất là 3 năm.")
            if problems:
                raise PeriodError(problems)
            return cls(RANGE, start, end)
        year = _int(params.get("nam"), today.year, FIRST_YEAR, today.year + 1, "nam", problems,
                    _("Năm phải từ %(low)s đến %(high)s."))  # fmt: skip
        number = None
        if kind == MONTH:
            number = _int(params.get("thang"), today.month, 1, 12, "thang", problems,
                          _("Tháng phải từ %(low)s đến %(high)s."))  # fmt: skip
        elif kind == QUARTER:
            number = _int(params.get("quy"), (today.month - 1) // 3 + 1, 1, 4, "quy", problems,
                          _("Quý phải từ %(low)s đến %(high)s."))  # fmt: skip
        if problems:
            raise PeriodError(problems)
        if kind == MONTH:
            return cls.month(year, number)
        if kind == QUARTER:
            return cls.quarter(year, number)
        return cls.year(year)

    # --- Reading -----------------------------------------------------------------------------

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return _("Tháng %(month)s/%(year)s") % {"month": self.start.month,
                                                    "year": self.start.year}  # fmt: skip
        if self.kind == QUARTER:
            return _("Quý %(quarter)s/%(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year,
            }  # fmt: skip
        if self.kind == YEAR:
            return _("Năm %(year)s") % {"year": self.start.year}
        return _("Từ %(start)s đến %(end)s") % {
            "start": self.start.strftime("%d/%m/%Y"), "end": self.end.strftime("%d/%m/%Y"),
        }  # fmt: skip

    def __str__(self) -> str:
        return self.label

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def params(self) -> dict[str, str]:
        """The GET parameters that name this period (for links)."""
        found = {"ky": PARAMS[self.kind]}
        if self.kind == RANGE:
            found.update(tu=self.start.strftime("%d/%m/%Y"), den=self.end.strftime("%d/%m/%Y"))
            return found
        found["nam"] = str(self.start.year)
        if self.kind == MONTH:
            found["thang"] = str(self.start.month)
        elif self.kind == QUARTER:
            found["quy"] = str((self.start.month - 1) // 3 + 1)
        return found

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def judged_at(self, now: datetime | None = None) -> date:
        """The day open dossiers are judged on: the period's last day once it is over, else
        today (DOMAIN.md §8)."""
        today = timezone.localdate(now) if now is not None else timezone.localdate()
        return min(self.end, today)

    def segments(self) -> tuple[list[date], list[tuple[date, date]]]:
        """(month starts of the whole months, day ranges at the edges) covering the period."""
        months: list[date] = []
        days: list[tuple[date, date]] = []
        cursor = self.start
        while cursor <= self.end:
            month_end = _month_end(cursor.year, cursor.month)
            if cursor.day == 1 and month_end <= self.end:
                months.append(cursor)
            else:
                days.append((cursor, min(month_end, self.end)))
            cursor = month_end + timedelta(days=1)
        return months, days

    def previous(self) -> Period:
        if self.kind == MONTH:
            before = self.start - timedelta(days=1)
            return Period.month(before.year, before.month)
        if self.kind == QUARTER:
            before = self.start - timedelta(days=1)
            return Period.quarter(before.year, (before.month - 1) // 3 + 1)
        if self.kind == YEAR:
            return Period.year(self.start.year - 1)
        length = timedelta(days=self.days)
        return Period(RANGE, self.start - length, self.end - length)

    def last_year(self) -> Period:
        """The calendar year before the period's start."""
        return Period.year(self.start.year - 1)

    def months(self) -> list[Period]:
        """Each month the period touches, in order (for trends)."""
        found, cursor = [], self.start.replace(day=1)
        while cursor <= self.end:
            found.append(Period.month(cursor.year, cursor.month))
            cursor = _month_end(cursor.year, cursor.month) + timedelta(days=1)
        return found


def _date(value, key: str, label: str, problems: dict[str, str]) -> date | None:
    text = str(value or "").strip()
    if not text:
        problems[key] = _("Nhập %(label)s theo dạng ngày/tháng/năm, ví dụ 01/03/2026.") % {
            "label": label.lower()
        }
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        problems[key] = _("%(label)s không đúng dạng ngày/tháng/năm (ví dụ 01/03/2026).") % {
            "label": label
        }
        return None


def _int(value, default: int, low: int, high: int, key: str, problems, message) -> int:
    text = str(value if value is not None else "").strip()
    if not text:
        return default
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        problems[key] = message % {"low": low, "high": high}
        return default
    return number
