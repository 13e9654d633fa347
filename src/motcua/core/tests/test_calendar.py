"""The working-day calendar: worked examples from the rules, then properties over 2020–2030.

Sources of the examples: DOMAIN.md §4 (working time: sessions 07:00–11:30 and 13:30–17:00, 8
hours a day; after 17:00 → next working morning, before 07:00 → 07:00, lunch → 13:30; "ngày"
never ends on a day off) and §8 (weekends, Tết, 30/4, 1/5, 2/9 and announced days are off,
make-up days are worked), with the dates of data/holidays (its SOURCE.md: Tết 2026 is 16–20
February; 2025 swapped Friday 2 May for Saturday 26 April).

The properties check the calculator against an oracle read straight from the CSV with the csv
module, not through the code under test.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from motcua.core import calendar as calendar_module
from motcua.core.calendar import (
    OfficeHours,
    WorkingCalendar,
    import_calendar,
    read_calendar_file,
)
from motcua.core.models import CalendarDay

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CSV_PATH = Path(django_settings.DATA_DIR) / "holidays" / "vn_public_holidays_2020_2030.csv"
SESSIONS = ((time(7), time(11, 30)), (time(13, 30), time(17)))


@lru_cache(maxsize=1)
def oracle() -> tuple[frozenset[date], frozenset[date]]:
    """(holidays, make-up working days) read from the CSV directly."""
    holidays, workdays = set(), set()
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            day = date.fromisoformat(row["date"])
            (holidays if row["kind"] == "holiday" else workdays).add(day)
    return frozenset(holidays), frozenset(workdays)


def oracle_working(day: date) -> bool:
    holidays, workdays = oracle()
    return day in workdays or (day.weekday() < 5 and day not in holidays)


def in_office_hours(moment: datetime) -> bool:
    """Inside a session, its ends included (a deadline may fall at 11:30 or 17:00)."""
    at = moment.time()
    return any(start <= at <= end for start, end in SESSIONS)


@lru_cache(maxsize=1)
def bundled() -> WorkingCalendar:
    """The bundled data with the default sessions, without the database."""
    return WorkingCalendar.from_file(CSV_PATH, sessions="07:00-11:30,13:30-17:00")


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


@pytest.fixture(autouse=True)
def _forget_calendar():
    """The process-wide calendar would outlive a test's rolled-back rows."""
    WorkingCalendar.invalidate()
    yield
    WorkingCalendar.invalidate()


# --------------------------------------------------------------------------- days (§8, data)


def test_tet_2026_is_off_from_16_to_20_february():
    cal = bundled()
    for day in range(16, 21):
        assert not cal.is_working_day(date(2026, 2, day))
    assert cal.is_working_day(date(2026, 2, 13))
    assert cal.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)


def test_a_working_day_across_tet_2026_lands_after_the_break():
    # Friday 13 Feb 09:00 + 1 working day: 16–20 off, 21–22 weekend → Monday 23 Feb 09:00.
    assert bundled().add_working_days(vn(2026, 2, 13, 9), 1) == vn(2026, 2, 23, 9)
    assert bundled().add_working_days(vn(2026, 2, 12, 9), 3) == vn(2026, 2, 24, 9)


def test_the_2025_swap_makes_saturday_26_april_worked_and_friday_2_may_off():
    cal = bundled()
    assert cal.is_working_day(date(2025, 4, 26))  # a Saturday
    assert not cal.is_working_day(date(2025, 5, 2))  # a Friday
    assert not cal.is_working_day(date(2025, 4, 27))  # the Sunday stays off
    # Friday 25 April 09:00 + 1 working day = the make-up Saturday 09:00.
    assert cal.add_working_days(vn(2025, 4, 25, 9), 1) == vn(2025, 4, 26, 9)


