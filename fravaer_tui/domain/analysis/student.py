"""The student's page: heatmap, week by week, totals and the marks, for one student in one
class (DESIGN, Who uses it: the kontaktlærer's view of a student).

Pure functions of the roster, the calendar, registrations, meldinger and the dates asked
for: no I/O and no clock. One lesson grid throughout:

- a student's lessons are the lessons of their class's timetable on school days;
- a lesson is *missed* when the student has a `fravaer` or `forlot` mark on it; lessons
  missed on one date count at most as many as the class had that day, and marks on a day
  without lessons (a day off) are listed (`mark_rows`) but never counted;
- a day is *whole* when the student missed every lesson the class had that day; as on the
  vitnemål (see `yearreport`), lessons missed on other days are hours, summed in minutes
  from the timetable and never converted to days. `Totals.days` is the rules' measure, the
  sum of day fractions (a whole day 1, 3 of 6 lessons 0.5).

`StudentView` is the one context the page's figures share (the student, the class, the
school's roster, calendar and registrations); it finds the student's marks once. The
functions `heatmap`, `weekly_trend`, `totals` and `mark_rows` with the long parameter lists
are the same figures for callers that want one of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fravaer_tui.domain.analysis.grid import (
    absent_by_date,
    dates,
    day_slots,
    monday_of,
    student_marks,
)
from fravaer_tui.domain.model import Mark, MarkType, Melding, Reason, Registration, Roster, Validity
from fravaer_tui.domain.rules import effective_validity
from fravaer_tui.domain.schoolcalendar import SchoolCalendar

SPARK_LEVELS = "▂▃▄▅▆▇█"
SPARK_ZERO = "▁"
SPARK_TOP_FLOOR = 25.0  # percent: a week at 2 % beside weeks at 0 % must not look like a wall


@dataclass(frozen=True, slots=True)
class HeatCell:
    """One date: the class's lessons and those the student missed (`lessons` 0 = no school)."""

    dato: dt.date
    lessons: int
    missed: int
    share: float


@dataclass(frozen=True, slots=True)
class Heatmap:
    """One row per ISO week, Monday to Friday; None for a date outside the range asked for."""

    weeks: tuple[int, ...]
    rows: tuple[tuple[HeatCell | None, ...], ...]


@dataclass(frozen=True, slots=True)
class WeekPoint:
    """One ISO week (`fra` is its Monday): lessons the class had in the range, and missed."""

    uke: int
    fra: dt.date
    prosent: float
    missed: int
    lessons: int


@dataclass(frozen=True, slots=True)
class Totals:
    """A student's absence in a period.

    `days` is the sum of day fractions (the rules' measure); `whole_days` and `hours` are the
    vitnemål pair: whole days, and the lessons missed on other days in 60-minute units.
    `prosent` is absent lessons of held lessons.
    """

    days: float
    whole_days: int
    hours: float
    minutes: int
    lates: int
    late_minutes: int
    forlot: int
    held: int
    absent: int
    prosent: float


@dataclass(frozen=True, slots=True)
class MarkRow:
    """One mark on the student's page; `validity`/`reason` only for absences, and only when
    the viewer may see reasons."""

    dato: dt.date
    time: int
    fag: str
    kind: MarkType | None
    minutter: int | None
    merknad: str
    validity: Validity | None
    reason: Reason | None


