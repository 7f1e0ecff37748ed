"""Year-end absence report per student: days and hours, lates, steps, and the vitnemål figures.

Pure: no I/O and no clock; the caller passes the school year and the date the figures run to.
A little over 400 lines: the vitnemål rules below and the code that follows them read as one.

The vitnemål rules this relies on (forskrift til opplæringslova 2006 § 3-41 «Føring av fråvær
i grunnskolen», carried on in the 2024 forskrift to the new opplæringslova; Udir's guide to
filling in the vitnemål for grunnskolen; check the paragraph in force before quoting it):

- From 8. trinn all absence goes on the vitnemål, in days and single hours («dagar og
  enkelttimar»), and «enkelttimar kan ikkje konverterast til dagar». Here a day is whole when
  the student missed every lesson of the class's timetable that day; the lessons missed on any
  other day are hours, summed in minutes from the timetable and shown in 60-minute units.
- The student or foresatte may ask that at most 10 school days a school year are left off when
  the absence is (a) documented health absence or (b) innvilget permisjon (old opplæringslova
  § 2-11). Health absence must last more than 3 days, and only absence from day 4 on may be
  left off. (From day 1 with documented risk from disability or chronic illness: not modelled,
  the school judges that by hand.)

Decisions:

- Days that may be left off are *candidates*: the app stores no legeerklæring, so a whole day
  is health absence when every absence that day is gyldig with reason sykdom or lege/tannlege
  and a gyldig health melding covers the day. Documentation must be checked (`KANDIDAT_MERKNAD`).
- A spell is a run of such days on consecutive school days with lessons for the class:
  weekends, holidays and days without lessons do not break it; any other school day does,
  a part-day too. Spells start no earlier than the school year; one still running at `til`
  counts its days so far.
- Innvilget permisjon: a whole day on which every absence is gyldig with reason permisjon.
- Only whole days are candidates: the forskrift counts days, and a part-day cannot lengthen a
  spell; hours of permisjon stay on the vitnemål.
- The cap is taken in date order: the first 10 candidates of the school year are deductible.
- The vitnemål sums 8.–10. trinn; a report is one school year's share of it.
- A lesson never registered counts as present; `lessons_not_registered` shows how many.
- CSV is for Norwegian Excel: `;` between fields, decimal comma, dates dd.mm.yyyy.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fravaer_tui.domain.formats import decimal_comma, format_date
from fravaer_tui.domain.model import (
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    Roster,
    Slot,
    Student,
    Validity,
    class_sort_key,
)
from fravaer_tui.domain.rules import Lessons, melding_cover, validity_of
from fravaer_tui.domain.schoolcalendar import ONE_DAY, SchoolCalendar

MAX_DEDUCTIBLE_DAYS = 10
HEALTH_SPELL_FREE_DAYS = 3
VITNEMAL_GRADES = range(8, 11)
HEALTH_REASONS = frozenset({Reason.SYKDOM, Reason.LEGE})
CSV_DELIMITER = ";"

KANDIDAT_MERKNAD = (
    "Dagene er kandidater: fravær kan bare strykes etter søknad fra eleven eller foresatte. "
    "Helsefravær krever legeerklæring, og bare fravær fra og med 4. dag av et fravær på mer "
    "enn 3 dager kan strykes (fra 1. dag ved dokumentert kronisk sykdom eller funksjonshemming, "
    "vurderes særskilt). Innvilget permisjon kan strykes. Til sammen høyst 10 dager per skoleår."
)

_SKOLEAAR = re.compile(r"([0-9]{4})-([0-9]{4})")


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """Absence in one period: whole days, and the lessons missed on other days in minutes."""

    days: int
    partial_days: int
    minutes: int
    lates: int
    late_minutes: int
    forlot: int
    lessons_held: int
    lessons_absent: int
    lessons_not_registered: int

    @property
    def hours(self) -> float:
        """Minutes in 60-minute units; never converted to days."""
        return self.minutes / 60


@dataclass(frozen=True, slots=True)
class VitnemalCandidate:
    """A whole day that may be left off the vitnemål on request."""

    dato: dt.date
    grunn: str
    deductible: bool


@dataclass(frozen=True, slots=True)
class YearReport:
    """One student's school year up to `til`.

    `vitnemal_days`/`vitnemal_minutes` are what the vitnemål shows with no request (all
    absence; 0 below 8. trinn); `candidates` are the whole days a request may leave off,
    in date order, the first 10 of them `deductible`.
    """

    elev: str
    navn: str
    klasse: str
    skoleaar: str
    til: dt.date
    host: PeriodFigures
    var: PeriodFigures
    year: PeriodFigures
    vitnemal_applies: bool
    vitnemal_days: int
    vitnemal_minutes: int
    candidates: tuple[VitnemalCandidate, ...]
    steps: tuple[str, ...] = ()

    @property
    def vitnemal_hours(self) -> float:
        return self.vitnemal_minutes / 60

    @property
    def deductible_days(self) -> int:
        return sum(1 for c in self.candidates if c.deductible)

    @property
    def days_if_granted(self) -> int:
        """Days on the vitnemål if every deductible day is asked for and left off."""
        return self.vitnemal_days - self.deductible_days


@dataclass(frozen=True, slots=True)
class _Day:
    """One student's absence on one date."""

    dato: dt.date
    whole: bool
    minutes: int
    lessons: int
    forlot: int
    health: bool
    permisjon: bool