def test_30_april_and_1_may_are_off():
    cal = bundled()
    for year in range(2020, 2031):
        assert not cal.is_working_day(date(year, 4, 30))
        assert not cal.is_working_day(date(year, 5, 1))
    # Tuesday 29 April 2025 09:00 + 1: 30/4, 1/5, 2/5 (swap) off, then the weekend.
    assert cal.add_working_days(vn(2025, 4, 29, 9), 1) == vn(2025, 5, 5, 9)


def test_national_day_is_two_days_off():
    cal = bundled()
    # 2025: Monday 1 and Tuesday 2 September.
    assert not cal.is_working_day(date(2025, 9, 1))
    assert not cal.is_working_day(date(2025, 9, 2))
    assert cal.add_working_days(vn(2025, 8, 29, 9), 1) == vn(2025, 9, 3, 9)
    # 2026: 1 and 2 September, and Monday 31 August swapped for Saturday 22 August.
    assert not cal.is_working_day(date(2026, 9, 1))
    assert not cal.is_working_day(date(2026, 9, 2))
    assert not cal.is_working_day(date(2026, 8, 31))
    assert cal.is_working_day(date(2026, 8, 22))


def test_is_working_day_takes_the_vietnamese_date_of_an_aware_datetime():
    # 2025-05-01 18:00 UTC is already Friday 2 May in Hà Nội (a swapped day off)...
    assert not bundled().is_working_day(datetime(2025, 5, 1, 18, tzinfo=UTC))
    # ...and 2025-05-04 18:00 UTC is Monday 5 May, a working day.
    assert bundled().is_working_day(datetime(2025, 5, 4, 18, tzinfo=UTC))


# --------------------------------------------------------------------------- clock start (§4)


@pytest.mark.parametrize(
    ("received", "starts"),
    [
        (vn(2025, 3, 3, 9), vn(2025, 3, 3, 9)),  # inside the morning session
        (vn(2025, 3, 3, 7), vn(2025, 3, 3, 7)),  # at opening
        (vn(2025, 3, 3, 6, 15), vn(2025, 3, 3, 7)),  # before 07:00 → 07:00
        (vn(2025, 3, 3, 12), vn(2025, 3, 3, 13, 30)),  # lunch → 13:30
        (vn(2025, 3, 3, 11, 30), vn(2025, 3, 3, 13, 30)),  # the morning has closed
        (vn(2025, 3, 3, 17), vn(2025, 3, 4, 7)),  # closing time → next morning
        (vn(2025, 3, 3, 17, 30), vn(2025, 3, 4, 7)),  # after 17:00 → next morning
        (vn(2025, 3, 7, 18), vn(2025, 3, 10, 7)),  # Friday evening → Monday
        (vn(2025, 3, 8, 10), vn(2025, 3, 10, 7)),  # Saturday → Monday
        (vn(2026, 2, 16, 9), vn(2026, 2, 23, 7)),  # Tết → after the break
        (vn(2025, 4, 25, 17, 30), vn(2025, 4, 26, 7)),  # → the make-up Saturday
    ],
)
def test_start_of_clock(received, starts):
    assert bundled().start_of_clock(received) == starts


def test_start_of_clock_converts_other_zones_and_answers_in_vietnamese_time():
    received = datetime(2025, 3, 3, 10, 30, tzinfo=UTC)  # 17:30 in Hà Nội
    started = bundled().start_of_clock(received)
    assert started == vn(2025, 3, 4, 7)
    assert started.utcoffset() == timedelta(hours=7)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="naive"):
        bundled().start_of_clock(datetime(2025, 3, 3, 9))


# --------------------------------------------------------------------------- adding time (§4)


def test_monday_9_plus_3_working_days_is_thursday_9():
    assert bundled().add_working_days(vn(2025, 3, 3, 9), 3) == vn(2025, 3, 6, 9)


def test_received_after_17_the_working_days_start_next_morning():
    # Monday 17:30 + 1 working day = Tuesday 07:00 + 8 h = Tuesday 17:00.
    assert bundled().add_working_days(vn(2025, 3, 3, 17, 30), 1) == vn(2025, 3, 4, 17)


