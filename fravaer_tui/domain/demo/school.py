"""The demo school as a whole: `build_demo` puts the year, the people, the timetable and
the history together."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from fravaer_tui.domain.demo.habits import _all_habits
from fravaer_tui.domain.demo.history import _History
from fravaer_tui.domain.demo.people import _class_names, _students
from fravaer_tui.domain.demo.timetable import _timetable_and_staff
from fravaer_tui.domain.demo.year import school_holidays
from fravaer_tui.domain.model import Contact, Melding, Registration, Role, Roster, SchoolConfig
from fravaer_tui.domain.schoolcalendar import SchoolCalendar, school_year_bounds

SCHOOL_NAME = "Solbakken ungdomsskole (demo)"


@dataclass(frozen=True, slots=True)
class DemoSchool:
    config: SchoolConfig
    roster: Roster
    registrations: tuple[Registration, ...]
    meldinger: tuple[Melding, ...]
    contacts: tuple[Contact, ...] = ()


def build_demo(
    students: int = 600,
    seed: int = 1,
    until: dt.date | None = None,
    now: dt.datetime | None = None,
) -> DemoSchool:
    """A demo school of `students` students with history from the first school day to `until`.

    With `now` (a moment on `until`), `until` is registered only up to that moment, the way
    it is when the demo is built in the middle of a school day (issue 12, point 9): lessons
    that have not ended are not registered, and some that ended in the last hour are still
    waiting for their teacher. Meldinger come only if they had arrived by then."""
    if until is None:
        raise TypeError("build_demo() needs until= (the date the history runs up to, i.e. today)")
    if students < 1:
        raise ValueError("a demo school needs at least one student")
    rng = random.Random(seed)
    ferier = school_holidays(until)
    calendar = SchoolCalendar(ferier)
    year_start, year_end = school_year_bounds(until)
    year_days = list(calendar.school_days(year_start, year_end))

    classes = _class_names(students)
    student_list = _students(rng, students, classes)
    timetable, staff = _timetable_and_staff(rng, classes)
    roster = Roster(students=student_list, staff=staff, timetable=timetable)

    kontakt = {s.klasser[0]: s.id for s in staff if s.rolle is Role.KONTAKTLAERER}
    if now is not None and now.date() != until:
        raise ValueError("now must be a moment on the day `until`")
    history = _History(rng, year_days, until, timetable, kontakt, now)
    for student, habits in zip(student_list, _all_habits(rng, len(student_list)), strict=True):
        history.add_student(student, habits)
    registrations = history.registrations(classes, staff)
    config = SchoolConfig(navn=SCHOOL_NAME, profil="strand", ferier=ferier, demo=True)
    return DemoSchool(
        config=config,
        roster=roster,
        registrations=registrations,
        meldinger=history.meldinger(),
        contacts=history.contacts(student_list),
    )
