"""Working days and office hours: appointment dates, deadlines and on-time measurements.

The rules (docs/architecture.md, "Working days"): a working day is Monday to Friday except the
public holidays, plus the Saturdays and Sundays the government makes working days in a day
swap. It has office sessions, 07:00–11:30 and 13:30–17:00 unless configured otherwise
(``MOTCUA_OFFICE_SESSIONS``, or per call for an agency with its own hours), and one working
day is the length of its sessions (8 hours by default). The clock of a dossier starts at the
first working moment at or after its receipt. A processing time, kept in its catalogue unit
(``motcua.catalog.models.TimeUnit``), becomes a due moment through :meth:`WorkingCalendar.due`.

The arithmetic is pure Python: a :class:`WorkingCalendar` gets its holidays and make-up days as
sets when it is built (from plain sets in tests). :meth:`WorkingCalendar.current` builds one
from the ``CalendarDay`` table and keeps it for the process, reloading when the table has
changed (checked at most every :data:`RECHECK_SECONDS`); :meth:`WorkingCalendar.invalidate`
forgets it at once.

Moments are aware datetimes in any zone; results are aware, in Asia/Ho_Chi_Minh, the zone of
office hours. Vietnam has kept UTC+7 all year since 1975, so wall-clock arithmetic is exact.
"""

from __future__ import annotations

import csv
import re
import threading
import time as clock
from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from math import floor, inf
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from motcua.core.logging import get_logger
from motcua.core.text import nfc

logger = get_logger(__name__)

#: The zone of office hours; every result is in it.
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: Office sessions when ``MOTCUA_OFFICE_SESSIONS`` is not set (DOMAIN.md §4).
DEFAULT_SESSIONS = ("07:00-11:30", "13:30-17:00")
#: The bundled calendar, relative to ``settings.DATA_DIR`` (see its ``SOURCE.md``).
CALENDAR_FILE = Path("holidays") / "vn_public_holidays_2020_2030.csv"
#: How long :meth:`WorkingCalendar.current` trusts its copy before asking whether the table
#: changed: one cheap query a minute per process, and an administrator's change is seen
#: everywhere within a minute (at once in the process that made it).
RECHECK_SECONDS = 60

#: The catalogue's time units (``motcua.catalog.models.TimeUnit``; not imported, core comes first).
WORKING_DAY = "working_day"
DAY = "day"
HOUR = "hour"
MONTH = "month"

#: Kinds of the bundled file → ``CalendarDay.Kind`` values.
_FILE_KINDS = {"holiday": "holiday", "weekend_workday": "workday"}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_MICROSECOND = timedelta(microseconds=1)

Number = int | float | Decimal | Fraction


# --------------------------------------------------------------------------- office hours


@dataclass(frozen=True)
class OfficeHours:
    """The sessions of a working day, in order and apart (the same on every working day)."""

    sessions: tuple[tuple[time, time], ...]
    #: Total length of the sessions: what "1 working day" means.
    day_length: timedelta = field(init=False, compare=False)

    def __post_init__(self) -> None:
        if not self.sessions:
            raise ValueError("office hours need at least one session")
        previous_end = None
        for start, end in self.sessions:
            if not start < end:
                raise ValueError(f"a session must end after it starts: {start}-{end}")
            if previous_end is not None and start < previous_end:
                raise ValueError(f"sessions must be in order and not overlap: {start}")
            previous_end = end
        total = sum(
            (_on(date.min, end) - _on(date.min, start) for start, end in self.sessions), timedelta()
        )
        object.__setattr__(self, "day_length", total)

    @property
    def opening(self) -> time:
        return self.sessions[0][0]

    @classmethod
    def parse(cls, value: SessionsLike) -> OfficeHours:
        """Office hours from ``"07:00-11:30,13:30-17:00"``, a list of such strings, or pairs of
        ``time`` / ``"HH:MM"`` values (the forms a setting or an agency record may take)."""
        if isinstance(value, OfficeHours):
            return value
        items = value.split(",") if isinstance(value, str) else list(value)
        return cls(tuple(_parse_session(item) for item in items if item))

    def __str__(self) -> str:
        return ",".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in self.sessions)


