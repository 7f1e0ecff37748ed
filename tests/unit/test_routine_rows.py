"""The overviews' rows for issue 13 (pure): a review missed week after week is one row with
the count of the rest, a period due but not late is its own row, trinn 8 comes before 10."""

from __future__ import annotations

import datetime as dt

from fravaer_tui.application.morning import MorningRow
from fravaer_tui.application.routine_rows import (
    group_due,
    insert_before,
    period_text,
    review_rows,
    reviews_listed,
)
from fravaer_tui.domain.model import Roster
from fravaer_tui.domain.profiles import ReviewDef
from fravaer_tui.domain.reviews import Occurrence, Period

TODAY = dt.date(2026, 11, 20)  # a Friday
WEEKLY = ReviewDef("uke", "Ukemøtet", "ledelse", "ukentlig", "skole", ("saker",))
TRINN = ReviewDef("trinn", "Trinnet", "ledelse", "to_ganger_semester", "trinn", ("fravaer",))


def week(monday: dt.date) -> Occurrence:
    friday = monday + dt.timedelta(days=4)
    return Occurrence(WEEKLY, "", Period(monday, monday + dt.timedelta(days=6), friday), None)


def test_missed_weeks_are_one_row_and_this_week_its_own() -> None:
    mondays = [dt.date(2026, 10, 26) + dt.timedelta(weeks=n) for n in range(4)]  # to 16.11
    grouped = group_due([week(m) for m in reversed(mondays)], TODAY)
    assert [(o.period.fra, more) for o, more in grouped] == [
        (dt.date(2026, 10, 26), 2),  # the oldest missed, and two more after it
        (dt.date(2026, 11, 16), 0),  # this week: due today, not late
    ]
    rows = review_rows(reviews_listed([week(m) for m in mondays], TODAY), Roster(), TODAY)
    assert [r.kind for r in rows] == ["heading", "gjennomgang", "gjennomgang"]
    late, due = rows[1], rows[2]
    assert late.warn and "FORFALT, og 2 perioder til" in late.right
    assert not due.warn and "(i dag)" in due.right and "FORFALT" not in due.right
    assert period_text(grouped[1][0]) == "uke 47 (16.11.2026–22.11.2026)"


def test_trinn_8_before_10_and_the_section_before_its_neighbour() -> None:
    period = Period(dt.date(2026, 8, 1), dt.date(2026, 10, 20), dt.date(2026, 10, 20))
    due = [Occurrence(TRINN, t, period, None) for t in ("10", "9", "8")]
    assert [o.omfang for o, _ in group_due(due, TODAY)] == ["8", "9", "10"]
    rows = [MorningRow("heading|a", "heading", "A"), MorningRow("heading|b", "heading", "B")]
    insert_before(rows, "b", review_rows([], Roster(), TODAY))
    assert [r.key for r in rows] == [
        "heading|a",
        "heading|gjennomgang",
        "tom|gjennomgang",
        "heading|b",
    ]
