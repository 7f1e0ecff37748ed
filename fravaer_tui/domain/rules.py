"""The threshold check: which students have crossed the profile's rules on a given date.

Pure functions of the school's data and a check date (DESIGN, Threshold rules):
- windows end at the check date D, inclusive; "semester" is D's semester up to D;
  "N months" runs from D minus N calendar months, plus one day, to D;
- absence for one date = absent lessons ÷ the class's lessons that day;
- consecutive days count school days only, so weekends and holidays do not break a run;
- an alert's first date is the start of the unbroken stretch of days, ending at D,
  on which the rule held.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fravaer_tui.domain.model import (
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    Roster,
    Validity,
    class_sort_key,
)
from fravaer_tui.domain.profiles import Profile, RuleDef
from fravaer_tui.domain.schoolcalendar import (
    ONE_DAY,
    SchoolCalendar,
    months_window_start,
    school_year_start,
    semester_bounds,
)

EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Evidence:
    """One mark that counted towards an alert, with the validity it had at the check."""

    dato: dt.date
    time: int
    klasse: str
    kind: MarkType
    validity: Validity
    reason: Reason | None
    minutter: int | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    elev: str
    klasse: str
    regel: str
    tittel: str
    forst: dt.date
    antall: float
    terskel: float
    enhet: str
    vindu_fra: dt.date
    tiltak: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class StudentFigures:
    """Early-warning figures for D's semester up to D, beside the rules."""

    elev: str
    klasse: str
    fra: dt.date
    held_lessons: int
    absent_lessons: int
    dager: float
    sent: int
    forlot: int

    @property
    def prosent(self) -> float:
        if not self.held_lessons:
            return 0.0
        return 100.0 * self.absent_lessons / self.held_lessons


@dataclass(frozen=True, slots=True)
class CheckResult:
    dato: dt.date
    profile: str
    alerts: tuple[Alert, ...]
    figures: dict[str, StudentFigures]

    def alerts_for(self, elev: str) -> list[Alert]:
        return [a for a in self.alerts if a.elev == elev]

    @property
    def flagged(self) -> set[str]:
        return {a.elev for a in self.alerts}


@dataclass(frozen=True, slots=True)
class _Entry:
    """A mark in context, with its effective validity resolved."""

    dato: dt.date
    time: int
    klasse: str
    kind: MarkType
    absent: bool
    validity: Validity
    reason: Reason | None
    minutter: int | None

    def evidence(self) -> Evidence:
        return Evidence(
            self.dato,
            self.time,
            self.klasse,
            self.kind,
            self.validity,
            self.reason,
            self.minutter,
        )


def melding_order(m: Melding) -> tuple[dt.datetime, str]:
    """Meldinger in the order they were registered: where two cover a day, the later wins."""
    return (m.tid or dt.datetime.min, m.id)


def effective_validity(
    mark: Mark, dato: dt.date, meldinger: Iterable[Melding]
) -> tuple[Validity, Reason | None]:
    """A judgement on the mark itself wins; else the latest melding covering the date."""
    if mark.validity is not None:
        return mark.validity, mark.reason
    covering = [m for m in meldinger if m.fra <= dato <= m.til]
    if not covering:
        return Validity.IKKE_MELDT, None
    latest = max(covering, key=melding_order)
    return latest.validity, latest.reason


def melding_cover(
    meldinger: Iterable[Melding], until: dt.date
) -> dict[tuple[str, dt.date], Melding]:
    """(elev, date) -> the melding that decides that day: the latest registered wins."""
    cover: dict[tuple[str, dt.date], Melding] = {}
    for m in sorted(meldinger, key=melding_order):
        day = m.fra
        while day <= min(m.til, until):
            cover[(m.elev, day)] = m
            day += ONE_DAY
    return cover


class Lessons:
    """How many lessons each class has on a date, and which lessons were registered."""

    def __init__(
        self, roster: Roster, calendar: SchoolCalendar, registrations: Iterable[Registration]
    ) -> None:
        self.calendar = calendar
        self._per_weekday: dict[str, list[int]] = defaultdict(lambda: [0] * 8)
        for slot in roster.timetable:
            self._per_weekday[slot.klasse][slot.ukedag] += 1
        self.registered: dict[tuple[str, dt.date], int] = defaultdict(int)
        for reg in registrations:
            self.registered[(reg.klasse, reg.dato)] += 1
        self._held: dict[tuple[str, dt.date, dt.date], int] = {}

    def on(self, klasse: str, dato: dt.date) -> int:
        if not self.calendar.is_school_day(dato):
            return 0
        return self._per_weekday[klasse][dato.isoweekday()]

    def held(self, klasse: str, fra: dt.date, til: dt.date) -> int:
        """Lessons the class had from `fra` to `til`, registered or not."""
        key = (klasse, fra, til)
        if key not in self._held:
            self._held[key] = sum(self.on(klasse, d) for d in self.calendar.school_days(fra, til))
        return self._held[key]