SessionsLike = OfficeHours | str | Sequence[str] | Sequence[tuple[time | str, time | str]]


def _parse_session(item: str | Sequence[time | str]) -> tuple[time, time]:
    if isinstance(item, str):
        parts = item.split("-")
        if len(parts) != 2:
            raise ValueError(f"a session is written HH:MM-HH:MM, got {item!r}")
        item = parts
    start, end = item
    return _parse_time(start), _parse_time(end)


def _parse_time(value: time | str) -> time:
    if isinstance(value, time):
        return value
    match = _HHMM.match(value)
    if not match:
        raise ValueError(f"a time is written HH:MM, got {value!r}")
    return time(int(match[1]), int(match[2]))


@lru_cache(maxsize=8)
def _parse_cached(key: tuple[str, ...] | str) -> OfficeHours:
    return OfficeHours.parse(key)


def configured_hours() -> OfficeHours:
    """Office hours from ``settings.MOTCUA_OFFICE_SESSIONS`` (read at each call, parsed once)."""
    from django.conf import settings

    value = getattr(settings, "MOTCUA_OFFICE_SESSIONS", None) if settings.configured else None
    if value is None:
        value = DEFAULT_SESSIONS
    if isinstance(value, OfficeHours):
        return value
    key = value if isinstance(value, str) else tuple(_session_key(item) for item in value)
    return _parse_cached(key)


def _session_key(item: str | Sequence[time | str]) -> str:
    if isinstance(item, str):
        return item
    start, end = (_parse_time(part) for part in item)
    return f"{start:%H:%M}-{end:%H:%M}"


# --------------------------------------------------------------------------- helpers


def _on(day: date, at: time) -> datetime:
    """Naive local wall-clock moment (the arithmetic runs on those, results get the zone)."""
    return datetime.combine(day, at)


def _local(moment: datetime) -> datetime:
    """``moment`` as naive Vietnamese wall-clock time; a naive input is refused, as its zone
    would be a guess."""
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass an aware datetime")
    return moment.astimezone(TZ).replace(tzinfo=None)


def _aware(naive: datetime) -> datetime:
    return naive.replace(tzinfo=TZ)


def _amount(value: Number) -> Fraction:
    """An exact, non-negative amount (catalogue values are ``Decimal``; floats are taken as
    they are, so prefer ``Decimal`` or ``Fraction`` for values like 0.1)."""
    if value is None or isinstance(value, bool):
        raise TypeError(f"expected a number, got {value!r}")
    amount = Fraction(value)
    if amount < 0:
        raise ValueError(f"a time limit cannot be negative: {value}")
    return amount