def test_a_day_from_opening_ends_at_closing_the_same_day():
    assert bundled().add_working_days(vn(2025, 3, 3, 7), 1) == vn(2025, 3, 3, 17)
    assert bundled().add_working_days(vn(2025, 3, 3, 6), 2) == vn(2025, 3, 4, 17)


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        (vn(2025, 3, 3, 7), Decimal("0.5"), vn(2025, 3, 3, 11)),
        # 09:00–11:30 is 2.5 h, the other 1.5 h after lunch.
        (vn(2025, 3, 3, 9), Decimal("0.5"), vn(2025, 3, 3, 15)),
        (vn(2025, 3, 3, 7), Decimal("1.50"), vn(2025, 3, 4, 11)),
        # Lunch: from 13:30, 3.5 h to closing, the last half hour the next morning.
        (vn(2025, 3, 3, 12), 0.5, vn(2025, 3, 4, 7, 30)),
        # Friday 16:00 + 2 h: one hour on Friday, one on Monday.
        (vn(2025, 3, 7, 16), Decimal("0.25"), vn(2025, 3, 10, 8)),
        # Ending exactly at closing stays on that day.
        (vn(2025, 3, 7, 15), Decimal("0.25"), vn(2025, 3, 7, 17)),
    ],
)
def test_fractional_working_days(received, days, expected):
    assert bundled().add_working_days(received, days) == expected


def test_working_hours_cross_lunch_and_nights():
    cal = bundled()
    assert cal.add_working_hours(vn(2025, 3, 3, 11), 1) == vn(2025, 3, 3, 14)
    assert cal.add_working_hours(vn(2025, 3, 3, 16), 2) == vn(2025, 3, 4, 8)
    assert cal.add_working_hours(vn(2025, 3, 3, 9), 0) == vn(2025, 3, 3, 9)
    assert cal.add_working_hours(vn(2025, 3, 3, 20), 0) == vn(2025, 3, 4, 7)


def test_calendar_days_landing_on_a_weekend_move_to_monday():
    # Monday 3 March 09:00 + 5 ngày = Saturday 8 March → Monday 10 March 09:00.
    assert bundled().add_calendar_days(vn(2025, 3, 3, 9), 5) == vn(2025, 3, 10, 9)
    # Weekends inside the period count: + 7 ngày is the next Monday.
    assert bundled().add_calendar_days(vn(2025, 3, 3, 9), 7) == vn(2025, 3, 10, 9)


def test_calendar_days_landing_on_a_holiday_move_past_it():
    # Friday 25 April 2025 + 5 ngày = Wednesday 30 April; 1 and 2 May off, then the weekend.
    assert bundled().add_calendar_days(vn(2025, 4, 25, 10), 5) == vn(2025, 5, 5, 10)


def test_a_fraction_of_a_calendar_day_is_that_fraction_of_a_working_day():
    # 1.5 ngày from Monday 09:00: Tuesday 09:00, then 4 working hours → Tuesday 15:00.
    assert bundled().add_calendar_days(vn(2025, 3, 3, 9), Decimal("1.5")) == vn(2025, 3, 4, 15)
    assert bundled().due(vn(2025, 3, 3, 9), Decimal("0.5"), "day") == vn(2025, 3, 3, 15)


def test_calendar_days_count_from_the_clock_start():
    # Received Friday 18:00: the clock starts Monday 07:00; + 1 ngày = Tuesday 07:00.
    assert bundled().add_calendar_days(vn(2025, 3, 7, 18), 1) == vn(2025, 3, 11, 7)


