"""Shared factories for the domain tests: a toy school small enough to reason about by hand.

`ToySchool(roster, calendar)` makes registrations the way a teacher would: `absent` (every
lesson of the day, or some), `whole_days`, `left`, `late`, `remark`, `present`, and
`melding`s from foresatte. The calendar is the school year 2026–2027 with the holidays
both seeds' schools have (sommer-, høst- and juleferie).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from fravaer_tui.domain.model import (
    Holiday,
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    Roster,
    Slot,
    Student,
    Validity,
)
from fravaer_tui.domain.schoolcalendar import SchoolCalendar

D = dt.date

CALENDAR_2026_2027 = SchoolCalendar(
    (
        Holiday("Sommerferie", D(2026, 8, 1), D(2026, 8, 16)),
        Holiday("Høstferie", D(2026, 10, 5), D(2026, 10, 9)),
        Holiday("Juleferie", D(2026, 12, 21), D(2027, 1, 1)),
        Holiday("Sommerferie", D(2027, 6, 19), D(2027, 7, 31)),
    )
)


def hourly(klasse: str, periods: dict[int, int], fag: str, laerer: str) -> list[Slot]:
    """Periods 1..n on each weekday (`periods`: ukedag -> n), 45 minutes from 09:00 on."""
    return [
        Slot(klasse, ukedag, time, dt.time(8 + time), dt.time(8 + time, 45), fag, laerer)
        for ukedag, n in periods.items()
        for time in range(1, n + 1)
    ]


SIX_SIX_SIX_SIX_FIVE = {1: 6, 2: 6, 3: 6, 4: 6, 5: 5}  # a long day Mon–Thu, Friday shorter
FOUR_A_DAY = {1: 4, 2: 4, 3: 4, 4: 4, 5: 4}


class ToySchool:
    """Registrations and meldinger for a roster and its calendar, made by hand in tests."""

    def __init__(self, roster: Roster, calendar: SchoolCalendar = CALENDAR_2026_2027) -> None:
        self.roster = roster
        self.calendar = calendar
        self._ids = itertools.count(1)

    def student(self, elev: str) -> Student:
        found = self.roster.student(elev)
        assert found is not None, elev
        return found

    def klasse_of(self, elev: str) -> str:
        return self.student(elev).klasse

    def lessons_on(self, klasse: str, dato: dt.date) -> list[int]:
        if not self.calendar.is_school_day(dato):
            return []
        return [s.time for s in self.roster.slots(klasse, dato.isoweekday())]

    def school_days(self, fra: dt.date, til: dt.date) -> list[dt.date]:
        return list(self.calendar.school_days(fra, til))

    @staticmethod
    def reg(klasse: str, dato: dt.date, time: int, marks: Iterable[Mark] = ()) -> Registration:
        return Registration(
            klasse, dato, time, "t1", dt.datetime.combine(dato, dt.time(8)), tuple(marks)
        )

    def absent(
        self,
        elev: str,
        dato: dt.date,
        times: Iterable[int] | None = None,
        *,
        kind: MarkType = MarkType.FRAVAER,
        validity: Validity | None = None,
        reason: Reason | None = None,
        minutter: int | None = None,
    ) -> list[Registration]:
        """The student marked in `times` (default: every lesson of the day)."""
        klasse = self.klasse_of(elev)
        wanted = self.lessons_on(klasse, dato) if times is None else list(times)
        mark = Mark(elev, kind, minutter, "", validity, reason)
        return [self.reg(klasse, dato, t, [mark]) for t in wanted]

    def whole_days(self, elev: str, *datoer: dt.date, **kw: object) -> list[Registration]:
        return [reg for dato in datoer for reg in self.absent(elev, dato, None, **kw)]  # type: ignore[arg-type]

    def left(
        self, elev: str, dato: dt.date, times: Iterable[int] = (6,), **kw: object
    ) -> list[Registration]:
        return self.absent(elev, dato, times, kind=MarkType.FORLOT, **kw)  # type: ignore[arg-type]

    def late(
        self, elev: str, dato: dt.date, times: Iterable[int] = (1,), minutter: int | None = 10
    ) -> list[Registration]:
        return self.absent(elev, dato, times, kind=MarkType.SENT, minutter=minutter)

    def remark(
        self, elev: str, dato: dt.date, time: int = 1, merknad: str = "mangler utstyr"
    ) -> list[Registration]:
        return [self.reg(self.klasse_of(elev), dato, time, [Mark(elev, None, None, merknad)])]

    def present(self, klasse: str, *datoer: dt.date) -> list[Registration]:
        """Roll calls with everyone present, for every lesson of the days."""
        return [self.reg(klasse, d, t) for d in datoer for t in self.lessons_on(klasse, d)]

    def melding(
        self,
        elev: str,
        fra: dt.date,
        til: dt.date | None = None,
        reason: Reason = Reason.SYKDOM,
        validity: Validity = Validity.GYLDIG,
        tid: dt.datetime | None = None,
    ) -> Melding:
        return Melding(f"m{next(self._ids)}", elev, fra, til or fra, reason, validity, "t1", tid)