def _window_start(rule: RuleDef, dato: dt.date) -> dt.date:
    if rule.maaneder is None:
        return semester_bounds(dato)[0]
    return months_window_start(dato, rule.maaneder)


def _sum_rule(
    events: dict[dt.date, float], rule: RuleDef, dato: dt.date
) -> tuple[float, dt.date] | None:
    """(count at D, first date of the stretch ending at D) if the rule holds at D.

    Between two event dates the window only loses events (its start never moves
    back), so the count there is lowest just before the later event: checking
    that one day per event date is enough to walk the stretch back.
    """
    dates = sorted(d for d in events if d <= dato)
    if not dates:
        return None
    prefix = [0.0]
    for d in dates:
        prefix.append(prefix[-1] + events[d])

    def count(x: dt.date) -> float:
        lo = bisect_left(dates, _window_start(rule, x))
        hi = bisect_right(dates, x)
        return prefix[hi] - prefix[lo] if hi > lo else 0.0

    total = count(dato)
    if total < rule.terskel - EPSILON:
        return None
    i = len(dates) - 1
    while i > 0 and count(dates[i] - ONE_DAY) >= rule.terskel - EPSILON:
        i -= 1
    return total, dates[i]


class _StudentCheck:
    """All rules for one student, from that student's marks (one pass to group them)."""

    def __init__(
        self,
        elev: str,
        klasse: str,
        entries: list[_Entry],
        lessons: Lessons,
        dato: dt.date,
    ) -> None:
        self.elev = elev
        self.klasse = klasse
        self.entries = entries
        self.lessons = lessons
        self.dato = dato
        self.absences = [e for e in entries if e.absent]
        self.late = [e for e in entries if e.kind is MarkType.SENT]
        self.fractions = day_fractions(self.absences, lessons)

    def _alert(
        self,
        rule: RuleDef,
        found: tuple[float, dt.date],
        evidence: list[_Entry],
        since: dt.date | None = None,
    ) -> Alert:
        """`since`: evidence from this date on (default: the window's start)."""
        antall, forst = found
        start = _window_start(rule, self.dato)
        return Alert(
            elev=self.elev,
            klasse=self.klasse,
            regel=rule.id,
            tittel=rule.tittel,
            forst=forst,
            antall=round(antall, 2),
            terskel=rule.terskel,
            enhet=rule.enhet,
            vindu_fra=start,
            tiltak=rule.tiltak,
            evidence=tuple(
                e.evidence()
                for e in sorted(evidence, key=_entry_order)
                if min(start, since or start) <= e.dato <= self.dato
            ),
        )

    def _count_rule(self, rule: RuleDef, counted: list[_Entry]) -> Alert | None:
        events: dict[dt.date, float] = defaultdict(float)
        for e in counted:
            events[e.dato] += 1.0
        found = _sum_rule(events, rule, self.dato)
        return self._alert(rule, found, counted) if found else None

    def ugyldig_fravaer(self, rule: RuleDef) -> Alert | None:
        return self._count_rule(
            rule, [e for e in self.absences if e.validity is not Validity.GYLDIG]
        )

    def forsentkomming(self, rule: RuleDef) -> Alert | None:
        return self._count_rule(rule, self.late)

    def forlater_skolen(self, rule: RuleDef) -> Alert | None:
        return self._count_rule(rule, [e for e in self.absences if e.kind is MarkType.FORLOT])

    def hoyt_fravaer(self, rule: RuleDef) -> Alert | None:
        counted, fractions = self.absences, self.fractions
        if not rule.permisjon_teller:
            counted = [e for e in counted if not _innvilget_permisjon(e)]
            fractions = day_fractions(counted, self.lessons)
        found = _sum_rule(fractions, rule, self.dato)
        return self._alert(rule, found, counted) if found else None

    def sammenhengende_uten_melding(self, rule: RuleDef) -> Alert | None:
        """Whole school days absent in a row with no melding (Strand, Melding av fravær d).

        Only school days count, so weekends and holidays (juleferie too) never break a
        run; runs start no earlier than the school year. The rule holds when a run
        reached the threshold inside the window. A day is whole when the student missed
        every lesson registered that day and at least half the day's lessons were
        registered; a day with too little registered is unknown and breaks the run.
        """
        start = _window_start(rule, self.dato)
        year_start = school_year_start(self.dato)
        by_day: dict[dt.date, list[_Entry]] = defaultdict(list)
        for e in self.absences:
            if year_start <= e.dato <= self.dato:
                by_day[e.dato].append(e)
        whole = {d for d, day in by_day.items() if self._whole_day_without_melding(d, day)}
        threshold = int(rule.terskel)
        if len(whole) < threshold:
            return None
        run: list[dt.date] = []
        qualifying: set[dt.date] = set()
        longest, forst = 0, None
        for d in self.lessons.calendar.school_days(min(whole), self.dato):
            if d not in whole:
                run = []
                continue
            run.append(d)
            if len(run) >= threshold and run[threshold - 1] >= start:
                longest = max(longest, len(run))
                forst = forst or run[threshold - 1]
                qualifying.update(run)
        if forst is None:
            return None
        evidence = [e for d in sorted(qualifying) for e in by_day[d]]
        return self._alert(rule, (float(longest), forst), evidence, since=min(qualifying))

    def _whole_day_without_melding(self, dato: dt.date, day: list[_Entry]) -> bool:
        if any(e.validity is not Validity.IKKE_MELDT for e in day):
            return False
        klasse = day[0].klasse
        registered = self.lessons.registered[(klasse, dato)]
        lessons = self.lessons.on(klasse, dato)
        missed = len({e.time for e in day})
        return registered > 0 and missed >= registered and 2 * registered >= lessons

    def figures(self, fra: dt.date) -> StudentFigures:
        absences = [e for e in self.absences if fra <= e.dato <= self.dato]
        return StudentFigures(
            elev=self.elev,
            klasse=self.klasse,
            fra=fra,
            held_lessons=self.lessons.held(self.klasse, fra, self.dato),
            absent_lessons=len(absences),
            dager=round(sum(v for d, v in self.fractions.items() if fra <= d <= self.dato), 2),
            sent=sum(1 for e in self.late if fra <= e.dato <= self.dato),
            forlot=sum(1 for e in absences if e.kind is MarkType.FORLOT),
        )