@pytest.mark.parametrize(
    ("received", "months", "expected"),
    [
        (vn(2025, 3, 3, 9), 1, vn(2025, 4, 3, 9)),
        (vn(2025, 7, 31, 10), 2, vn(2025, 9, 30, 10)),  # shorter month: its last day
        (vn(2025, 10, 31, 10), 1, vn(2025, 12, 1, 10)),  # 30 November is a Sunday
        (vn(2025, 1, 31, 10), 1, vn(2025, 3, 3, 7)),  # received in Tết 2025: from 3 February
        (vn(2024, 1, 31, 10), 1, vn(2024, 2, 29, 10)),  # leap year
        (vn(2025, 3, 31, 10), 1, vn(2025, 5, 5, 10)),  # 30/4, 1/5, 2/5, weekend
        (vn(2026, 1, 16, 9), 1, vn(2026, 2, 23, 9)),  # lands in Tết 2026
        (vn(2025, 3, 3, 9), 12, vn(2026, 3, 3, 9)),
        (vn(2025, 11, 3, 9), 3, vn(2026, 2, 3, 9)),  # across a year end
    ],
)
def test_months(received, months, expected):
    assert bundled().add_months(received, months) == expected


def test_due_dispatches_on_the_catalogue_units():
    from motcua.catalog.models import TimeUnit

    cal, received = bundled(), vn(2025, 3, 3, 9)
    assert cal.due(received, Decimal("3.00"), TimeUnit.WORKING_DAY) == vn(2025, 3, 6, 9)
    assert cal.due(received, Decimal("0.50"), "working_day") == vn(2025, 3, 3, 15)
    assert cal.due(received, Decimal("5.00"), TimeUnit.DAY) == vn(2025, 3, 10, 9)
    assert cal.due(received, Decimal("24.00"), TimeUnit.HOUR) == vn(2025, 3, 6, 9)
    assert cal.due(received, Decimal("3.00"), TimeUnit.MONTH) == vn(2025, 6, 3, 9)
    assert {unit.value for unit in TimeUnit} == {"working_day", "day", "hour", "month"}


@pytest.mark.parametrize(
    ("value", "unit", "error"),
    [
        (1, "", ValueError),
        (1, "week", ValueError),
        (-1, "working_day", ValueError),
        (Decimal("1.5"), "month", ValueError),
        (None, "working_day", TypeError),
    ],
)
def test_due_refuses_what_it_cannot_mean(value, unit, error):
    with pytest.raises(error):
        bundled().due(vn(2025, 3, 3, 9), value, unit)


# --------------------------------------------------------------------------- measuring (§8)


def test_working_hours_between():
    cal = bundled()
    assert cal.working_hours_between(vn(2025, 3, 3, 9), vn(2025, 3, 4, 9)) == 8
    assert cal.working_hours_between(vn(2025, 3, 3, 11), vn(2025, 3, 3, 14)) == 1
    assert cal.working_hours_between(vn(2025, 3, 8, 7), vn(2025, 3, 9, 17)) == 0  # weekend
    assert cal.working_hours_between(vn(2025, 3, 4, 9), vn(2025, 3, 3, 9)) == -8
    assert cal.working_days_between(vn(2025, 3, 3, 7), vn(2025, 3, 3, 11)) == 0.5
    # Across Tết 2026: Friday 13 Feb 09:00 → Monday 23 Feb 09:00 is one working day.
    assert cal.working_days_between(vn(2026, 2, 13, 9), vn(2026, 2, 23, 9)) == 1


def test_a_paused_supplement_interval_moves_the_due_date_by_its_working_time():
    # §8: the citizen's supplement time is subtracted. Received Monday 3 March 09:00 with 5
    # working days (due Monday 10 March 09:00); paused Tuesday 09:00 → Thursday 09:00.
    cal = bundled()
    due = cal.add_working_days(vn(2025, 3, 3, 9), 5)
    assert due == vn(2025, 3, 10, 9)
    paused = cal.working_time_between(vn(2025, 3, 4, 9), vn(2025, 3, 6, 9))
    assert paused == timedelta(hours=16)
    assert cal.add_working_time(due, paused) == vn(2025, 3, 12, 9)