class StudentView:
    """One student in one class, with the school's roster, calendar and registrations: the
    context every figure on the student's page is read from (`patterns` too)."""

    __slots__ = ("elev", "klasse", "roster", "calendar", "registrations", "_marks")

    def __init__(
        self,
        elev: str,
        klasse: str,
        roster: Roster,
        calendar: SchoolCalendar,
        registrations: Iterable[Registration],
    ) -> None:
        self.elev = elev
        self.klasse = klasse
        self.roster = roster
        self.calendar = calendar
        self.registrations: Sequence[Registration] = (
            registrations if isinstance(registrations, Sequence) else tuple(registrations)
        )
        self._marks: list[tuple[Registration, Mark]] | None = None

    def marks(self, fra: dt.date, til: dt.date) -> list[tuple[Registration, Mark]]:
        """The student's marks fra..til, in the order of the registrations."""
        if self._marks is None:
            self._marks = [
                (reg, mark)
                for reg in self.registrations
                for mark in reg.marks
                if mark.elev == self.elev
            ]
        return [(reg, mark) for reg, mark in self._marks if fra <= reg.dato <= til]

    def lessons_on(self, dato: dt.date) -> int:
        return len(day_slots(self.roster, self.calendar, self.klasse, dato))

    def _grid(self, fra: dt.date, til: dt.date) -> dict[dt.date, tuple[int, int]]:
        """date -> (the class's lessons, lessons the student missed), every date fra..til."""
        absent = absent_by_date(self.marks(fra, til))
        grid = {}
        for dato in dates(fra, til):
            lessons = self.lessons_on(dato)
            grid[dato] = (lessons, min(lessons, len(absent.get(dato, ()))))
        return grid

    def heatmap(self, fra: dt.date, til: dt.date) -> Heatmap:
        """The student's absence fra..til as weeks × weekdays, by share of the day's lessons."""
        grid = self._grid(fra, til)
        weeks: list[int] = []
        rows: list[tuple[HeatCell | None, ...]] = []
        monday = monday_of(fra)
        while monday <= til:
            row: list[HeatCell | None] = []
            for offset in range(5):
                dato = monday + dt.timedelta(days=offset)
                if dato not in grid:
                    row.append(None)
                    continue
                lessons, missed = grid[dato]
                row.append(HeatCell(dato, lessons, missed, missed / lessons if lessons else 0.0))
            if any(cell is not None for cell in row):  # a range may start on a Saturday
                weeks.append(monday.isocalendar().week)
                rows.append(tuple(row))
            monday += dt.timedelta(days=7)
        return Heatmap(tuple(weeks), tuple(rows))

    def weekly_trend(self, fra: dt.date, til: dt.date) -> list[WeekPoint]:
        """Absence percentage per ISO week fra..til; a week without lessons has lessons 0."""
        weeks: dict[dt.date, list[int]] = {}
        for dato, (lessons, missed) in self._grid(fra, til).items():
            if dato.isoweekday() > 5:
                continue  # the same weeks as the heatmap's rows
            week = weeks.setdefault(monday_of(dato), [0, 0])
            week[0] += lessons
            week[1] += missed
        return [
            WeekPoint(
                uke=monday.isocalendar().week,
                fra=monday,
                prosent=100.0 * missed / lessons if lessons else 0.0,
                missed=missed,
                lessons=lessons,
            )
            for monday, (lessons, missed) in sorted(weeks.items())
        ]

    def totals(self, fra: dt.date, til: dt.date) -> Totals:
        """Days, hours, lates, forlot and percentage of held lessons for fra..til (module
        doc)."""
        marks = self.marks(fra, til)
        held = sum(self.lessons_on(d) for d in self.calendar.school_days(fra, til))
        days = 0.0
        whole = minutes = absent = forlot = 0
        for dato, missed in absent_by_date(marks).items():
            lessons = self.lessons_on(dato)
            if not lessons:
                continue
            count = min(lessons, len(missed))
            absent += count
            days += count / lessons
            forlot += sum(1 for mark in missed.values() if mark.kind is MarkType.FORLOT)
            if count == lessons:
                whole += 1
            else:
                minutes += sum(self.roster.lesson_minutes(k, dato, t) for k, t in missed)
        lates = {
            (reg.klasse, reg.dato, reg.time): mark
            for reg, mark in marks
            if mark.kind is MarkType.SENT
        }
        return Totals(
            days=round(days, 2),
            whole_days=whole,
            hours=minutes / 60,
            minutes=minutes,
            lates=len(lates),
            late_minutes=sum(mark.minutter or 0 for mark in lates.values()),
            forlot=forlot,
            held=held,
            absent=absent,
            prosent=100.0 * absent / held if held else 0.0,
        )

    def mark_rows(
        self, meldinger: Iterable[Melding], fra: dt.date, til: dt.date, with_reasons: bool
    ) -> list[MarkRow]:
        """Every mark fra..til, newest first (`mark_rows`)."""
        return _rows(self.elev, self.roster, self.marks(fra, til), meldinger, with_reasons)


