"""Patterns in one student's absence (Hole, «Kartlegging av situasjonen i søken om det er et
mønster»): the student's share of lessons missed on a weekday, in a period or in a subject,
beside the student's own share on the other lessons («ellers») and the share of the other
students in the class there.
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

from fravaer_tui.domain import formats
from fravaer_tui.domain.analysis.grid import day_slots
from fravaer_tui.domain.analysis.student import StudentView
from fravaer_tui.domain.formats import WEEKDAY_PLURALS, WEEKDAYS, decimal_comma, whole_percent
from fravaer_tui.domain.model import Registration, Roster
from fravaer_tui.domain.schoolcalendar import SchoolCalendar

NO_PATTERN = "Ingen tydelige mønstre i fraværet."

MIN_MISSED = 3
MIN_DATES = 2
MIN_SHARE = 0.15
FACTOR = 2.0
MIN_REMARKS = 3
MAX_CHANCE = 0.01
UTSTYR = "utstyr"

WEEKDAY_NAMES = WEEKDAYS  # from `words`, as WEEKDAY_PLURALS

_DIMENSIONS = ("ukedag", "time", "fag")


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
    return formats.count(count, "merknad", "merknader")


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
    """`student_patterns` of a `StudentView` made of these."""
    return student_patterns(StudentView(elev, klasse, roster, calendar, registrations), fra, til)


def student_patterns(view: StudentView, fra: dt.date, til: dt.date) -> list[Pattern]:
    """Weekdays, periods and subjects where the student's absence stands out (module doc).

    Counts the class's own lessons (registrations of `klasse`); "the class" is the other
    students of `klasse` in the roster.
    """
    elev, klasse, roster, calendar = view.elev, view.klasse, view.roster, view.calendar
    registrations = view.registrations
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
        for slot in day_slots(roster, calendar, klasse, dato)
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