# --------------------------------------------------------------------------- office hours


def test_office_hours_parse_the_forms_a_setting_may_take():
    expected = OfficeHours(SESSIONS)
    assert OfficeHours.parse("07:00-11:30,13:30-17:00") == expected
    assert OfficeHours.parse(["07:00-11:30", "13:30-17:00"]) == expected
    assert OfficeHours.parse([("7:00", "11:30"), (time(13, 30), time(17))]) == expected
    assert expected.day_length == timedelta(hours=8)
    assert str(expected) == "07:00-11:30,13:30-17:00"


@pytest.mark.parametrize(
    "value", ["", "07:00", "11:30-07:00", "07:00-12:00,11:00-17:00", "7h-11h30", "25:00-26:00"]
)
def test_office_hours_refuse_nonsense(value):
    with pytest.raises(ValueError):  # noqa: PT011 (each message names the bad part)
        OfficeHours.parse(value)


def test_an_agency_with_its_own_hours_passes_them_per_call():
    cal, own = bundled(), "07:30-11:30,13:00-17:00"
    assert cal.start_of_clock(vn(2025, 3, 3, 7), sessions=own) == vn(2025, 3, 3, 7, 30)
    assert cal.start_of_clock(vn(2025, 3, 3, 13), sessions=own) == vn(2025, 3, 3, 13)
    assert cal.add_working_days(vn(2025, 3, 3, 7), 1, sessions=own) == vn(2025, 3, 3, 17)
    # A 7-hour day: 1 working day is 7 hours there.
    short = "08:00-12:00,13:00-16:00"
    assert cal.add_working_days(vn(2025, 3, 3, 8), 0.5, sessions=short) == vn(2025, 3, 3, 11, 30)
    assert cal.working_days_between(vn(2025, 3, 3, 8), vn(2025, 3, 3, 16), sessions=short) == 1


def test_the_setting_gives_the_default_hours(settings):
    cal = WorkingCalendar.from_file(CSV_PATH)  # no sessions of its own
    assert cal.start_of_clock(vn(2025, 3, 3, 7)) == vn(2025, 3, 3, 7)
    settings.MOTCUA_OFFICE_SESSIONS = ["07:30-11:30", "13:00-17:00"]
    assert cal.start_of_clock(vn(2025, 3, 3, 7)) == vn(2025, 3, 3, 7, 30)


def test_the_setting_is_read_from_the_environment(monkeypatch):
    from motcua.core.env import env

    monkeypatch.setenv("MOTCUA_OFFICE_SESSIONS", "07:30-11:30,13:00-17:00")
    value = env("MOTCUA_OFFICE_SESSIONS", ["07:00-11:30", "13:30-17:00"])
    assert OfficeHours.parse(value) == OfficeHours.parse("07:30-11:30, 13:00-17:00")
    assert isinstance(django_settings.MOTCUA_OFFICE_SESSIONS, list)


def test_a_day_cannot_be_both_holiday_and_working_day():
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar({date(2025, 5, 2)}, {date(2025, 5, 2)})


# --------------------------------------------------------------------------- the file


def test_the_bundled_file_reads_cleanly():
    rows = read_calendar_file(CSV_PATH)
    assert len(rows) == 162
    assert {row.kind for row in rows} == {"holiday", "workday"}
    assert all(row.name for row in rows)
    assert {row.date.year for row in rows} == set(range(2020, 2031))


def test_a_row_whose_weekday_disagrees_with_its_date_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date,weekday,kind,name_en,name_vi\n2025-05-02,Sat,holiday,Day off,Ngày nghỉ\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="Fri"):
        read_calendar_file(bad)


# --------------------------------------------------------------------------- the table


@pytest.fixture
def empty_calendar():
    """The table as before any import (the test session imports the bundled calendar)."""
    CalendarDay.objects.all().delete()
    WorkingCalendar.invalidate()
    yield
    WorkingCalendar.invalidate()


