"""Figures behind the student's page, the kontaktlærer's morning and ledelsen's overview.

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

Patterns (Hole, «Kartlegging av situasjonen i søken om det er et mønster»): the student's
share of lessons missed on a weekday, in a period or in a subject, beside the student's own
share on the other lessons («ellers») and the share of the other students in the class there.
A value stands out when all of these hold (constants below):

- the student missed at least `MIN_MISSED` (3) of its lessons, on at least `MIN_DATES` (2)
  dates: one long day away is not a pattern;
- the student missed at least `MIN_SHARE` (15 %) of its lessons;
- that share is at least `FACTOR` (2×) the student's share ellers, and at least 2× the
  class's share there: if the whole class is often away on Fridays (a tur, a fixed
  activity), a student's Friday absence is not a pattern of theirs;
- it is unlikely to be chance: were the student as often away there as ellers, the chance
  of missing this much would be at most `MAX_CHANCE` (1 %, binomial tail). A weekday counts
  its dates (a day with any absence) against the student's other dates, since one sick
  week puts a whole day on every weekday; a period or subject counts its lessons. On the
  demo school (600 students, random sick spells, no built-in weekday habits) this cut the
  weekday and subject "patterns" of a semester from ~25 to ~3, while the students drawn
  with the *mangler utstyr* habit are all still found.

Strongest first, strength being how far the share rises above the higher of the two
comparisons. The patterns are picked one at a time, each judged without the lessons of
those found before: a student who skips kroppsøving (Tuesdays, periods 5–6) shows a subject
pattern and not also a Tuesday and a period pattern, while a student away on Mondays and on
Fridays shows both. Sentences quote the student's full figures. Remarks about missing
equipment (remark-only marks whose text has «utstyr», Hole) go with the subject: in its
absence sentence, or as a pattern of their own (`dimensjon` "merknad", after the absence
patterns) when there are at least `MIN_REMARKS` (3), on 2 dates or more, at least 2× the
class's rate.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from fravaer_tui.domain import words
from fravaer_tui.domain.model import (
    CancelledLesson,
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    Roster,
    Slot,
    Validity,
    class_sort_key,
)
from fravaer_tui.domain.rules import (
    CheckResult,
    effective_validity,
    melding_cover,
    validity_of,
)
from fravaer_tui.domain.schoolcalendar import ONE_DAY, SchoolCalendar
from fravaer_tui.domain.words import WEEKDAY_PLURALS, WEEKDAYS, decimal_comma, whole_percent

HELE_SKOLEN = "Hele skolen"
NO_PATTERN = "Ingen tydelige mønstre i fraværet."

MIN_MISSED = 3
MIN_DATES = 2
MIN_SHARE = 0.15
FACTOR = 2.0
MIN_REMARKS = 3
MAX_CHANCE = 0.01
UTSTYR = "utstyr"

WEEKDAY_NAMES = WEEKDAYS  # from `words`, as WEEKDAY_PLURALS
SPARK_LEVELS = "▂▃▄▅▆▇█"
SPARK_ZERO = "▁"
SPARK_TOP_FLOOR = 25.0  # percent: a week at 2 % beside weeks at 0 % must not look like a wall

_DIMENSIONS = ("ukedag", "time", "fag")


# --- values ------------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class Pattern:
    """Where a student's absence concentrates, with the comparisons that make it stand out.

    `elev_andel`/`klasse_andel` are shares 0..1 of the lessons with `verdi` (for "merknad":
    remarks per lesson); `elev_timer` counts the student's missed lessons (or remarks) there.
    """

    dimensjon: str
    verdi: str
    elev_andel: float
    klasse_andel: float
    elev_timer: int
    sentence: str
    ellers_andel: float = 0.0
    merknader: int = 0


@dataclass(frozen=True, slots=True)
class DayAbsence:
    elev: str
    dato: dt.date
    marks: tuple[tuple[int, Mark], ...]


@dataclass(frozen=True, slots=True)
class Unreported:
    elev: str
    dato: dt.date
    time: int
    kind: MarkType


@dataclass(frozen=True, slots=True)
class Missing:
    """A lesson of the timetable on a school day that nobody registered (*ikke ført*)."""

    klasse: str
    dato: dt.date
    time: int
    fag: str
    laerer: str


@dataclass(frozen=True, slots=True)
class ClassFigures:
    """A class (or the whole school): students, absence percentage, students per rule."""

    klasse: str
    elever: int
    prosent: float
    over_regel: dict[str, int]

    def andel(self, regel: str) -> float:
        """Share 0..1 of the students with an alert for `regel`."""
        return self.over_regel.get(regel, 0) / self.elever if self.elever else 0.0


# --- the lesson grid ---------------------------------------------------------------------------


def _day_slots(roster: Roster, calendar: SchoolCalendar, klasse: str, dato: dt.date) -> list[Slot]:
    """The class's lessons on `dato` by the timetable version valid that day; none on a day
    off."""
    if not calendar.is_school_day(dato):
        return []
    return list(roster.timetable_index.periods_on(klasse, dato).values())


def _student_marks(
    elev: str, registrations: Iterable[Registration], fra: dt.date, til: dt.date
) -> list[tuple[Registration, Mark]]:
    found = []
    for reg in registrations:
        if fra <= reg.dato <= til:
            for mark in reg.marks:
                if mark.elev == elev:
                    found.append((reg, mark))
    return found


def _absent_by_date(
    marks: Iterable[tuple[Registration, Mark]],
) -> dict[dt.date, dict[tuple[str, int], Mark]]:
    """Distinct (class, period) missed per date: a lesson marked twice counts once."""
    by_date: dict[dt.date, dict[tuple[str, int], Mark]] = defaultdict(dict)
    for reg, mark in marks:
        if mark.is_absence:
            by_date[reg.dato][(reg.klasse, reg.time)] = mark
    return by_date


def _dates(fra: dt.date, til: dt.date) -> Iterable[dt.date]:
    dato = fra
    while dato <= til:
        yield dato
        dato += ONE_DAY


def _grid(
    elev: str,
    klasse: str,
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    fra: dt.date,
    til: dt.date,
) -> dict[dt.date, tuple[int, int]]:
    """date -> (the class's lessons, lessons the student missed), every date fra..til."""
    absent = _absent_by_date(_student_marks(elev, registrations, fra, til))
    grid = {}
    for dato in _dates(fra, til):
        lessons = len(_day_slots(roster, calendar, klasse, dato))
        grid[dato] = (lessons, min(lessons, len(absent.get(dato, ()))))
    return grid


def _monday(dato: dt.date) -> dt.date:
    return dato - dt.timedelta(days=dato.weekday())


# --- the student's page ------------------------------------------------------------------------


def heatmap(
    elev: str,
    klasse: str,
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    fra: dt.date,
    til: dt.date,
) -> Heatmap:
    """The student's absence fra..til as weeks × weekdays, by share of the day's lessons."""
    grid = _grid(elev, klasse, roster, calendar, registrations, fra, til)
    weeks: list[int] = []
    rows: list[tuple[HeatCell | None, ...]] = []
    monday = _monday(fra)
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


def weekly_trend(
    elev: str,
    klasse: str,
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    fra: dt.date,
    til: dt.date,
) -> list[WeekPoint]:
    """Absence percentage per ISO week fra..til; a week without lessons has lessons 0."""
    grid = _grid(elev, klasse, roster, calendar, registrations, fra, til)
    weeks: dict[dt.date, list[int]] = {}
    for dato, (lessons, missed) in grid.items():
        if dato.isoweekday() > 5:
            continue  # the same weeks as the heatmap's rows
        week = weeks.setdefault(_monday(dato), [0, 0])
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


def totals(
    elev: str,
    klasse: str,
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    fra: dt.date,
    til: dt.date,
) -> Totals:
    """Days, hours, lates, forlot and percentage of held lessons for fra..til (module doc)."""
    marks = _student_marks(elev, registrations, fra, til)
    held = sum(len(_day_slots(roster, calendar, klasse, d)) for d in calendar.school_days(fra, til))
    days = 0.0
    whole = minutes = absent = forlot = 0
    for dato, missed in _absent_by_date(marks).items():
        lessons = len(_day_slots(roster, calendar, klasse, dato))
        if not lessons:
            continue
        count = min(lessons, len(missed))
        absent += count
        days += count / lessons
        forlot += sum(1 for mark in missed.values() if mark.kind is MarkType.FORLOT)
        if count == lessons:
            whole += 1
        else:
            minutes += sum(roster.lesson_minutes(k, dato, t) for k, t in missed)
    lates = {
        (reg.klasse, reg.dato, reg.time): mark for reg, mark in marks if mark.kind is MarkType.SENT
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
    own = [m for m in meldinger if m.elev == elev] if with_reasons else []
    rows = []
    for reg, mark in _student_marks(elev, registrations, fra, til):
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


# --- patterns ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Lesson:
    dato: dt.date
    ukedag: int
    time: int
    fag: str
    missed: bool
    class_missed: int

    def value(self, dimensjon: str) -> str:
        if dimensjon == "ukedag":
            return WEEKDAY_NAMES[self.ukedag - 1]
        if dimensjon == "time":
            return str(self.time)
        return self.fag


@dataclass(frozen=True, slots=True)
class _Stats:
    lessons: int
    missed: int
    dates: int
    share: float
    ellers: float
    klasse: float
    chance: float

    @property
    def strength(self) -> float:
        return self.share - max(self.ellers, self.klasse)

    @property
    def stands_out(self) -> bool:
        return (
            self.missed >= MIN_MISSED
            and self.dates >= MIN_DATES
            and self.share >= MIN_SHARE
            and self.share >= FACTOR * self.ellers
            and self.share >= FACTOR * self.klasse
            and self.chance <= MAX_CHANCE
        )


def _tail(trials: int, hits: int, p: float) -> float:
    """P(at least `hits` of `trials`) when each happens with chance `p`: the binomial tail."""
    if hits <= 0:
        return 1.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    below = sum(math.comb(trials, k) * p**k * (1 - p) ** (trials - k) for k in range(hits))
    return max(0.0, 1.0 - below)


def _stats(lessons: list[_Lesson], dimensjon: str, verdi: str, classmates: int) -> _Stats:
    inside = [x for x in lessons if x.value(dimensjon) == verdi]
    outside = [x for x in lessons if x.value(dimensjon) != verdi]
    missed = sum(1 for x in inside if x.missed)
    rest_missed = sum(1 for x in outside if x.missed)
    class_missed = sum(x.class_missed for x in inside)
    hit_dates = {x.dato for x in inside if x.missed}
    if dimensjon == "ukedag":
        # A sick week puts one absence on every weekday: judge weekdays by dates, not lessons.
        dates = {x.dato for x in inside}
        other = {x.dato for x in outside}
        other_hits = {x.dato for x in outside if x.missed}
        chance = _tail(len(dates), len(hit_dates), len(other_hits) / len(other) if other else 0.0)
    else:
        chance = _tail(len(inside), missed, rest_missed / len(outside) if outside else 0.0)
    return _Stats(
        lessons=len(inside),
        missed=missed,
        dates=len(hit_dates),
        share=missed / len(inside) if inside else 0.0,
        ellers=rest_missed / len(outside) if outside else 0.0,
        klasse=class_missed / (len(inside) * classmates) if inside and classmates else 0.0,
        chance=chance,
    )


def _remarks(count: int) -> str:
    return words.count(count, "merknad", "merknader")


def _sentence(dimensjon: str, verdi: str, stats: _Stats, first: bool, remarks: int) -> str:
    if dimensjon == "fag":
        tail = f", og {_remarks(remarks)} om manglende utstyr" if remarks else ""
        return (
            f"I {verdi} har eleven {whole_percent(stats.share)} fravær "
            f"(klassen {whole_percent(stats.klasse)}){tail}."
        )
    where = (
        f"på {WEEKDAY_PLURALS[WEEKDAY_NAMES.index(verdi)]}"
        if dimensjon == "ukedag"
        else f"i {verdi}. time"
    )
    lead = "Fraværet er størst" if first else "Fraværet er også høyt"
    share, ellers, klasse = (whole_percent(x) for x in (stats.share, stats.ellers, stats.klasse))
    return (
        f"{lead} {where}: {share} av timene, mot {ellers} for eleven ellers og {klasse} i klassen."
    )


def patterns(
    elev: str,
    klasse: str,
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    fra: dt.date,
    til: dt.date,
) -> list[Pattern]:
    """Weekdays, periods and subjects where the student's absence stands out (module doc).

    Counts the class's own lessons (registrations of `klasse`); "the class" is the other
    students of `klasse` in the roster.
    """
    classmates = {s.id for s in roster.students if s.klasse == klasse and s.id != elev}
    own: set[tuple[dt.date, int]] = set()
    others: set[tuple[str, dt.date, int]] = set()
    remarks: dict[str, set[tuple[str, dt.date, int]]] = defaultdict(set)
    for reg in registrations:
        if reg.klasse != klasse or not fra <= reg.dato <= til:
            continue
        for mark in reg.marks:
            if mark.elev != elev and mark.elev not in classmates:
                continue
            if mark.is_absence:
                if mark.elev == elev:
                    own.add((reg.dato, reg.time))
                else:
                    others.add((mark.elev, reg.dato, reg.time))
            elif mark.kind is None and UTSTYR in mark.merknad.casefold():
                slot = roster.slot_on(klasse, reg.dato, reg.time)
                if slot is not None and calendar.is_school_day(reg.dato):
                    remarks[slot.fag].add((mark.elev, reg.dato, reg.time))
    class_missed = Counter((dato, time) for _, dato, time in others)
    lessons = [
        _Lesson(
            dato,
            dato.isoweekday(),
            slot.time,
            slot.fag,
            (dato, slot.time) in own,
            class_missed[(dato, slot.time)],
        )
        for dato in calendar.school_days(fra, til)
        for slot in _day_slots(roster, calendar, klasse, dato)
    ]
    n_classmates = len(classmates)

    def own_remarks(fag: str) -> int:
        return sum(1 for e, _, _ in remarks.get(fag, ()) if e == elev)

    values = [
        (rank, dimensjon, verdi)
        for rank, dimensjon in enumerate(_DIMENSIONS)
        for verdi in sorted({x.value(dimensjon) for x in lessons})
    ]
    found: list[Pattern] = []
    residual = lessons
    while True:
        # The strongest value that still stands out once the patterns found are set aside.
        best: tuple[float, int, int, str, str] | None = None
        for rank, dimensjon, verdi in values:
            stats = _stats(residual, dimensjon, verdi, n_classmates)
            if stats.stands_out:
                key = (-stats.strength, -stats.missed, rank, dimensjon, verdi)
                best = key if best is None else min(best, key)
        if best is None:
            break
        *_, dimensjon, verdi = best
        stats = _stats(lessons, dimensjon, verdi, n_classmates)
        count = own_remarks(verdi) if dimensjon == "fag" else 0
        first = all(p.dimensjon != dimensjon for p in found)
        found.append(
            Pattern(
                dimensjon=dimensjon,
                verdi=verdi,
                elev_andel=stats.share,
                klasse_andel=stats.klasse,
                elev_timer=stats.missed,
                sentence=_sentence(dimensjon, verdi, stats, first, count),
                ellers_andel=stats.ellers,
                merknader=count,
            )
        )
        residual = [x for x in residual if x.value(dimensjon) != verdi]
        values = [v for v in values if v[1:] != (dimensjon, verdi)]

    subjects_found = {p.verdi for p in found if p.dimensjon == "fag"}
    held = Counter(x.fag for x in lessons)
    remark_patterns: list[tuple[float, Pattern]] = []
    for fag, marked in sorted(remarks.items()):
        mine = [(dato, time) for e, dato, time in marked if e == elev]
        if fag in subjects_found or len(mine) < MIN_REMARKS or held[fag] == 0:
            continue
        if len({dato for dato, _ in mine}) < MIN_DATES:
            continue
        rate = len(mine) / held[fag]
        class_rate = (len(marked) - len(mine)) / (held[fag] * n_classmates) if n_classmates else 0.0
        if rate < FACTOR * class_rate:
            continue
        per_student = (len(marked) - len(mine)) / n_classmates if n_classmates else 0.0
        sentence = (
            f"I {fag} har eleven {_remarks(len(mine))} om manglende utstyr, "
            f"mot {decimal_comma(per_student, 1)} i snitt per elev i klassen."
        )
        pattern = Pattern("merknad", fag, rate, class_rate, len(mine), sentence, 0.0, len(mine))
        remark_patterns.append((rate - class_rate, pattern))
    remark_patterns.sort(key=lambda rp: (-rp[0], rp[1].verdi))
    return found + [p for _, p in remark_patterns]


def pattern_summary(patterns: list[Pattern]) -> str:
    """The strongest pattern in one plain sentence, or that there is none."""
    return patterns[0].sentence if patterns else NO_PATTERN


# --- the kontaktlærer's morning ----------------------------------------------------------------


def _name_order(roster: Roster, elev: str) -> tuple[int, str, str]:
    student = roster.student(elev)
    return (0, *student.sort_key) if student else (1, elev, "")


def absence_on(
    klasse: str, roster: Roster, registrations: Iterable[Registration], dato: dt.date
) -> list[DayAbsence]:
    """Every student with a mark (absent, late, left or a remark) in the class's lessons on
    `dato`, in name order, each with their marks by period."""
    by_elev: dict[str, list[tuple[int, Mark]]] = defaultdict(list)
    for reg in registrations:
        if reg.klasse == klasse and reg.dato == dato:
            for mark in reg.marks:
                by_elev[mark.elev].append((reg.time, mark))
    return [
        DayAbsence(elev, dato, tuple(sorted(marks, key=lambda tm: tm[0])))
        for elev, marks in sorted(by_elev.items(), key=lambda em: _name_order(roster, em[0]))
    ]


def ikke_meldt(
    klasse: str,
    roster: Roster,
    registrations: Iterable[Registration],
    meldinger: Iterable[Melding],
    fra: dt.date,
    til: dt.date,
) -> list[Unreported]:
    """Absences of the class's students fra..til still *ikke meldt*: newest date first,
    then by name and period."""
    students = {s.id for s in roster.students if s.klasse == klasse}
    cover = melding_cover((m for m in meldinger if m.elev in students), until=til)
    found: dict[tuple[str, dt.date, int], Unreported] = {}
    for reg in registrations:
        if not fra <= reg.dato <= til:
            continue
        for mark in reg.marks:
            if mark.elev not in students or not mark.is_absence or mark.kind is None:
                continue
            validity, _ = validity_of(mark, cover.get((mark.elev, reg.dato)))
            if validity is Validity.IKKE_MELDT:
                key = (mark.elev, reg.dato, reg.time)
                found[key] = Unreported(mark.elev, reg.dato, reg.time, mark.kind)
    return sorted(
        found.values(),
        key=lambda u: (-u.dato.toordinal(), _name_order(roster, u.elev), u.time),
    )


def unregistered(
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    fra: dt.date,
    til: dt.date,
    klasser: Iterable[str] | None = None,
    ended_by: dt.datetime | None = None,
    cancelled: Iterable[CancelledLesson] = (),
) -> list[Missing]:
    """Lessons held on school days fra..til with no registration (*ikke ført*): the
    timetable version of each date, less lessons after a kortdag's last period and
    lessons marked not held; newest date first, then class and period. With `ended_by`, a
    lesson that had not ended by then is not missing yet."""
    not_held = {(c.klasse, c.dato, c.time) for c in cancelled}
    wanted = sorted(set(roster.classes if klasser is None else klasser), key=class_sort_key)
    chosen = set(wanted)
    registered = {
        (r.klasse, r.dato, r.time)
        for r in registrations
        if fra <= r.dato <= til and r.klasse in chosen
    }
    missing = []
    for dato in reversed(list(calendar.school_days(fra, til))):
        last = calendar.last_period(dato)
        for klasse in wanted:
            for slot in roster.slots_on(klasse, dato):
                if (klasse, dato, slot.time) in registered or (klasse, dato, slot.time) in not_held:
                    continue
                if last is not None and slot.time > last:
                    continue
                if ended_by is not None and dt.datetime.combine(dato, slot.slutt) > ended_by:
                    continue
                missing.append(Missing(klasse, dato, slot.time, slot.fag, slot.laerer))
    return missing


def unregistered_by_teacher(missing: list[Missing]) -> list[tuple[str, int]]:
    """(teacher id, lessons not registered), most first, then by id."""
    counts = Counter(m.laerer for m in missing)
    return sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))