class _School:
    """What every student's report needs, built once per call."""

    def __init__(
        self,
        roster: Roster,
        calendar: SchoolCalendar,
        registrations: Iterable[Registration],
        meldinger: Iterable[Melding],
        start: dt.date,
        til: dt.date,
        elever: set[str] | None = None,
    ) -> None:
        """`elever`: index only these students' marks (a class report needs no others)."""
        regs = [r for r in registrations if start <= r.dato <= til]
        self.calendar = calendar
        self.lessons = Lessons(roster, calendar, regs)
        self.cover = melding_cover(
            (m for m in meldinger if elever is None or m.elev in elever), until=til
        )
        self.timetable = roster.timetable_index
        self.registered: dict[tuple[str, dt.date], set[int]] = defaultdict(set)
        self.marks: dict[str, list[tuple[Registration, Mark]]] = defaultdict(list)
        for reg in regs:
            self.registered[(reg.klasse, reg.dato)].add(reg.time)
            for mark in reg.marks:
                if mark.kind is not None and (elever is None or mark.elev in elever):
                    self.marks[mark.elev].append((reg, mark))
        self._class_figures: dict[tuple[str, dt.date, dt.date], tuple[int, int]] = {}

    def day_slots(self, klasse: str, dato: dt.date) -> Mapping[int, Slot]:
        """time -> slot of the class's lessons on `dato` (the version valid that day); none
        on a day off."""
        if not self.calendar.is_school_day(dato):
            return {}
        return self.timetable.periods_on(klasse, dato)

    def report(
        self, student: Student, skoleaar: str, start: dt.date, til: dt.date, steps: Sequence[str]
    ) -> YearReport:
        days, lates = self._days(student)
        mid = dt.date(start.year, 12, 31)
        host = self._figures(student.klasse, days, lates, start, min(mid, til))
        var = self._figures(student.klasse, days, lates, mid + ONE_DAY, til)
        year = self._figures(student.klasse, days, lates, start, til)
        applies = vitnemal_applies(student.klasse)
        return YearReport(
            elev=student.id,
            navn=student.navn,
            klasse=student.klasse,
            skoleaar=skoleaar,
            til=til,
            host=host,
            var=var,
            year=year,
            vitnemal_applies=applies,
            vitnemal_days=year.days if applies else 0,
            vitnemal_minutes=year.minutes if applies else 0,
            candidates=self._candidates(student.klasse, days, til) if applies else (),
            steps=tuple(steps),
        )

    def _days(self, student: Student) -> tuple[dict[dt.date, _Day], list[tuple[dt.date, Mark]]]:
        """Absence per date, and the lates; a lesson marked twice counts once."""
        by_date: dict[dt.date, dict[tuple[str, int], Mark]] = defaultdict(dict)
        lates: dict[tuple[str, dt.date, int], Mark] = {}
        for reg, mark in self.marks.get(student.id, ()):
            if mark.is_absence:
                by_date[reg.dato][(reg.klasse, reg.time)] = mark
            else:
                lates[(reg.klasse, reg.dato, reg.time)] = mark
        days = {dato: self._day(student.id, dato, marks) for dato, marks in by_date.items()}
        return days, [(dato, mark) for (_, dato, _), mark in lates.items()]

    def _day(self, elev: str, dato: dt.date, marks: dict[tuple[str, int], Mark]) -> _Day:
        melding = self.cover.get((elev, dato))
        judged = [validity_of(mark, melding) for mark in marks.values()]
        by_class: dict[str, set[int]] = defaultdict(set)
        for klasse, time in marks:
            by_class[klasse].add(time)
        whole = any(
            (slots := self.day_slots(klasse, dato)) and slots.keys() <= times
            for klasse, times in by_class.items()
        )
        documented = (
            melding is not None
            and melding.validity is Validity.GYLDIG
            and melding.reason in HEALTH_REASONS
        )
        return _Day(
            dato=dato,
            whole=whole,
            minutes=0
            if whole
            else sum(self.timetable.lesson_minutes(klasse, dato, time) for klasse, time in marks),
            lessons=len(marks),
            forlot=sum(1 for mark in marks.values() if mark.kind is MarkType.FORLOT),
            health=whole
            and documented
            and all(v is Validity.GYLDIG and r in HEALTH_REASONS for v, r in judged),
            permisjon=whole
            and all(v is Validity.GYLDIG and r is Reason.PERMISJON for v, r in judged),
        )

    def _figures(
        self,
        klasse: str,
        days: dict[dt.date, _Day],
        lates: list[tuple[dt.date, Mark]],
        fra: dt.date,
        til: dt.date,
    ) -> PeriodFigures:
        inside = [d for d in days.values() if fra <= d.dato <= til]
        late = [mark for dato, mark in lates if fra <= dato <= til]
        held, not_registered = self._lessons(klasse, fra, til)
        return PeriodFigures(
            days=sum(1 for d in inside if d.whole),
            partial_days=sum(1 for d in inside if not d.whole),
            minutes=sum(d.minutes for d in inside),
            lates=len(late),
            late_minutes=sum(mark.minutter or 0 for mark in late),
            forlot=sum(d.forlot for d in inside),
            lessons_held=held,
            lessons_absent=sum(d.lessons for d in inside),
            lessons_not_registered=not_registered,
        )

    def _lessons(self, klasse: str, fra: dt.date, til: dt.date) -> tuple[int, int]:
        """(lessons held, lessons never registered) for the class, the same for all its students."""
        key = (klasse, fra, til)
        if key not in self._class_figures:
            not_registered = 0
            for dato in self.calendar.school_days(fra, til):
                slots = self.day_slots(klasse, dato)
                not_registered += len(slots.keys() - self.registered.get((klasse, dato), set()))
            self._class_figures[key] = (self.lessons.held(klasse, fra, til), not_registered)
        return self._class_figures[key]

    def _candidates(
        self, klasse: str, days: dict[dt.date, _Day], til: dt.date
    ) -> tuple[VitnemalCandidate, ...]:
        found: list[tuple[dt.date, str]] = [
            (d.dato, "innvilget permisjon") for d in days.values() if d.permisjon
        ]
        health = sorted(d.dato for d in days.values() if d.health)
        spells: list[list[dt.date]] = []
        if health:
            spell: list[dt.date] = []
            for dato in self.calendar.school_days(health[0], til):
                if days.get(dato) is not None and days[dato].health:
                    spell.append(dato)
                elif self.day_slots(klasse, dato):
                    spells.append(spell)
                    spell = []
            spells.append(spell)
        for spell in spells:
            if len(spell) > HEALTH_SPELL_FREE_DAYS:
                for n, dato in enumerate(spell, 1):
                    if n > HEALTH_SPELL_FREE_DAYS:
                        found.append((dato, f"helse, dag {n} av {len(spell)}"))
        found.sort()
        return tuple(
            VitnemalCandidate(dato, grunn, i < MAX_DEDUCTIBLE_DAYS)
            for i, (dato, grunn) in enumerate(found)
        )