@pytest.mark.django_db
def test_import_is_idempotent_and_matches_the_file(empty_calendar):
    assert import_calendar() == (162, 0)
    assert import_calendar() == (0, 0)
    assert CalendarDay.objects.count() == 162
    assert set(CalendarDay.objects.values_list("source", flat=True)) == {"data"}
    tet = CalendarDay.objects.get(date=date(2026, 2, 17))
    assert (tet.kind, tet.name) == ("holiday", "Tết Nguyên Đán")
    assert CalendarDay.objects.get(date=date(2025, 4, 26)).kind == "workday"


@pytest.mark.django_db
def test_is_working_day_matches_the_csv_for_every_date_2020_2030():
    import_calendar()
    from_table = WorkingCalendar.from_database()
    day, mismatches = date(2020, 1, 1), []
    while day <= date(2030, 12, 31):
        expected = oracle_working(day)
        if from_table.is_working_day(day) != expected or bundled().is_working_day(day) != expected:
            mismatches.append(day)
        day += timedelta(days=1)
    assert mismatches == []


@pytest.mark.django_db
def test_import_keeps_administrators_days_and_drops_stale_bundled_ones(empty_calendar):
    # The government cancels the 2025 swap (an administrator marks 2 May worked) and adds a
    # day off; a bundled row no longer in the file and one with an outdated name.
    CalendarDay.objects.create(date=date(2025, 5, 2), kind="workday", name="Hủy hoán đổi")
    CalendarDay.objects.create(date=date(2027, 6, 1), kind="holiday", name="Nghỉ thêm")
    CalendarDay.objects.create(date=date(2019, 1, 1), kind="holiday", name="Cũ", source="data")
    CalendarDay.objects.create(date=date(2025, 1, 1), kind="holiday", name="Sai", source="data")
    created, updated = import_calendar()
    assert (created, updated) == (160, 2)  # 162 less the two dates already there
    assert not CalendarDay.objects.filter(date=date(2019, 1, 1)).exists()
    assert CalendarDay.objects.get(date=date(2025, 1, 1)).name == "Tết Dương lịch"
    kept = CalendarDay.objects.get(date=date(2025, 5, 2))
    assert (kept.kind, kept.name, kept.source) == ("workday", "Hủy hoán đổi", "admin")
    cal = WorkingCalendar.current()
    assert cal.is_working_day(date(2025, 5, 2))
    assert not cal.is_working_day(date(2027, 6, 1))


@pytest.mark.django_db
def test_current_is_cached_and_reloads_when_the_table_changed(monkeypatch):
    import_calendar()
    now = [1000.0]
    monkeypatch.setattr(calendar_module.clock, "monotonic", lambda: now[0])
    first = WorkingCalendar.current()
    assert WorkingCalendar.current() is first
    CalendarDay.objects.create(date=date(2027, 6, 1), kind="holiday", name="Nghỉ thêm")
    now[0] += 30  # not yet asked again
    assert WorkingCalendar.current() is first
    now[0] += 31  # a minute has passed: the changed table is seen
    reloaded = WorkingCalendar.current()
    assert reloaded is not first
    assert not reloaded.is_working_day(date(2027, 6, 1))
    now[0] += 61  # asked again, nothing changed: the same calendar
    assert WorkingCalendar.current() is reloaded
    WorkingCalendar.invalidate()
    assert WorkingCalendar.current() is not reloaded


@pytest.mark.django_db
def test_the_module_shortcuts_use_the_table():
    import_calendar()
    assert not calendar_module.is_working_day(date(2026, 2, 17))
    assert calendar_module.due(vn(2026, 2, 13, 9), 1, "working_day") == vn(2026, 2, 23, 9)
    assert calendar_module.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert calendar_module.working_days_between(vn(2026, 2, 13, 9), vn(2026, 2, 23, 9)) == 1