# --- ledelsen's overview -----------------------------------------------------------------------


def _figures(
    klasse: str, students: list[str], result: CheckResult, over: dict[str, set[str]]
) -> ClassFigures:
    held = absent = 0
    for elev in students:
        figures = result.figures.get(elev)
        if figures is not None:
            held += figures.held_lessons
            absent += figures.absent_lessons
    return ClassFigures(
        klasse=klasse,
        elever=len(students),
        prosent=100.0 * absent / held if held else 0.0,
        over_regel={regel: len(elever) for regel, elever in over.items()},
    )


def _rule_ids(result: CheckResult, regler: Iterable[str]) -> list[str]:
    """The rules asked for, then any other rule with an alert, in order of appearance."""
    ids = list(dict.fromkeys(regler))
    for alert in result.alerts:
        if alert.regel not in ids:
            ids.append(alert.regel)
    return ids


def class_figures(
    roster: Roster, result: CheckResult, regler: Iterable[str] = ()
) -> list[ClassFigures]:
    """Per class with students, in class order: absence percentage of held lessons in the
    semester (from the check's figures) and students with an alert per rule. Every class
    has a count for each rule in `regler` (the profile's) and each rule with an alert."""
    rule_ids = _rule_ids(result, regler)
    by_class: dict[str, list[str]] = defaultdict(list)
    klasse_of: dict[str, str] = {}
    for student in roster.students:
        by_class[student.klasse].append(student.id)
        klasse_of[student.id] = student.klasse
    over: dict[str, dict[str, set[str]]] = {
        klasse: {regel: set() for regel in rule_ids} for klasse in by_class
    }
    for alert in result.alerts:
        klasse = klasse_of.get(alert.elev)
        if klasse is not None:
            over[klasse][alert.regel].add(alert.elev)
    return [
        _figures(klasse, by_class[klasse], result, over[klasse])
        for klasse in sorted(by_class, key=class_sort_key)
    ]


def school_figures(roster: Roster, result: CheckResult, regler: Iterable[str] = ()) -> ClassFigures:
    """The same figures for the whole school (`klasse` "Hele skolen")."""
    students = [s.id for s in roster.students]
    known = set(students)
    over: dict[str, set[str]] = {regel: set() for regel in _rule_ids(result, regler)}
    for alert in result.alerts:
        if alert.elev in known:
            over[alert.regel].add(alert.elev)
    return _figures(HELE_SKOLEN, students, result, over)