def _innvilget_permisjon(e: _Entry) -> bool:
    return e.reason is Reason.PERMISJON and e.validity is Validity.GYLDIG


def _entry_order(e: _Entry) -> tuple[dt.date, int]:
    return (e.dato, e.time)


def day_fractions(absences: Iterable[_Entry], lessons: Lessons) -> dict[dt.date, float]:
    """Absence days per date: absent lessons ÷ the class's lessons that day (DESIGN)."""
    counts: dict[tuple[dt.date, str], set[int]] = defaultdict(set)
    for e in absences:
        counts[(e.dato, e.klasse)].add(e.time)
    days: dict[dt.date, float] = defaultdict(float)
    for (dato, klasse), times in counts.items():
        total = max(lessons.on(klasse, dato), len(times))
        days[dato] += len(times) / total
    return {d: min(1.0, v) for d, v in days.items()}


RULES: dict[str, Callable[[_StudentCheck, RuleDef], Alert | None]] = {
    "ugyldig_fravaer": _StudentCheck.ugyldig_fravaer,
    "hoyt_fravaer": _StudentCheck.hoyt_fravaer,
    "forsentkomming": _StudentCheck.forsentkomming,
    "forlater_skolen": _StudentCheck.forlater_skolen,
    "sammenhengende_uten_melding": _StudentCheck.sammenhengende_uten_melding,
}


def check(
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    meldinger: Iterable[Melding],
    profile: Profile,
    dato: dt.date,
    elever: Iterable[str] | None = None,
) -> CheckResult:
    """Run every rule of `profile` for every student (or those in `elever`) at `dato`."""
    registrations = [r for r in registrations if r.dato <= dato]
    wanted = set(elever) if elever is not None else None
    lessons = Lessons(roster, calendar, registrations)
    covered = melding_cover(meldinger, until=dato)

    entries: dict[str, list[_Entry]] = defaultdict(list)
    for reg in registrations:
        for mark in reg.marks:
            kind = mark.kind
            if kind is None or (wanted is not None and mark.elev not in wanted):
                continue
            absent = kind is not MarkType.SENT
            if absent and mark.validity is not None:
                validity, reason = mark.validity, mark.reason
            elif absent:
                melding = covered.get((mark.elev, reg.dato))
                validity, reason = (
                    (melding.validity, melding.reason) if melding else (Validity.IKKE_MELDT, None)
                )
            else:
                validity, reason = Validity.IKKE_MELDT, None
            entries[mark.elev].append(
                _Entry(
                    reg.dato, reg.time, reg.klasse, kind, absent, validity, reason, mark.minutter
                )
            )

    fra = semester_bounds(dato)[0]
    alerts: list[Alert] = []
    figures: dict[str, StudentFigures] = {}
    for student in sorted(roster.students, key=lambda s: (class_sort_key(s.klasse), s.sort_key)):
        if wanted is not None and student.id not in wanted:
            continue
        one = _StudentCheck(student.id, student.klasse, entries.get(student.id, []), lessons, dato)
        figures[student.id] = one.figures(fra)
        if not one.entries:
            continue
        for rule in profile.rules:
            alert = RULES[rule.id](one, rule)
            if alert is not None:
                alerts.append(alert)
    return CheckResult(dato=dato, profile=profile.id, alerts=tuple(alerts), figures=figures)