@pytest.mark.django_db
def test_an_administrators_save_makes_the_day_theirs_and_bundled_days_stay():
    from django.contrib.admin.sites import site

    import_calendar()
    model_admin = site._registry[CalendarDay]
    bundled_day = CalendarDay.objects.get(date=date(2025, 5, 2))
    assert not model_admin.has_delete_permission(None, bundled_day)
    assert "date" in model_admin.get_readonly_fields(None, bundled_day)
    bundled_day.kind = "workday"
    model_admin.save_model(None, bundled_day, None, True)
    bundled_day.refresh_from_db()
    assert bundled_day.source == "admin"
    assert import_calendar() == (0, 0)
    assert WorkingCalendar.current().is_working_day(date(2025, 5, 2))


@pytest.mark.django_db
def test_system_admins_add_an_announced_day_in_the_admin(client):
    from tests.fixtures.accounts import login_staff, make_staff

    import_calendar()
    login_staff(client, make_staff("system_admin", None))
    url = "/quan-tri/core/calendarday/"
    assert client.get(url).status_code == 200
    assert WorkingCalendar.current().is_working_day(date(2027, 2, 11))
    response = client.post(
        url + "add/", {"date": "2027-02-11", "kind": "holiday", "name": "Nghỉ Tết bổ sung"}
    )
    assert response.status_code == 302
    added = CalendarDay.objects.get(date=date(2027, 2, 11))
    assert added.source == "admin"
    assert not WorkingCalendar.current().is_working_day(date(2027, 2, 11))  # seen at once
    bundled_day = CalendarDay.objects.get(date=date(2026, 2, 17))
    assert client.post(f"{url}{bundled_day.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{url}{added.pk}/delete/", {"post": "yes"}).status_code == 302
    assert WorkingCalendar.current().is_working_day(date(2027, 2, 11))


@pytest.mark.django_db
def test_bootstrap_imports_the_calendar(monkeypatch, empty_calendar):
    from io import StringIO

    from django.core.management import call_command

    from motcua.core.management.commands import bootstrap

    monkeypatch.setattr(bootstrap, "call_command", lambda *args, **kwargs: None)
    out = StringIO()
    call_command("bootstrap", stdout=out)
    assert "Lịch ngày làm việc: 162 ngày thêm mới, 0 ngày cập nhật." in out.getvalue()
    assert CalendarDay.objects.count() == 162


# --------------------------------------------------------------------------- properties

ZONES = st.sampled_from([VN, UTC, ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")])
#: Moments near the edges of the sessions, where off-by-one mistakes live.
EDGES = [
    time(0),
    time(6, 59, 59, 999999),
    time(7),
    time(9, 15),
    time(11, 29, 59, 999999),
    time(11, 30),
    time(12),
    time(13, 30),
    time(16, 59, 59, 999999),
    time(17),
    time(17, 0, 0, 1),
    time(23, 59, 59, 999999),
]
DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 9, 30))
MOMENTS = st.one_of(
    st.datetimes(
        min_value=datetime(2020, 1, 1),  # hypothesis bounds are naive
        max_value=datetime(2030, 9, 30),
        timezones=ZONES,
    ),
    st.builds(lambda day, at: datetime.combine(day, at, tzinfo=VN), DATES, st.sampled_from(EDGES)),
)
WHOLE_DAYS = st.integers(min_value=0, max_value=60)
HALF_DAYS = st.integers(min_value=0, max_value=80).map(lambda n: Decimal(n) / 2)
PROPERTY = hypothesis_settings(max_examples=150, deadline=None)


@PROPERTY
@given(MOMENTS, st.one_of(WHOLE_DAYS, HALF_DAYS))
def test_adding_working_days_lands_in_office_hours_of_a_working_day(moment, days):
    result = bundled().add_working_days(moment, days)
    assert result.utcoffset() == timedelta(hours=7)
    assert oracle_working(result.date())
    assert in_office_hours(result)
    assert result >= moment