def school_year_dates(skoleaar: str) -> tuple[dt.date, dt.date]:
    """«2026-2027» -> 1 Aug 2026, 31 Jul 2027; a Norwegian ValueError for anything else."""
    found = _SKOLEAAR.fullmatch(skoleaar.strip())
    if not found or int(found.group(2)) != int(found.group(1)) + 1:
        raise ValueError(f"«{skoleaar}» er ikke et skoleår (skriv f.eks. 2026-2027)")
    start = int(found.group(1))
    return dt.date(start, 8, 1), dt.date(start + 1, 7, 31)


def vitnemal_applies(klasse: str) -> bool:
    """Absence goes on the vitnemål from 8. trinn (forskrift § 3-41)."""
    return class_sort_key(klasse)[0] in VITNEMAL_GRADES


def year_report(
    student: Student,
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    meldinger: Iterable[Melding],
    skoleaar: str,
    until: dt.date,
    steps: Sequence[str] = (),
) -> YearReport:
    """One student's figures for `skoleaar`, counted up to `until` inclusive."""
    start, end = school_year_dates(skoleaar)
    til = min(until, end)
    school = _School(roster, calendar, registrations, meldinger, start, til, {student.id})
    return school.report(student, skoleaar.strip(), start, til, steps)


def class_reports(
    klasse: str,
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    meldinger: Iterable[Melding],
    skoleaar: str,
    until: dt.date,
    steps_by_student: Mapping[str, Sequence[str]] | None = None,
) -> list[YearReport]:
    """A report for every student of `klasse`, in roster order (surname, first name)."""
    start, end = school_year_dates(skoleaar)
    til = min(until, end)
    students = roster.students_in(klasse)
    elever = {s.id for s in students}
    school = _School(roster, calendar, registrations, meldinger, start, til, elever)
    steps_by_student = steps_by_student or {}
    return [
        school.report(student, skoleaar.strip(), start, til, steps_by_student.get(student.id, ()))
        for student in students
    ]