def _scaled(unit: timedelta, amount: Fraction) -> timedelta:
    """``unit × amount``, rounded to the microsecond."""
    return timedelta(microseconds=round(amount * (unit // _MICROSECOND)))


# --------------------------------------------------------------------------- the calendar


class _Cache:
    """The per-process calendar of :meth:`WorkingCalendar.current` and what it was built from."""

    lock = threading.Lock()
    calendar: WorkingCalendar | None = None
    signature: tuple | None = None
    checked_at: float = -inf


class WorkingCalendar:
    """Which days are working days, and moments plus or minus working time.

    ``holidays`` are days off even on a weekday (Tết, 30/4, 1/5, 2/9, announced swaps);
    ``workdays`` are working days even on a weekend (the make-up Saturday of a swap; an
    administrator may also list a weekday to cancel a bundled holiday). ``sessions`` fixes the
    office hours; without it they come from the settings at each call. Every arithmetic method
    also takes ``sessions=`` for an agency with hours of its own.
    """

    def __init__(
        self,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        *,
        sessions: SessionsLike | None = None,
    ) -> None:
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"days both holiday and working day: {sorted(both)[:5]}")
        self._hours = OfficeHours.parse(sessions) if sessions is not None else None

    def __repr__(self) -> str:
        return (
            f"<WorkingCalendar {len(self.holidays)} holidays, {len(self.workdays)} workdays, "
            f"sessions {self.hours()}>"
        )

    # ----------------------------------------------------------------------- building

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[date, str]], **kwargs) -> WorkingCalendar:
        """From ``(date, kind)`` pairs, ``kind`` being ``"holiday"`` or ``"workday"``."""
        holidays, workdays = set(), set()
        for day, kind in rows:
            (holidays if kind == "holiday" else workdays).add(day)
        return cls(holidays, workdays, **kwargs)

    @classmethod
    def from_file(cls, path: Path | str | None = None, **kwargs) -> WorkingCalendar:
        """From the bundled CSV, without the database (tests, scripts)."""
        return cls.from_rows(((row.date, row.kind) for row in read_calendar_file(path)), **kwargs)

    @classmethod
    def from_database(cls, **kwargs) -> WorkingCalendar:
        """From the ``CalendarDay`` table, in one query."""
        from motcua.core.models import CalendarDay

        rows = list(CalendarDay.objects.values_list("date", "kind"))
        if not rows:
            logger.warning("calendar.empty", hint="run `motcua bootstrap` to import the calendar")
        return cls.from_rows(rows, **kwargs)

    @classmethod
    def current(cls) -> WorkingCalendar:
        """The calendar of the ``CalendarDay`` table, loaded once per process and reloaded when
        the table's row count or latest change differs (asked at most every
        :data:`RECHECK_SECONDS`)."""
        now = clock.monotonic()
        with _Cache.lock:
            calendar = _Cache.calendar
            if calendar is not None and now - _Cache.checked_at < RECHECK_SECONDS:
                return calendar
            signature = _table_signature()
            if calendar is None or signature != _Cache.signature:
                calendar = cls.from_database()
                _Cache.calendar, _Cache.signature = calendar, signature
                logger.info(
                    "calendar.loaded",
                    holidays=len(calendar.holidays),
                    workdays=len(calendar.workdays),
                )
            _Cache.checked_at = now
            return calendar

    @classmethod
    def invalidate(cls) -> None:
        """Forget the process's calendar: the next :meth:`current` reads the table again."""
        with _Cache.lock:
            _Cache.calendar, _Cache.signature, _Cache.checked_at = None, None, -inf

    def hours(self, sessions: SessionsLike | None = None) -> OfficeHours:
        """The office hours a call uses: its own, else the calendar's, else the settings'."""
        if sessions is not None:
            return OfficeHours.parse(sessions)
        return self._hours if self._hours is not None else configured_hours()

    # ----------------------------------------------------------------------- days

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday unless a holiday; Saturday or Sunday only when listed as worked."""
        if isinstance(day, datetime):
            day = _local(day).date()
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        if isinstance(day, datetime):
            day = _local(day).date()
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    # ----------------------------------------------------------------------- moments

    def start_of_clock(self, moment: datetime, *, sessions: SessionsLike | None = None) -> datetime:
        """When the clock starts for something received at ``moment``: then, if inside a
        session of a working day; at the next session's start if before it (07:00) or at lunch
        (13:30); at the next working morning if after closing or on a day off."""
        return _aware(self._clock_start(_local(moment), self.hours(sessions)))

    def add_working_time(
        self, moment: datetime, duration: timedelta, *, sessions: SessionsLike | None = None
    ) -> datetime:
        """``duration`` of working time after the clock start of ``moment``. A result exactly
        at a session's end stays there (a 1-day limit from 07:00 Monday is due Monday 17:00)."""
        if duration < timedelta():
            raise ValueError(f"working time cannot be negative: {duration}")
        return _aware(self._add(_local(moment), duration, self.hours(sessions)))

    def add_working_hours(
        self, moment: datetime, hours: Number, *, sessions: SessionsLike | None = None
    ) -> datetime:
        """``hours`` working hours after the clock start (the catalogue unit "giờ")."""
        return self.add_working_time(
            moment, _scaled(timedelta(hours=1), _amount(hours)), sessions=sessions
        )

    def add_working_days(
        self, moment: datetime, days: Number, *, sessions: SessionsLike | None = None
    ) -> datetime:
        """``days`` × the working-day length of working time after the clock start ("ngày làm
        việc"): received Monday 09:00, 3 working days are due Thursday 09:00; 0.5 is 4 hours."""
        hours = self.hours(sessions)
        return _aware(self._add(_local(moment), _scaled(hours.day_length, _amount(days)), hours))

    def add_calendar_days(
        self, moment: datetime, days: Number, *, sessions: SessionsLike | None = None
    ) -> datetime:
        """``days`` calendar days after the clock start ("ngày"); a result on a day off moves
        to the next working day at the same time. A fraction of a day counts as that fraction
        of a working day, added after the whole days."""
        hours = self.hours(sessions)
        amount = _amount(days)
        whole = floor(amount)
        started = self._clock_start(_local(moment), hours)
        result = self._on_working_day(started + timedelta(days=whole))
        if amount > whole:
            result = self._add(result, _scaled(hours.day_length, amount - whole), hours)
        return _aware(result)

    def add_months(
        self, moment: datetime, months: Number, *, sessions: SessionsLike | None = None
    ) -> datetime:
        """``months`` months after the clock start ("tháng"): the same day of the month (the
        month's last day when it is shorter: 31 January + 1 month = 28 or 29 February), moved
        to the next working day at the same time when it is a day off."""
        amount = _amount(months)
        if amount.denominator != 1:
            raise ValueError(f"a number of months must be whole, got {months}")
        started = self._clock_start(_local(moment), self.hours(sessions))
        year, month = divmod(started.month - 1 + int(amount), 12)
        year += started.year
        day = min(started.day, monthrange(year, month + 1)[1])
        return _aware(self._on_working_day(started.replace(year=year, month=month + 1, day=day)))

    def due(
        self,
        start: datetime,
        value: Number,
        unit: str,
        *,
        sessions: SessionsLike | None = None,
    ) -> datetime:
        """When a time limit of ``value`` ``unit`` (a catalogue ``TimeUnit``) runs out for
        something received at ``start``. "hour" is taken as working hours."""
        adders = {
            WORKING_DAY: self.add_working_days,
            DAY: self.add_calendar_days,
            HOUR: self.add_working_hours,
            MONTH: self.add_months,
        }
        adder = adders.get(str(unit))
        if adder is None:
            raise ValueError(f"unknown time unit {unit!r}; expected one of {sorted(adders)}")
        return adder(start, value, sessions=sessions)

    # ----------------------------------------------------------------------- measuring

    def working_time_between(
        self, start: datetime, end: datetime, *, sessions: SessionsLike | None = None
    ) -> timedelta:
        """Working time from ``start`` to ``end`` (negative when ``end`` comes first): what
        counts for on-time measurement and what a paused interval takes away."""
        a, b = _local(start), _local(end)
        if b < a:
            return -self.working_time_between(end, start, sessions=sessions)
        hours = self.hours(sessions)
        total = timedelta()
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                for opens, closes in hours.sessions:
                    overlap = min(_on(day, closes), b) - max(_on(day, opens), a)
                    if overlap > timedelta():
                        total += overlap
            day += timedelta(days=1)
        return total

    def working_hours_between(
        self, start: datetime, end: datetime, *, sessions: SessionsLike | None = None
    ) -> float:
        """:meth:`working_time_between` in hours."""
        return self.working_time_between(start, end, sessions=sessions) / timedelta(hours=1)

    def working_days_between(
        self, start: datetime, end: datetime, *, sessions: SessionsLike | None = None
    ) -> float:
        """:meth:`working_time_between` in working days (4 hours = 0.5 by default)."""
        hours = self.hours(sessions)
        return self.working_time_between(start, end, sessions=hours) / hours.day_length

    # ----------------------------------------------------------------------- on local time

    def _clock_start(self, moment: datetime, hours: OfficeHours) -> datetime:
        day, at = moment.date(), moment.time()
        if self.is_working_day(day):
            for opens, closes in hours.sessions:
                if at < opens:
                    return _on(day, opens)
                if at < closes:
                    return moment
        return _on(self.next_working_day(day), hours.opening)

    def _add(self, moment: datetime, remaining: timedelta, hours: OfficeHours) -> datetime:
        current = self._clock_start(moment, hours)
        if remaining <= timedelta():
            return current
        while True:
            day = current.date()
            for opens, closes in hours.sessions:
                end = _on(day, closes)
                if end <= current:
                    continue
                begin = max(current, _on(day, opens))
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
            # Whole working days are skipped without walking their sessions.
            day = self.next_working_day(day)
            while remaining > hours.day_length:
                remaining -= hours.day_length
                day = self.next_working_day(day)
            current = _on(day, hours.opening)

    def _on_working_day(self, moment: datetime) -> datetime:
        if self.is_working_day(moment.date()):
            return moment
        return _on(self.next_working_day(moment.date()), moment.time())