@PROPERTY
@given(MOMENTS, st.one_of(WHOLE_DAYS, HALF_DAYS))
def test_working_days_between_undoes_adding_them(moment, days):
    cal = bundled()
    assert cal.working_days_between(
        cal.start_of_clock(moment), cal.add_working_days(moment, days)
    ) == float(days)


@PROPERTY
@given(MOMENTS, MOMENTS, WHOLE_DAYS, WHOLE_DAYS)
def test_adding_working_days_is_monotonic(first, second, a, b):
    cal = bundled()
    assert cal.add_working_days(first, min(a, b)) <= cal.add_working_days(first, max(a, b))
    early, late = sorted((first, second))
    assert cal.add_working_days(early, a) <= cal.add_working_days(late, a)


@PROPERTY
@given(MOMENTS, st.one_of(WHOLE_DAYS, HALF_DAYS), st.integers(min_value=1, max_value=40))
def test_adding_in_two_steps_equals_adding_at_once(moment, first, second):
    # The second step restarts the clock, which changes nothing once some time is added; a
    # zero second step only moves a deadline at a session's end to the next opening.
    cal = bundled()
    in_two = cal.add_working_days(cal.add_working_days(moment, first), second)
    assert in_two == cal.add_working_days(moment, first + second)
    after = cal.add_working_days(moment, first)
    assert cal.add_working_days(after, 0) == cal.start_of_clock(after)


@PROPERTY
@given(MOMENTS, st.integers(min_value=0, max_value=120))
def test_calendar_days_never_end_on_a_day_off(moment, days):
    cal = bundled()
    result = cal.add_calendar_days(moment, days)
    assert oracle_working(result.date())
    assert in_office_hours(result)
    target = cal.start_of_clock(moment) + timedelta(days=days)
    assert result.time() == target.time()
    assert result >= target
    # Every day skipped between the target and the result is a day off.
    day = target.date()
    while day < result.date():
        assert not oracle_working(day)
        day += timedelta(days=1)


@PROPERTY
@given(MOMENTS, st.integers(min_value=0, max_value=12))
def test_months_never_end_on_a_day_off(moment, months):
    result = bundled().add_months(moment, months)
    assert oracle_working(result.date())
    assert in_office_hours(result)


@PROPERTY
@given(MOMENTS)
def test_the_clock_starts_at_the_first_working_moment(moment):
    cal = bundled()
    started = cal.start_of_clock(moment)
    assert started >= moment
    assert oracle_working(started.date())
    assert any(start <= started.time() < end for start, end in SESSIONS)
    assert cal.working_time_between(moment, started) == timedelta()
    assert cal.start_of_clock(started) == started


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    st.builds(
        lambda day, minute: datetime.combine(day, time(), tzinfo=VN) + timedelta(minutes=minute),
        DATES,
        st.integers(min_value=0, max_value=24 * 60 - 1),
    ),
    st.integers(min_value=0, max_value=4 * 24 * 60),
)
def test_working_time_between_counts_the_working_minutes(start, length):
    # Minute by minute against the oracle: a minute counts when it begins inside a session.
    end = start + timedelta(minutes=length)
    counted, minute = 0, start
    while minute < end:
        if oracle_working(minute.date()) and any(s <= minute.time() < e for s, e in SESSIONS):
            counted += 1
        minute += timedelta(minutes=1)
    assert bundled().working_time_between(start, end) == timedelta(minutes=counted)


@hypothesis_settings(max_examples=60, deadline=None)
@given(MOMENTS, MOMENTS, MOMENTS)
def test_working_time_adds_up_over_consecutive_intervals(a, b, c):
    a, b, c = sorted((a, b, c))
    cal = bundled()
    assert cal.working_time_between(a, b) + cal.working_time_between(
        b, c
    ) == cal.working_time_between(a, c)
