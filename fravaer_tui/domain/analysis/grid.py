"""The lesson grid the student's page and the patterns read: a class's lessons on a date
(the timetable version valid that day, none on a day off) and a student's marks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from fravaer_tui.domain.model import Mark, Registration, Roster, Slot
from fravaer_tui.domain.schoolcalendar import ONE_DAY, SchoolCalendar


def day_slots(roster: Roster, calendar: SchoolCalendar, klasse: str, dato: dt.date) -> list[Slot]:
    """The class's lessons on `dato` by the timetable version valid that day; none on a day
    off."""
    if not calendar.is_school_day(dato):
        return []
    return list(roster.timetable_index.periods_on(klasse, dato).values())


def student_marks(
    elev: str, registrations: Iterable[Registration], fra: dt.date, til: dt.date
) -> list[tuple[Registration, Mark]]:
    found = []
    for reg in registrations:
        if fra <= reg.dato <= til:
            for mark in reg.marks:
                if mark.elev == elev:
                    found.append((reg, mark))
    return found


def absent_by_date(
    marks: Iterable[tuple[Registration, Mark]],
) -> dict[dt.date, dict[tuple[str, int], Mark]]:
    """Distinct (class, period) missed per date: a lesson marked twice counts once."""
    by_date: dict[dt.date, dict[tuple[str, int], Mark]] = defaultdict(dict)
    for reg, mark in marks:
        if mark.is_absence:
            by_date[reg.dato][(reg.klasse, reg.time)] = mark
    return by_date


def dates(fra: dt.date, til: dt.date) -> Iterable[dt.date]:
    dato = fra
    while dato <= til:
        yield dato
        dato += ONE_DAY


def monday_of(dato: dt.date) -> dt.date:
    return dato - dt.timedelta(days=dato.weekday())