# --- CSV -------------------------------------------------------------------------------------

_PERIODS = (("Høst", "host"), ("Vår", "var"), ("Skoleår", "year"))
_PERIOD_COLUMNS = (
    "fraværsdager",
    "dager med delvis fravær",
    "fravær timer (60 min)",
    "fravær minutter",
    "undervisningstimer",
    "undervisningstimer med fravær",
    "forlot",
    "sent",
    "sent minutter",
    "undervisningstimer ikke ført",
)
CSV_COLUMNS: tuple[str, ...] = (
    "Elev-ID",
    "Elev",
    "Klasse",
    "Skoleår",
    "Til og med",
    *(f"{label} {column}" for label, _ in _PERIODS for column in _PERIOD_COLUMNS),
    "Vitnemål",
    "Vitnemål dager",
    "Vitnemål timer (60 min)",
    "Kandidater til stryking (dager)",
    "Kan strykes etter søknad (dager)",
    "Dager på vitnemål om søknaden innvilges",
    "Kandidatdatoer",
    "Oppfølging",
)


def _period_values(figures: PeriodFigures) -> tuple[str, ...]:
    return (
        str(figures.days),
        str(figures.partial_days),
        decimal_comma(figures.hours),
        str(figures.minutes),
        str(figures.lessons_held),
        str(figures.lessons_absent),
        str(figures.forlot),
        str(figures.lates),
        str(figures.late_minutes),
        str(figures.lessons_not_registered),
    )


def _candidate_text(candidate: VitnemalCandidate) -> str:
    tail = "" if candidate.deductible else ", over grensen på 10 dager"
    return f"{format_date(candidate.dato)} ({candidate.grunn}{tail})"


def report_rows(reports: Iterable[YearReport]) -> list[dict[str, str]]:
    """One row per report, keyed by `CSV_COLUMNS`; vitnemål cells are empty below 8. trinn."""
    rows = []
    for r in reports:
        values = [r.elev, r.navn, r.klasse, r.skoleaar, format_date(r.til)]
        for _, attr in _PERIODS:
            values.extend(_period_values(getattr(r, attr)))
        if r.vitnemal_applies:
            values.extend(
                (
                    "ja",
                    str(r.vitnemal_days),
                    decimal_comma(r.vitnemal_hours),
                    str(len(r.candidates)),
                    str(r.deductible_days),
                    str(r.days_if_granted),
                    "; ".join(_candidate_text(c) for c in r.candidates),
                )
            )
        else:
            values.extend(("nei", "", "", "", "", "", ""))
        values.append("; ".join(r.steps))
        rows.append(dict(zip(CSV_COLUMNS, values, strict=True)))
    return rows


def format_csv(reports: Iterable[YearReport]) -> str:
    """The rows as CSV text for Norwegian Excel (`;`, CRLF); encode with `csvio.excel_bytes`.

    Written by `csvio.write_csv`, so no cell (a name, say) can start a formula."""
    from fravaer_tui.domain.csvio import write_csv  # csvio is large: only when a CSV is made

    rows = report_rows(reports)
    return write_csv(CSV_COLUMNS, ([row[c] for c in CSV_COLUMNS] for row in rows), CSV_DELIMITER)