def _rows(
    elev: str,
    roster: Roster,
    marks: Iterable[tuple[Registration, Mark]],
    meldinger: Iterable[Melding],
    with_reasons: bool,
) -> list[MarkRow]:
    own = [m for m in meldinger if m.elev == elev] if with_reasons else []
    rows = []
    for reg, mark in marks:
        slot = roster.slot_on(reg.klasse, reg.dato, reg.time)
        validity: Validity | None = None
        reason: Reason | None = None
        if with_reasons and mark.is_absence:
            validity, reason = effective_validity(mark, reg.dato, own)
        rows.append(
            MarkRow(
                dato=reg.dato,
                time=reg.time,
                fag=slot.fag if slot else "",
                kind=mark.kind,
                minutter=mark.minutter,
                merknad=mark.merknad,
                validity=validity,
                reason=reason,
            )
        )
    rows.sort(key=lambda r: (r.dato, r.time), reverse=True)
    return rows


def heat_char(cell: HeatCell | None) -> str:
    """A shade that reads without colour: " " no school, "·" present, "░▒▓" part, "█" whole day."""
    if cell is None or cell.lessons == 0:
        return " "
    if cell.missed == 0:
        return "·"
    if cell.share < 0.25:
        return "░"
    if cell.share < 0.5:
        return "▒"
    if cell.missed < cell.lessons:
        return "▓"
    return "█"


def sparkline(points: list[WeekPoint]) -> str:
    """One character per week: " " no lessons, "▁" no absence, "▂".."█" up to the top week.

    The scale tops out at the highest week, but never below 25 %, so a calm term stays low.
    """
    top = max([SPARK_TOP_FLOOR, *(p.prosent for p in points)])
    chars = []
    for p in points:
        if p.lessons == 0:
            chars.append(" ")
        elif p.missed == 0:
            chars.append(SPARK_ZERO)
        else:
            level = round(p.prosent / top * (len(SPARK_LEVELS) - 1))
            chars.append(SPARK_LEVELS[min(len(SPARK_LEVELS) - 1, max(0, level))])
    return "".join(chars)


def heatmap(
    elev: str,
    klasse: str,
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    fra: dt.date,
    til: dt.date,
) -> Heatmap:
    """`StudentView.heatmap`."""
    return StudentView(elev, klasse, roster, calendar, registrations).heatmap(fra, til)


def weekly_trend(
    elev: str,
    klasse: str,
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    fra: dt.date,
    til: dt.date,
) -> list[WeekPoint]:
    """`StudentView.weekly_trend`."""
    return StudentView(elev, klasse, roster, calendar, registrations).weekly_trend(fra, til)


def totals(
    elev: str,
    klasse: str,
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    fra: dt.date,
    til: dt.date,
) -> Totals:
    """`StudentView.totals`."""
    return StudentView(elev, klasse, roster, calendar, registrations).totals(fra, til)


def mark_rows(
    elev: str,
    roster: Roster,
    registrations: Iterable[Registration],
    meldinger: Iterable[Melding],
    fra: dt.date,
    til: dt.date,
    with_reasons: bool,
) -> list[MarkRow]:
    """Every mark fra..til, newest first; validity and reason only `with_reasons`.

    Only a student's kontaktlærer and ledelsen see reasons (DESIGN, Personal data): a
    faglærer's view passes `with_reasons=False` and gets None in both.
    """
    marks = student_marks(elev, registrations, fra, til)
    return _rows(elev, roster, marks, meldinger, with_reasons)