def _table_signature() -> tuple:
    """Row count and latest change of ``CalendarDay``: cheap, and different after any edit
    made through the ORM (``updated_at`` is ``auto_now``) or any deletion."""
    from django.db.models import Count, Max

    from motcua.core.models import CalendarDay

    found = CalendarDay.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    return found["count"], found["latest"]


# --------------------------------------------------------------------------- shortcuts


def is_working_day(day: date) -> bool:
    """:meth:`WorkingCalendar.is_working_day` on the current calendar."""
    return WorkingCalendar.current().is_working_day(day)


def next_working_day(day: date) -> date:
    """:meth:`WorkingCalendar.next_working_day` on the current calendar."""
    return WorkingCalendar.current().next_working_day(day)


def start_of_clock(moment: datetime, **kwargs) -> datetime:
    """:meth:`WorkingCalendar.start_of_clock` on the current calendar."""
    return WorkingCalendar.current().start_of_clock(moment, **kwargs)


def add_working_hours(moment: datetime, hours: Number, **kwargs) -> datetime:
    """:meth:`WorkingCalendar.add_working_hours` on the current calendar."""
    return WorkingCalendar.current().add_working_hours(moment, hours, **kwargs)


def add_working_days(moment: datetime, days: Number, **kwargs) -> datetime:
    """:meth:`WorkingCalendar.add_working_days` on the current calendar."""
    return WorkingCalendar.current().add_working_days(moment, days, **kwargs)


