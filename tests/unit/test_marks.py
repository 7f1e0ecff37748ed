"""One mark validation (issue 10, point 4): `domain.marks`, and the same rule through every
door a mark comes in by: a roll call (the register and `fravaer register`) and the absence
import. The lesson's length is the one of the timetable version valid on the lesson's date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fravaer_tui.application.lessons import save_registration
from fravaer_tui.application.school import open_school
from fravaer_tui.domain.csvio import parse_absences
from fravaer_tui.domain.marks import MarkProblem, late_minutes_problem, mark_problems
from fravaer_tui.domain.model import Mark, MarkType, Reason, Validity
from fravaer_tui.errors import InputErrors, UserError
from tests.unit.conftest import CALENDAR_2026_2027 as CAL
from tests.unit.timetable_kit import HEADER, NEW_MONDAY, OLD_MONDAY, ROSTER

D = dt.date
SENT, FRAVAER = MarkType.SENT, MarkType.FRAVAER


@pytest.mark.parametrize(
    ("minutter", "lesson", "problem"),
    [
        (1, 45, None),
        (45, 45, None),
        (46, 45, "fra 1 til 45 (timen varer 45 minutter); fikk «46»"),
        (0, 45, "fra 1 til 45 (timen varer 45 minutter); fikk «0»"),
        (-3, 45, "fikk «-3»"),
        (None, 45, "sent må ha antall minutter (1–45)"),
        (200, None, None),  # the lesson is unknown: its own error says so; only ≥ 1 here
        (0, None, "minst 1"),
        (None, None, "sent må ha antall minutter"),
    ],
)
def test_a_late_is_whole_minutes_within_the_lesson(
    minutter: int | None, lesson: int | None, problem: str | None
) -> None:
    found = late_minutes_problem(minutter, lesson)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_the_other_rules_of_one_mark() -> None:
    assert mark_problems(Mark("ola", FRAVAER), 45) == []
    assert mark_problems(Mark("ola", SENT, 10), 45) == []
    assert mark_problems(Mark("ola", FRAVAER, 10), 45) == [
        MarkProblem("minutter", "minutter kan bare fylles ut for type sent")
    ]
    reason_not_reported = Mark("ola", FRAVAER, None, "", Validity.IKKE_MELDT, Reason.SYKDOM)
    assert [p.field for p in mark_problems(reason_not_reported, 45)] == ["aarsak"]
    remark_with_more = Mark("ola", None, 5, "mangler utstyr", Validity.GYLDIG, Reason.SYKDOM)
    assert [p.field for p in mark_problems(remark_with_more, 45)] == [
        "minutter",
        "gyldighet",
        "aarsak",
    ]
    assert mark_problems(Mark("ola", None, merknad="mangler utstyr"), 45) == []
    # several problems at once are all reported
    both = Mark("ola", SENT, 99, "", Validity.IKKE_MELDT, Reason.LEGE)
    assert [p.field for p in mark_problems(both, 45)] == ["minutter", "aarsak"]


def test_the_import_checks_a_late_against_the_lesson_of_its_dates_version() -> None:
    """45-minute lessons before 16.11.2026, 60-minute lessons from then (timetable_kit)."""
    rows = parse_absences(HEADER + "ola,2026-11-16,1,sent,50,,\n", "f.csv", ROSTER, CAL)
    assert [(r.dato, r.minutter) for r in rows] == [(NEW_MONDAY, 50)]
    with pytest.raises(InputErrors) as errors:
        parse_absences(HEADER + "ola,2026-11-09,1,sent,50,,\n", "f.csv", ROSTER, CAL)
    [error] = errors.value.errors
    assert (error.line, error.field) == (2, "minutter")
    assert "fra 1 til 45 (timen varer 45 minutter); fikk «50»" in error.problem
    assert OLD_MONDAY < NEW_MONDAY


def test_an_unreadable_field_is_reported_once() -> None:
    with pytest.raises(InputErrors) as errors:
        parse_absences(HEADER + "ola,2026-11-09,1,sent,2.5,,\n", "f.csv", ROSTER, CAL)
    found = errors.value.errors
    assert [(e.field, e.problem) for e in found] == [
        ("minutter", "«2.5» er ikke et gyldig antall minutter (et helt tall)")
    ]


def test_a_roll_call_refuses_a_late_longer_than_the_lesson(demo_dir: Path) -> None:
    school = open_school(demo_dir)
    dato = D(2026, 11, 20)
    slot = school.roster.slots_on("8A", dato)[0]
    elev = school.roster.students_in("8A")[0].id
    now = dt.datetime(2026, 11, 20, 15)
    with pytest.raises(UserError) as refused:
        save_registration(
            school, "8A", dato, slot.time, [Mark(elev, SENT, slot.minutes + 1)], "A005", now
        )
    assert f"fra 1 til {slot.minutes} (timen varer {slot.minutes} minutter)" in str(refused.value)
    assert elev in str(refused.value)
    with pytest.raises(UserError, match="Minutter kan bare fylles ut for type sent"):
        save_registration(school, "8A", dato, slot.time, [Mark(elev, FRAVAER, 5)], "A005", now)
    saved, _ = save_registration(
        school, "8A", dato, slot.time, [Mark(elev, SENT, slot.minutes)], "A005", now
    )
    assert saved.mark_for(elev) == Mark(elev, SENT, slot.minutes)
