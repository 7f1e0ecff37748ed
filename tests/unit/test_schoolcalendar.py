"""School years, semesters, school days and rule windows (DESIGN, Domain exactly)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fravaer_tui.domain.model import Holiday, Kortdag
from fravaer_tui.domain.schoolcalendar import (
    SchoolCalendar,
    add_months,
    format_date,
    months_window_start,
    parse_date,
    public_holiday_name,
    school_year_bounds,
    school_year_name,
    school_year_start,
    semester_bounds,
    semester_name,
)

D = dt.date

HOSTFERIE = Holiday("Høstferie", D(2026, 10, 5), D(2026, 10, 9))
JULEFERIE = Holiday("Juleferie", D(2026, 12, 21), D(2027, 1, 1))
# Given out of order on purpose: the calendar sorts them.
CAL = SchoolCalendar((JULEFERIE, HOSTFERIE))

FAST = settings(max_examples=100, deadline=None)
dates = st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 12, 31))


# --- school year and semester ------------------------------------------------------------


@pytest.mark.parametrize(
    ("dato", "name"),
    [
        (D(2026, 8, 1), "2026-2027"),
        (D(2026, 11, 20), "2026-2027"),
        (D(2026, 12, 31), "2026-2027"),
        (D(2027, 1, 1), "2026-2027"),
        (D(2027, 7, 31), "2026-2027"),
        (D(2026, 7, 31), "2025-2026"),
        (D(2027, 8, 1), "2027-2028"),
    ],
)
def test_school_year_name(dato: dt.date, name: str) -> None:
    assert school_year_name(dato) == name


def test_school_year_start_and_bounds() -> None:
    assert school_year_start(D(2027, 3, 1)) == D(2026, 8, 1)
    assert school_year_start(D(2026, 8, 1)) == D(2026, 8, 1)
    assert school_year_bounds(D(2026, 9, 1)) == (D(2026, 8, 1), D(2027, 7, 31))
    assert school_year_bounds(D(2027, 7, 31)) == (D(2026, 8, 1), D(2027, 7, 31))


@pytest.mark.parametrize(
    ("dato", "bounds", "name"),
    [
        (D(2026, 8, 1), (D(2026, 8, 1), D(2026, 12, 31)), "høst 2026"),
        (D(2026, 11, 20), (D(2026, 8, 1), D(2026, 12, 31)), "høst 2026"),
        (D(2026, 12, 31), (D(2026, 8, 1), D(2026, 12, 31)), "høst 2026"),
        (D(2027, 1, 1), (D(2027, 1, 1), D(2027, 7, 31)), "vår 2027"),
        (D(2027, 3, 31), (D(2027, 1, 1), D(2027, 7, 31)), "vår 2027"),
        (D(2027, 7, 31), (D(2027, 1, 1), D(2027, 7, 31)), "vår 2027"),
    ],
)
def test_semester_bounds_and_name(
    dato: dt.date, bounds: tuple[dt.date, dt.date], name: str
) -> None:
    assert semester_bounds(dato) == bounds
    assert semester_name(dato) == name


@FAST
@given(dates)
def test_semester_contains_its_date_and_lies_in_the_school_year(dato: dt.date) -> None:
    fra, til = semester_bounds(dato)
    year_fra, year_til = school_year_bounds(dato)
    assert year_fra <= fra <= dato <= til <= year_til
    assert (fra, til) in {(year_fra, D(year_fra.year, 12, 31)), (D(year_til.year, 1, 1), year_til)}


# --- months and windows ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dato", "months", "expected"),
    [
        (D(2026, 11, 20), -1, D(2026, 10, 20)),
        (D(2027, 3, 31), -1, D(2027, 2, 28)),  # clamped to February's end
        (D(2028, 3, 31), -1, D(2028, 2, 29)),  # leap year
        (D(2027, 5, 31), -1, D(2027, 4, 30)),
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2027, 1, 15), -1, D(2026, 12, 15)),  # across the year end
        (D(2026, 12, 31), 2, D(2027, 2, 28)),
        (D(2027, 1, 20), -3, D(2026, 10, 20)),
        (D(2027, 2, 28), -12, D(2026, 2, 28)),
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2026, 11, 20), 0, D(2026, 11, 20)),
    ],
)
def test_add_months(dato: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(dato, months) == expected


@pytest.mark.parametrize(
    ("dato", "months", "expected"),
    [
        (D(2026, 11, 20), 1, D(2026, 10, 21)),  # the DESIGN example
        (D(2027, 3, 31), 1, D(2027, 3, 1)),  # 28.02 + 1 day
        (D(2027, 3, 30), 1, D(2027, 3, 1)),
        (D(2027, 3, 28), 1, D(2027, 3, 1)),
        (D(2027, 3, 27), 1, D(2027, 2, 28)),
        (D(2027, 3, 1), 1, D(2027, 2, 2)),
        (D(2027, 1, 20), 3, D(2026, 10, 21)),
        (D(2027, 1, 5), 1, D(2026, 12, 6)),
        (D(2026, 12, 31), 1, D(2026, 12, 1)),
    ],
)
def test_months_window_start(dato: dt.date, months: int, expected: dt.date) -> None:
    assert months_window_start(dato, months) == expected


@FAST
@given(dates, st.integers(min_value=-36, max_value=36))
def test_add_months_lands_in_the_right_month_and_never_overshoots_the_day(
    dato: dt.date, months: int
) -> None:
    out = add_months(dato, months)
    assert (out.year * 12 + out.month) - (dato.year * 12 + dato.month) == months
    assert out.day <= dato.day
    if out.day < dato.day:  # only when clamped: then it is the last day of the month
        assert (out + dt.timedelta(days=1)).day == 1


@FAST
@given(dates, st.integers(min_value=1, max_value=12))
def test_months_window_start_is_before_the_date_and_never_moves_back(
    dato: dt.date, months: int
) -> None:
    start = months_window_start(dato, months)
    assert start <= dato
    assert (dato - start).days < 31 * months + 1
    assert months_window_start(dato + dt.timedelta(days=1), months) >= start


# --- school days -------------------------------------------------------------------------


def test_weekdays_are_school_days_and_weekends_are_not() -> None:
    assert CAL.is_school_day(D(2026, 11, 16))  # Monday
    assert CAL.is_school_day(D(2026, 11, 20))  # Friday
    assert not CAL.is_school_day(D(2026, 11, 21))  # Saturday
    assert not CAL.is_school_day(D(2026, 11, 22))  # Sunday


@pytest.mark.parametrize(
    "dato",
    [
        D(2027, 1, 1),  # 1. nyttårsdag (also juleferie)
        D(2027, 3, 25),  # skjærtorsdag
        D(2027, 3, 26),  # langfredag
        D(2027, 3, 29),  # 2. påskedag
        D(2027, 5, 6),  # Kristi himmelfartsdag
        D(2027, 5, 17),  # 17. mai (and 2. pinsedag) on a Monday
        D(2026, 5, 1),  # 1. mai on a Friday
        D(2026, 5, 14),  # Kristi himmelfartsdag 2026
        D(2026, 5, 25),  # 2. pinsedag 2026
    ],
)
def test_public_holidays_are_not_school_days(dato: dt.date) -> None:
    assert dato.isoweekday() <= 5
    assert not SchoolCalendar().is_school_day(dato)
    assert public_holiday_name(dato)


def test_days_around_public_holidays_are_school_days() -> None:
    cal = SchoolCalendar()
    assert cal.is_school_day(D(2027, 3, 24))  # onsdag før skjærtorsdag
    assert cal.is_school_day(D(2027, 3, 30))  # tirsdag etter 2. påskedag
    assert cal.is_school_day(D(2027, 5, 7))  # fredag etter Kristi himmelfart
    assert cal.is_school_day(D(2027, 5, 18))
    assert public_holiday_name(D(2027, 5, 18)) is None


def test_public_holiday_names_are_norwegian() -> None:
    assert "Kristi himmelfartsdag" in (public_holiday_name(D(2027, 5, 6)) or "")
    assert "påskedag" in (public_holiday_name(D(2027, 3, 29)) or "").lower()
    assert "Grunnlovsdag" in (public_holiday_name(D(2027, 5, 17)) or "")


def test_school_holidays_are_not_school_days_edges_included() -> None:
    assert CAL.is_school_day(D(2026, 10, 2))  # Friday before høstferie
    for day in range(5, 10):
        assert not CAL.is_school_day(D(2026, 10, day))
    assert CAL.is_school_day(D(2026, 10, 12))  # Monday after
    assert CAL.is_school_day(D(2026, 12, 18))
    assert not CAL.is_school_day(D(2026, 12, 21))
    assert not CAL.is_school_day(D(2026, 12, 31))
    assert CAL.is_school_day(D(2027, 1, 4))
    # Without the school's holidays, høstferie is ordinary school time.
    assert SchoolCalendar().is_school_day(D(2026, 10, 5))


def test_holiday_name_prefers_the_schools_holiday() -> None:
    assert CAL.holiday_name(D(2026, 10, 7)) == "Høstferie"
    assert CAL.holiday_name(D(2027, 1, 1)) == "Juleferie"
    assert CAL.holiday_name(D(2027, 5, 6)) == public_holiday_name(D(2027, 5, 6))
    assert CAL.holiday_name(D(2026, 11, 20)) is None


def test_holidays_are_sorted() -> None:
    assert CAL.ferier == (HOSTFERIE, JULEFERIE)


def test_school_days_between_dates() -> None:
    # Week 40 (Mon 28.09 – Fri 02.10), høstferie week 41, Mon 12.10 – Tue 13.10.
    days = list(CAL.school_days(D(2026, 9, 28), D(2026, 10, 13)))
    assert days == [
        D(2026, 9, 28),
        D(2026, 9, 29),
        D(2026, 9, 30),
        D(2026, 10, 1),
        D(2026, 10, 2),
        D(2026, 10, 12),
        D(2026, 10, 13),
    ]
    assert list(CAL.school_days(D(2026, 10, 3), D(2026, 10, 11))) == []
    assert list(CAL.school_days(D(2026, 11, 20), D(2026, 11, 20))) == [D(2026, 11, 20)]
    assert list(CAL.school_days(D(2026, 11, 21), D(2026, 11, 20))) == []


def test_school_days_in_the_autumn_semester() -> None:
    # 17.08 (Mon) – 18.12 (Fri) is 18 weeks; minus høstferie = 17 weeks; no public holidays.
    assert len(list(CAL.school_days(D(2026, 8, 17), D(2026, 12, 31)))) == 17 * 5


def test_previous_and_next_school_day() -> None:
    assert CAL.previous_school_day(D(2026, 11, 16)) == D(2026, 11, 13)  # over the weekend
    assert CAL.previous_school_day(D(2026, 10, 12)) == D(2026, 10, 2)  # over høstferie
    assert CAL.previous_school_day(D(2027, 1, 4)) == D(2026, 12, 18)  # over juleferie
    assert CAL.next_school_day(D(2026, 10, 2)) == D(2026, 10, 12)
    assert CAL.next_school_day(D(2026, 11, 18)) == D(2026, 11, 19)
    assert CAL.next_school_day(D(2027, 5, 5)) == D(2027, 5, 7)  # over Kristi himmelfart
    assert CAL.next_school_day(D(2027, 3, 24)) == D(2027, 3, 30)  # over påske


def test_add_school_days_and_first_school_day() -> None:
    assert CAL.add_school_days(D(2026, 10, 1), 0) == D(2026, 10, 1)
    assert CAL.add_school_days(D(2026, 10, 1), 3) == D(2026, 10, 13)
    assert CAL.first_school_day(D(2026, 10, 3), D(2026, 10, 20)) == D(2026, 10, 12)
    assert CAL.first_school_day(D(2026, 10, 3), D(2026, 10, 9)) is None


@FAST
@given(dates)
def test_school_day_definition(dato: dt.date) -> None:
    expected = (
        dato.isoweekday() <= 5
        and public_holiday_name(dato) is None
        and not any(f.fra <= dato <= f.til for f in CAL.ferier)
    )
    assert CAL.is_school_day(dato) == expected


# --- parsing and formatting --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20", D(2026, 11, 20)),
        ("20.11.2026", D(2026, 11, 20)),
        ("  20.11.2026 \n", D(2026, 11, 20)),
        ("1.2.2027", D(2027, 2, 1)),
        ("01.02.2027", D(2027, 2, 1)),
        ("29.02.2028", D(2028, 2, 29)),
    ],
)
def test_parse_date_accepts_both_formats(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "i går",
        "20.11.26",  # two-digit year
        "20.11",
        "20.11.2026.1",
        "31.02.2027",
        "29.02.2027",
        "00.01.2027",
        "2026-13-01",
        "x.y.2026",
        "20/11/2026",
    ],
)
def test_parse_date_rejects_bad_input_in_norwegian(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_date(text)
    message = str(info.value)
    assert "ikke en gyldig dato" in message
    assert "dd.mm.åååå" in message
    assert f"«{text.strip()}»" in message


@pytest.mark.parametrize(
    ("dato", "text"),
    [
        (D(2026, 11, 20), "20.11.2026"),
        (D(2027, 2, 1), "01.02.2027"),
        (D(2027, 12, 31), "31.12.2027"),
    ],
)
def test_format_date(dato: dt.date, text: str) -> None:
    assert format_date(dato) == text


@FAST
@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)))
def test_format_and_parse_round_trip(dato: dt.date) -> None:
    assert parse_date(format_date(dato)) == dato
    assert parse_date(dato.isoformat()) == dato


# --- issue 11: deadlines forward, trial periods in school weeks, short days -----------------

_ISSUE11 = SchoolCalendar(
    (
        Holiday("Høstferie", dt.date(2026, 9, 28), dt.date(2026, 10, 2)),
        Holiday("Planleggingsdag", dt.date(2026, 11, 13), dt.date(2026, 11, 13)),
        Holiday("Juleferie", dt.date(2026, 12, 21), dt.date(2027, 1, 1)),
    ),
    kortdager=(Kortdag(dt.date(2026, 12, 18), 3),),
)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (dt.date(2026, 9, 25), 7, dt.date(2026, 10, 5)),  # «innen 1 uke» over høstferie
        (dt.date(2026, 12, 18), 7, dt.date(2027, 1, 4)),  # never back to 18.12
        (dt.date(2026, 12, 10), 14, dt.date(2027, 1, 4)),  # «innen 14 dager» in juleferie
        (dt.date(2027, 5, 10), 7, dt.date(2027, 5, 18)),  # 17. mai
        (dt.date(2027, 4, 29), 7, dt.date(2027, 5, 7)),  # Kristi himmelfartsdag
        (dt.date(2026, 11, 16), 0, dt.date(2026, 11, 16)),  # «samme dag»
    ],
)
def test_within_days_moves_forward(start: dt.date, days: int, expected: dt.date) -> None:
    assert _ISSUE11.within_days(start, days) == expected


@pytest.mark.parametrize(
    ("start", "weeks", "expected"),
    [
        (dt.date(2026, 11, 12), 2, dt.date(2026, 11, 27)),  # planleggingsdag 13.11
        (dt.date(2026, 12, 11), 2, dt.date(2027, 1, 8)),  # juleferie inside the trial
        (dt.date(2026, 9, 14), 2, dt.date(2026, 10, 5)),  # høstferie inside the trial
        (dt.date(2026, 9, 26), 0, dt.date(2026, 10, 5)),
    ],
)
def test_after_school_weeks_is_the_5n_th_school_day(
    start: dt.date, weeks: int, expected: dt.date
) -> None:
    assert _ISSUE11.after_school_weeks(start, weeks) == expected


def test_a_kortdag_is_a_school_day_with_a_last_period() -> None:
    assert _ISSUE11.is_school_day(dt.date(2026, 12, 18))
    assert _ISSUE11.last_period(dt.date(2026, 12, 18)) == 3
    assert _ISSUE11.last_period(dt.date(2026, 12, 17)) is None
