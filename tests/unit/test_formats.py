"""The app's Norwegian formats, from their one place (`domain.formats`)."""

from __future__ import annotations

import datetime as dt

from fravaer_tui.domain import formats as words


def test_counts_take_the_noun_that_fits_the_number() -> None:
    assert words.count(1, "time", "timer") == "1 time"
    assert words.count(0, "time", "timer") == "0 timer"
    assert words.count(2.5, "dag", "dager") == "2,5 dager"
    assert words.count_unit(1, "ganger") == "1 gang"
    assert words.count_unit(4, "dager") == "4 dager"
    assert words.count_unit(3, "økter") == "3 økter"  # a unit a profile made up stays as written


def test_dates_weekdays_and_numbers_read_as_norwegian() -> None:
    monday = dt.date(2026, 11, 16)
    assert (words.weekday(monday), words.WEEKDAY_PLURALS[monday.weekday()]) == (
        "mandag",
        "mandager",
    )
    assert words.format_date(monday) == "16.11.2026"
    assert words.format_day_month(monday) == "16.11"
    assert words.format_number(2.50) == "2,5" and words.format_number(3.0) == "3"
    assert words.decimal_comma(2.25) == "2,25" and words.decimal_comma(0.5, 1) == "0,5"
    assert words.format_percent(12.25) == "12,2 %"  # binary rounding, as the screens show it
    assert words.percent_half_up(18.25) == "18,3 %"  # half up, as a reader rounds
    assert words.whole_percent(0.274) == "27 %"
