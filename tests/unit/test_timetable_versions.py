"""One timetable index on the roster, and every reader using the version valid on the date
(issue 10, point 4; DESIGN, Lesson: «a date always uses the version valid on it»).

The toy school (`timetable_kit`): 8A's six 45-minute lessons a day become three 60-minute
lessons from Monday 16.11.2026. Lessons before 16.11 keep the old periods: their number, their
subjects and their length.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fravaer_tui.application.lessons import current_lesson, lessons_on
from fravaer_tui.application.school import open_school
from fravaer_tui.cli import main
from fravaer_tui.domain.access import teaches
from fravaer_tui.domain.analysis import heatmap, mark_rows, totals
from fravaer_tui.domain.csvio import (
    absences_to_registrations,
    format_timetable_csv,
    parse_absences,
)
from fravaer_tui.domain.model import Slot
from fravaer_tui.domain.timetable import DEFAULT_LESSON_MINUTES, TimetableIndex, TimetableVersion
from fravaer_tui.domain.yearreport import year_report
from fravaer_tui.errors import InputErrors
from tests.unit.conftest import CALENDAR_2026_2027 as CAL
from tests.unit.timetable_kit import (
    HEADER,
    NEW_FROM,
    NEW_MONDAY,
    OLD_FROM,
    OLD_MONDAY,
    ROSTER,
    D,
    absent,
)

# --- the index -------------------------------------------------------------------------------


def test_the_roster_builds_its_index_once_and_answers_by_the_date() -> None:
    index = ROSTER.timetable_index
    assert ROSTER.timetable_index is index  # built on first use, then kept
    assert [v.fra for v in ROSTER.versions] == [OLD_FROM, NEW_FROM]
    assert list(index.periods_on("8A", OLD_MONDAY)) == [1, 2, 3, 4, 5, 6]
    assert list(index.periods_on("8A", NEW_MONDAY)) == [1, 2, 3]
    assert index.periods_on("8A", D(2026, 7, 31)) == {}  # before the first version
    assert ROSTER.slot_on("8A", OLD_MONDAY, 5) is not None
    assert ROSTER.slot_on("8A", NEW_MONDAY, 5) is None
    # callers without a date get the newest version
    assert [s.time for s in ROSTER.slots("8A", 1)] == [1, 2, 3]
    assert ROSTER.slot("8A", 1, 2) == ROSTER.slot_on("8A", NEW_MONDAY, 2)


def test_who_teaches_a_class_is_read_from_the_newest_version(demo_school) -> None:
    """`access.teaches` asks the roster's index of the classes a teacher has lessons with
    in the newest timetable: the same answer as going through the timetable each time."""
    roster = demo_school.roster
    for person in roster.staff:
        wanted = {s.klasse for s in roster.timetable if s.laerer == person.id}
        assert roster.classes_taught_by(person.id) == wanted
        assert {k for k in roster.classes if teaches(roster, person, k)} == wanted
    assert roster.classes_taught_by("finnes-ikke") == frozenset()
    assert ROSTER.classes_taught_by("t2") == {"8A"}  # the newest version's teacher
    assert ROSTER.classes_taught_by("t1") == frozenset()  # only in the older version


def test_one_rule_for_a_lessons_length() -> None:
    index = ROSTER.timetable_index
    assert index.lesson_minutes("8A", OLD_MONDAY, 5) == 45  # its slot in the old version
    assert index.lesson_minutes("8A", NEW_MONDAY, 2) == 60  # its slot in the new one
    # not in the version of its date: the class's usual length in that version
    assert index.lesson_minutes("8A", NEW_MONDAY, 5) == 60
    assert index.lesson_minutes("8A", OLD_MONDAY, 9) == 45
    # a class the version does not have: the school's usual length in that version
    assert index.lesson_minutes("7C", NEW_MONDAY, 1) == 60
    # before the first version: the first version's
    assert index.lesson_minutes("8A", D(2026, 7, 1), 1) == 45
    assert TimetableIndex(()).lesson_minutes("8A", NEW_MONDAY, 1) == DEFAULT_LESSON_MINUTES


def test_on_a_tie_the_shorter_length_wins_whatever_the_order_of_the_file() -> None:
    short = Slot("8A", 1, 1, dt.time(9), dt.time(9, 45), "norsk", "t1")
    long = Slot("8A", 1, 2, dt.time(10), dt.time(11), "norsk", "t1")
    for slots in ((short, long), (long, short)):
        index = TimetableIndex((TimetableVersion(OLD_FROM, slots),))
        assert index.lesson_minutes("8A", OLD_MONDAY, 7) == 45


# --- analysis: the student's page ------------------------------------------------------------


def test_the_heatmap_counts_the_lessons_of_the_version_valid_that_day() -> None:
    registrations = absent(OLD_MONDAY, 1, 2, 3, 4, 5, 6) + absent(NEW_MONDAY, 1, 2, 3)
    hm = heatmap("ola", "8A", ROSTER, CAL, registrations, OLD_MONDAY, NEW_MONDAY)
    old_cell, new_cell = hm.rows[0][0], hm.rows[1][0]
    assert old_cell is not None and new_cell is not None
    assert (old_cell.lessons, old_cell.missed) == (6, 6)
    assert (new_cell.lessons, new_cell.missed) == (3, 3)


def test_totals_count_held_lessons_and_minutes_by_the_version_of_each_date() -> None:
    registrations = absent(OLD_MONDAY, 1, 2) + absent(NEW_MONDAY, 1)
    found = totals("ola", "8A", ROSTER, CAL, registrations, OLD_MONDAY, NEW_MONDAY)
    assert found.held == 5 * 6 + 1 * 3  # Mon–Fri before 16.11, Monday 16.11 after
    assert found.minutes == 2 * 45 + 60
    assert found.days == round(2 / 6 + 1 / 3, 2)


def test_mark_rows_name_the_subject_the_lesson_had() -> None:
    registrations = absent(OLD_MONDAY, 5) + absent(NEW_MONDAY, 2)
    rows = mark_rows("ola", ROSTER, registrations, [], OLD_MONDAY, NEW_MONDAY, False)
    assert [(r.dato, r.time, r.fag) for r in rows] == [
        (NEW_MONDAY, 2, "matematikk"),
        (OLD_MONDAY, 5, "norsk"),
    ]


# --- the year report -------------------------------------------------------------------------


def test_the_year_report_judges_whole_days_and_hours_by_the_version_of_each_date() -> None:
    # Three of six lessons on the old Monday are hours, not a whole day; all three lessons of
    # the new Monday are a whole day.
    registrations = absent(OLD_MONDAY, 1, 2, 3) + absent(NEW_MONDAY, 1, 2, 3)
    student = ROSTER.student("ola")
    assert student is not None
    report = year_report(student, ROSTER, CAL, registrations, [], "2026-2027", NEW_MONDAY)
    assert (report.year.days, report.year.partial_days) == (1, 1)
    assert report.year.minutes == 3 * 45


# --- the absence import ----------------------------------------------------------------------


def test_the_absence_import_checks_periods_against_the_version_of_the_rows_date() -> None:
    rows = parse_absences(
        HEADER + "ola,2026-11-09,5,fravaer,,,\nola,2026-11-10,,fravaer,,,\n", "f.csv", ROSTER, CAL
    )
    made = absences_to_registrations(rows, ROSTER, {}, "t1", dt.datetime(2026, 11, 20, 15))
    by_date = {(r.dato, r.time) for r in made}
    assert (OLD_MONDAY, 5) in by_date
    assert sorted(t for d, t in by_date if d == D(2026, 11, 10)) == [1, 2, 3, 4, 5, 6]
    whole_new = parse_absences(HEADER + "ola,2026-11-17,,fravaer,,,\n", "f.csv", ROSTER, CAL)
    made = absences_to_registrations(whole_new, ROSTER, {}, "t1", dt.datetime(2026, 11, 20, 15))
    assert sorted(r.time for r in made) == [1, 2, 3]
    with pytest.raises(InputErrors) as errors:
        parse_absences(HEADER + "ola,2026-11-16,5,fravaer,,,\n", "f.csv", ROSTER, CAL)
    assert "8A har ingen time 5 på mandager (timeplanen har time 1, 2, 3)" in str(errors.value)


# --- the lessons of a day and the lesson going on now, on a real school ----------------------


def _import_short_mondays(data: Path, tmp_path: Path) -> list[Slot]:
    """From Monday 23.11.2026 8A has periods 1–3 on Mondays; returns the periods it lost."""
    before = open_school(data).roster.timetable
    kept = [s for s in before if not (s.klasse == "8A" and s.ukedag == 1 and s.time > 3)]
    csv_file = tmp_path / "timeplan.csv"
    csv_file.write_text(format_timetable_csv(kept), encoding="utf-8")
    argv = ["--data", str(data), "--user", "A001", "--now", "2026-11-20 15:00"]
    assert main([*argv, "import", "timetable", str(csv_file), "--from", "2026-11-23"]) == 0
    return [s for s in before if s.klasse == "8A" and s.ukedag == 1 and s.time > 3]


def test_the_lessons_of_a_day_are_the_periods_of_that_days_version(
    demo_dir: Path, tmp_path: Path, capsys
) -> None:
    lost = _import_short_mondays(demo_dir, tmp_path)
    capsys.readouterr()
    school = open_school(demo_dir)
    user = school.roster.staff_member(lost[0].laerer)
    assert user is not None
    before = [
        s.slot.time for s in lessons_on(school, D(2026, 11, 16), user) if s.slot.klasse == "8A"
    ]
    after = [
        s.slot.time for s in lessons_on(school, D(2026, 11, 23), user) if s.slot.klasse == "8A"
    ]
    assert sorted(before) == sorted([1, 2, 3] + [s.time for s in lost])
    assert sorted(after) == [1, 2, 3]
    # the demo registered the lessons of 16.11: the old periods show their registrations
    old = [s for s in lessons_on(school, D(2026, 11, 16), user) if s.slot in lost]
    assert old and all(s.registered for s in old)


def test_the_lesson_going_on_now_is_in_todays_version(
    demo_dir: Path, tmp_path: Path, capsys
) -> None:
    lost = _import_short_mondays(demo_dir, tmp_path)
    capsys.readouterr()
    school = open_school(demo_dir)
    slot = lost[0]
    user = school.roster.staff_member(slot.laerer)
    assert user is not None
    five_in = dt.timedelta(minutes=5)
    on_the_old_monday = dt.datetime.combine(D(2026, 11, 16), slot.start) + five_in
    assert current_lesson(school, user, on_the_old_monday) == slot
    assert current_lesson(school, user, on_the_old_monday + dt.timedelta(days=7)) != slot