def add_calendar_days(moment: datetime, days: Number, **kwargs) -> datetime:
    """:meth:`WorkingCalendar.add_calendar_days` on the current calendar."""
    return WorkingCalendar.current().add_calendar_days(moment, days, **kwargs)


def add_months(moment: datetime, months: Number, **kwargs) -> datetime:
    """:meth:`WorkingCalendar.add_months` on the current calendar."""
    return WorkingCalendar.current().add_months(moment, months, **kwargs)


def due(start: datetime, value: Number, unit: str, **kwargs) -> datetime:
    """:meth:`WorkingCalendar.due` on the current calendar."""
    return WorkingCalendar.current().due(start, value, unit, **kwargs)


def working_hours_between(start: datetime, end: datetime, **kwargs) -> float:
    """:meth:`WorkingCalendar.working_hours_between` on the current calendar."""
    return WorkingCalendar.current().working_hours_between(start, end, **kwargs)


def working_days_between(start: datetime, end: datetime, **kwargs) -> float:
    """:meth:`WorkingCalendar.working_days_between` on the current calendar."""
    return WorkingCalendar.current().working_days_between(start, end, **kwargs)


# --------------------------------------------------------------------------- import


class CalendarRow(NamedTuple):
    date: date
    kind: str  # a CalendarDay.Kind value
    name: str


