"""A toy school whose timetable changes in the middle of the autumn term (issue 10).

8A has six 45-minute lessons every day (norsk, teacher t1) until a timetable import from
Monday 16.11.2026 gives it three 60-minute lessons a day (matematikk, t2).
"""

from __future__ import annotations

import datetime as dt

from fravaer_tui.domain.model import Mark, MarkType, Registration, Roster, Slot, Student
from fravaer_tui.domain.timetable import TimetableVersion

D = dt.date
OLD_FROM, NEW_FROM = D(2026, 8, 1), D(2026, 11, 16)  # 16.11.2026 is a Monday
OLD_MONDAY, NEW_MONDAY = D(2026, 11, 9), D(2026, 11, 16)


def old_week(klasse: str = "8A") -> tuple[Slot, ...]:
    return tuple(
        Slot(klasse, day, t, dt.time(8 + t), dt.time(8 + t, 45), "norsk", "t1")
        for day in range(1, 6)
        for t in range(1, 7)
    )


def new_week(klasse: str = "8A") -> tuple[Slot, ...]:
    return tuple(
        Slot(klasse, day, t, dt.time(7 + 2 * t), dt.time(8 + 2 * t), "matematikk", "t2")
        for day in range(1, 6)
        for t in range(1, 4)
    )


ROSTER = Roster(
    students=(Student("ola", "Ola", "Nordmann", "8A"), Student("kari", "Kari", "Berg", "8A")),
    versions=(TimetableVersion(NEW_FROM, new_week()), TimetableVersion(OLD_FROM, old_week())),
)


def absent(dato: dt.date, *times: int, elev: str = "ola") -> list[Registration]:
    tid = dt.datetime.combine(dato, dt.time(15))
    return [Registration("8A", dato, t, "t1", tid, (Mark(elev, MarkType.FRAVAER),)) for t in times]


HEADER = "elev_id,dato,time,type,minutter,gyldighet,aarsak\n"  # the absence CSV
