"""One mark's rules, checked in one place for every way a mark comes in: the register and
`fravaer register` (`application.lessons.save_registration`) and the absence import
(`csvio.parse_absences`). DESIGN, Marks: «`sent` — late, with minutes».

- `sent` has minutes: a whole number from 1 to the lesson's length (`Roster.lesson_minutes`,
  the timetable version valid on the lesson's date), so a late can never be longer than the
  lesson it was late for;
- only `sent` has minutes;
- a reason goes with a validity other than *ikke meldt*: a reason means foresatte reported it,
  or the school judged it;
- a present student's mark (no kind) carries a remark and nothing else: minutes, validity and
  reason belong to absence.

Each problem names the field it is about (the absence CSV's column names) and says what is
wrong in Norwegian, without who or where: the caller adds the student, the line or the lesson.
"""

from __future__ import annotations

from dataclasses import dataclass

from fravaer_tui.domain.model import Mark, MarkType, Validity


@dataclass(frozen=True, slots=True)
class MarkProblem:
    """What is wrong with one mark: `field` is «minutter», «gyldighet» or «aarsak»."""

    field: str
    text: str


def late_minutes_problem(minutter: int | None, lesson_minutes: int | None) -> str | None:
    """Why `minutter` are not the minutes of a late in a lesson of `lesson_minutes` (None:
    the lesson is not known, so only that there are minutes is checked); None if they are."""
    span = f" (1–{lesson_minutes})" if lesson_minutes is not None else ""
    if minutter is None:
        return f"sent må ha antall minutter{span}"
    if lesson_minutes is None:
        return None if minutter >= 1 else f"minutter for sent må være minst 1; fikk «{minutter}»"
    if not 1 <= minutter <= lesson_minutes:
        return (
            f"minutter for sent må være et helt tall fra 1 til {lesson_minutes} "
            f"(timen varer {lesson_minutes} minutter); fikk «{minutter}»"
        )
    return None


def mark_problems(mark: Mark, lesson_minutes: int | None) -> list[MarkProblem]:
    """Every rule of the module docstring that `mark` breaks, in a lesson `lesson_minutes` long."""
    problems: list[MarkProblem] = []
    if mark.kind is None:
        for field, value in (
            ("minutter", mark.minutter),
            ("gyldighet", mark.validity),
            ("aarsak", mark.reason),
        ):
            if value is not None:
                problems.append(
                    MarkProblem(field, f"{field} hører til fravær, ikke til en merknad alene")
                )
        return problems
    if mark.kind is MarkType.SENT:
        late = late_minutes_problem(mark.minutter, lesson_minutes)
        if late is not None:
            problems.append(MarkProblem("minutter", late))
    elif mark.minutter is not None:
        problems.append(MarkProblem("minutter", "minutter kan bare fylles ut for type sent"))
    if mark.reason is not None and mark.validity is Validity.IKKE_MELDT:
        problems.append(
            MarkProblem("aarsak", "en årsak kan ikke stå sammen med gyldighet ikke_meldt")
        )
    return problems