class CalendarImport(NamedTuple):
    """What :func:`import_calendar` did; bundled days dropped from the file count as updated."""

    created: int
    updated: int


def read_calendar_file(path: Path | str | None = None) -> list[CalendarRow]:
    """The rows of the bundled calendar, checked: ISO dates, each once, a known kind and a
    weekday that matches the date (a wrong row would shift deadlines silently)."""
    if path is None:
        from django.conf import settings

        path = Path(settings.DATA_DIR) / CALENDAR_FILE
    path = Path(path)
    rows: list[CalendarRow] = []
    seen: set[date] = set()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            row = _calendar_row(record, f"{path.name}:{line}")
            if row.date in seen:
                raise ValueError(f"{path.name}:{line}: {row.date} listed twice")
            seen.add(row.date)
            rows.append(row)
    return rows


def _calendar_row(record: dict[str, str], where: str) -> CalendarRow:
    try:
        day = date.fromisoformat(record["date"].strip())
    except (KeyError, ValueError) as exc:
        raise ValueError(f"{where}: not an ISO date: {record.get('date')!r}") from exc
    kind = _FILE_KINDS.get((record.get("kind") or "").strip())
    if kind is None:
        raise ValueError(f"{where}: unknown kind {record.get('kind')!r}")
    weekday = (record.get("weekday") or "").strip()
    if weekday and weekday != _WEEKDAYS[day.weekday()]:
        raise ValueError(f"{where}: {day} is a {_WEEKDAYS[day.weekday()]}, not a {weekday}")
    name = nfc(record.get("name_vi")) or nfc(record.get("name_en"))
    return CalendarRow(day, kind, name[:200])


def import_calendar(path: Path | str | None = None) -> tuple[int, int]:
    """Bring the bundled days (``source="data"``) in line with the file: create the missing,
    update the changed, delete those no longer in it. Days an administrator added or changed
    (``source="admin"``) are never touched, even on a date the file lists. Idempotent, one
    transaction; returns ``(created, updated)``."""
    from django.db import transaction
    from django.utils import timezone

    from motcua.core.models import CalendarDay

    rows = read_calendar_file(path)
    now = timezone.now()
    with transaction.atomic():
        existing = {day.date: day for day in CalendarDay.objects.all()}
        to_create, to_update, kept = [], [], 0
        for row in rows:
            day = existing.get(row.date)
            if day is None:
                to_create.append(
                    CalendarDay(
                        date=row.date, kind=row.kind, name=row.name, source=CalendarDay.Source.DATA
                    )
                )
            elif day.source != CalendarDay.Source.DATA:
                kept += 1
            elif (day.kind, day.name) != (row.kind, row.name):
                day.kind, day.name, day.updated_at = row.kind, row.name, now
                to_update.append(day)
        listed = {row.date for row in rows}
        stale = [
            day.pk
            for day in existing.values()
            if day.source == CalendarDay.Source.DATA and day.date not in listed
        ]
        CalendarDay.objects.bulk_create(to_create)
        CalendarDay.objects.bulk_update(to_update, ["kind", "name", "updated_at"])
        CalendarDay.objects.filter(pk__in=stale).delete()
    WorkingCalendar.invalidate()
    logger.info(
        "calendar.import.done",
        created=len(to_create),
        updated=len(to_update),
        deleted=len(stale),
        kept_admin=kept,
    )
    return CalendarImport(len(to_create), len(to_update) + len(stale))
