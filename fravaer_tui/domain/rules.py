"""The threshold check: which students have crossed the profile's rules on a given date.

Pure functions of the school's data and a check date (DESIGN, Threshold rules):
- windows end at the check date D, inclusive; "semester" is D's semester up to D;
  "N months" runs from D minus N calendar months, plus one day, to D;
- absence for one date = absent lessons ÷ the lessons the class *held* that day: its
  timetable version for that date, less lessons not held (avlyst) and lessons after a
  kortdag's last period, and any lesson that was registered all the same; a fully missed
  short day is 1 day;
- a day with nothing registered for the class is unknown: it counts for nothing and
  does not break a run; consecutive days count school days only;
- an alert's first date is the start of the unbroken stretch of days, ending at D, on
  which the rule held; `siste` is its newest incident, and a logged contact with
  foresatte on or after that incident makes it `fulgt_opp` (DESIGN, alert).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from fravaer_tui.domain.model import (
    CancelledLesson,
    Contact,
    Mark,
    MarkType,
    Melding,
    Reason,
    Registration,
    Remark,
    Roster,
    Student,
    Validity,
    class_sort_key,
    remark_code,
)
from fravaer_tui.domain.profiles import Profile, RuleDef
from fravaer_tui.domain.schoolcalendar import (
    ONE_DAY,
    SchoolCalendar,
    months_window_start,
    school_year_name,
    school_year_start,
    semester_bounds,
)

EPSILON = 1e-9
AAPEN = "åpen"  # an alert with an incident no contact with foresatte has followed up yet
FULGT_OPP = "fulgt_opp"  # a contact with foresatte on or after its newest incident


@dataclass(frozen=True, slots=True)
class Evidence:
    """One mark that counted towards an alert, with the validity it had at the check."""

    dato: dt.date
    time: int
    klasse: str
    kind: MarkType | None  # None: a present student with a coded remark (mangler_utstyr)
    validity: Validity
    reason: Reason | None
    minutter: int | None = None
    merknad: str = ""  # the coded remark (Remark value), if any


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
    siste: dt.date | None = None  # the newest incident (None: same as `forst`)
    status: str = AAPEN
    kontakt: dt.date | None = None  # the newest contact with foresatte up to the check date

    @property
    def nyeste(self) -> dt.date:
        return self.siste or self.forst

    @property
    def ny_hendelse(self) -> bool:
        """Open again: a contact followed up this stretch, and a later incident came."""
        return self.status == AAPEN and self.kontakt is not None and self.kontakt >= self.forst


def follows_up(contact: Contact) -> bool:
    """A contact that reached foresatte: a call nobody answered, or a talk with the student
    alone, does not follow up an alert (DESIGN: «a logged contact with foresatte»)."""
    return contact.hva != "samtale med elev" and contact.utfall != "ikke svar"


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
    kind: MarkType | None
    absent: bool
    validity: Validity
    reason: Reason | None
    minutter: int | None
    merknad: str = ""  # a coded remark (Remark value), else ""

    def evidence(self) -> Evidence:
        return Evidence(
            self.dato,
            self.time,
            self.klasse,
            self.kind,
            self.validity,
            self.reason,
            self.minutter,
            self.merknad,
        )


def melding_order(m: Melding) -> tuple[dt.datetime, str]:
    """Meldinger in the order they were registered: where two cover a day, the later wins."""
    return (m.tid or dt.datetime.min, m.id)


def validity_of(mark: Mark, melding: Melding | None) -> tuple[Validity, Reason | None]:
    """An absence's effective validity and reason: a judgement on the mark itself wins, else
    the melding that decides its day (`melding_cover`), else *ikke meldt* (docs/NOTES.md,
    «Effective validity of an absence»)."""
    if mark.validity is not None:
        return mark.validity, mark.reason
    if melding is None:
        return Validity.IKKE_MELDT, None
    return melding.validity, melding.reason


def effective_validity(
    mark: Mark, dato: dt.date, meldinger: Iterable[Melding]
) -> tuple[Validity, Reason | None]:
    """`validity_of` the mark, with the latest registered melding covering the date."""
    covering = [m for m in meldinger if m.fra <= dato <= m.til]
    return validity_of(mark, max(covering, key=melding_order) if covering else None)


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
    """Which lessons each class held on a date, and which of them were registered.

    Held = the periods of the timetable version valid on the date, up to a kortdag's last
    period, less lessons marked not held; a lesson registered all the same was held too.
    """

    def __init__(
        self,
        roster: Roster,
        calendar: SchoolCalendar,
        registrations: Iterable[Registration],
        cancelled: Iterable[CancelledLesson] = (),
    ) -> None:
        self.roster = roster
        self.calendar = calendar
        self.cancelled: dict[tuple[str, dt.date], set[int]] = defaultdict(set)
        for c in cancelled:
            self.cancelled[(c.klasse, c.dato)].add(c.time)
        self.registered_periods: dict[tuple[str, dt.date], set[int]] = defaultdict(set)
        for reg in registrations:
            if reg.time not in self.cancelled.get((reg.klasse, reg.dato), ()):
                self.registered_periods[(reg.klasse, reg.dato)].add(reg.time)
        self._periods: dict[tuple[str, dt.date], frozenset[int]] = {}
        self._held: dict[tuple[str, dt.date, dt.date], int] = {}

    def is_cancelled(self, klasse: str, dato: dt.date, time: int) -> bool:
        return time in self.cancelled.get((klasse, dato), ())

    def registered(self, klasse: str, dato: dt.date) -> int:
        """Lessons of the class registered that day (not counting lessons not held)."""
        return len(self.registered_periods.get((klasse, dato), ()))

    def periods(self, klasse: str, dato: dt.date) -> frozenset[int]:
        key = (klasse, dato)
        found = self._periods.get(key)
        if found is None:
            planned: set[int] = set()
            if self.calendar.is_school_day(dato):
                planned = set(self.roster.timetable_index.periods_on(klasse, dato))
                last = self.calendar.last_period(dato)
                if last is not None:
                    planned = {t for t in planned if t <= last}
                planned -= self.cancelled.get(key, set())
            found = frozenset(planned | self.registered_periods.get(key, set()))
            self._periods[key] = found
        return found

    def on(self, klasse: str, dato: dt.date) -> int:
        """Lessons the class held on `dato`."""
        return len(self.periods(klasse, dato))

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
        student: Student,
        entries: list[_Entry],
        lessons: Lessons,
        dato: dt.date,
        kontakter: list[dt.date] | None = None,
        profile: Profile | None = None,
    ) -> None:
        self.profile = profile
        self._hoyt: tuple[tuple[float, dt.date] | None] | None = None
        self.student = student
        self.elev = student.id
        self.klasse = student.klasse_i(school_year_name(dato))
        self.entries = entries
        self.lessons = lessons
        self.dato = dato
        self.kontakter = sorted(kontakter or [])
        self.absences = [e for e in entries if e.absent]
        self.late = [e for e in entries if e.kind is MarkType.SENT]
        self.utstyr = [e for e in entries if e.merknad == Remark.MANGLER_UTSTYR.value]
        self.fractions = day_fractions(self.absences, lessons)

    def _alert(
        self,
        rule: RuleDef,
        found: tuple[float, dt.date],
        evidence: list[_Entry],
        since: dt.date | None = None,
        tiltak: str | None = None,
    ) -> Alert:
        """`since`: evidence from this date on (default: the window's start)."""
        antall, forst = found
        start = _window_start(rule, self.dato)
        shown = tuple(
            e.evidence()
            for e in sorted(evidence, key=_entry_order)
            if min(start, since or start) <= e.dato <= self.dato
        )
        siste = max((e.dato for e in shown), default=forst)
        kontakt = self.kontakter[-1] if self.kontakter else None
        status = FULGT_OPP if kontakt is not None and kontakt >= siste else AAPEN
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
            tiltak=rule.tiltak if tiltak is None else tiltak,
            evidence=shown,
            siste=siste,
            status=status,
            kontakt=kontakt,
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

    def mangler_utstyr(self, rule: RuleDef) -> Alert | None:
        """Lessons with the coded remark *mangler utstyr*, whatever the mark (Hole: «Det må
        også undersøkes om utstyr (f.eks. gymtøy) til stadighet mangler»; rutinepunkt 1:
        «om det mangler utstyr for å delta i timen (eks. gymtøy)»)."""
        return self._count_rule(rule, self.utstyr)

    def forlater_skolen(self, rule: RuleDef) -> Alert | None:
        """`forlot` that foresatte have not explained (a gyldig one is not counted)."""
        return self._count_rule(
            rule,
            [
                e
                for e in self.absences
                if e.kind is MarkType.FORLOT and e.validity is not Validity.GYLDIG
            ],
        )

    def hoyt_fravaer(self, rule: RuleDef) -> Alert | None:
        """Absence days of any validity (DESIGN). With `permisjon_tiltak` (Hole, rutinepunkt
        4: «Er det innvilget permisjon ... ringes det ikke, men vurderes om det gis»), an
        alert where innvilget permisjon alone reaches the threshold and the other days do
        not gets that action instead of the phone call."""
        counted, _ = self._hoyt_counted(rule)
        found = self._hoyt_held(rule)
        if not found:
            return None
        tiltak = None
        if rule.permisjon_tiltak:
            perm = [e for e in counted if _innvilget_permisjon(e)]
            rest = [e for e in counted if not _innvilget_permisjon(e)]
            if _sum_rule(day_fractions(perm, self.lessons), rule, self.dato) and not _sum_rule(
                day_fractions(rest, self.lessons), rule, self.dato
            ):
                tiltak = rule.permisjon_tiltak
        return self._alert(rule, found, counted, tiltak=tiltak)

    def _hoyt_counted(self, rule: RuleDef) -> tuple[list[_Entry], dict[dt.date, float]]:
        """The absences `hoyt_fravaer` counts and their days (permisjon as the rule says)."""
        if rule.permisjon_teller:
            return self.absences, self.fractions
        counted = [e for e in self.absences if not _innvilget_permisjon(e)]
        return counted, day_fractions(counted, self.lessons)

    def _hoyt_held(self, rule: RuleDef) -> tuple[float, dt.date] | None:
        """`hoyt_fravaer`'s (count, first day of its stretch) at the check date, once."""
        if self._hoyt is None:
            self._hoyt = (_sum_rule(self._hoyt_counted(rule)[1], rule, self.dato),)
        return self._hoyt[0]

    def langvarig_kjent_aarsak(self, rule: RuleDef) -> Alert | None:
        """`hoyt_fravaer` has held without a break for the rule's months (Hole: three), and
        more than `terskel` % of the absence days in those months had a known reason
        (Hole, rutinepunkt 3: «Er det kjent årsak over en viss tid, (tre måneder) skal man
        likevel ta telefon og undersøke om man er enige at det er kjent årsak, evt. snakke
        om legeerklæring»).

        Known reason = gyldig and not innvilget permisjon (rutinepunkt 4: for permisjon
        «ringes det ikke»). The count is that share in percent; the alert holds from the
        first day of the unbroken stretch on which both held.
        """
        hoyt = self.profile.rule("hoyt_fravaer") if self.profile is not None else None
        if hoyt is None:
            return None
        found = self._hoyt_held(hoyt)
        months = rule.maaneder or 3
        if not found or found[1] > months_window_start(self.dato, months):
            return None  # not held for the whole of the months yet
        stretch = found[1]  # hoyt_fravaer has held every day from here to the check date
        counted, fractions = self._hoyt_counted(hoyt)
        known = day_fractions(
            [e for e in counted if e.validity is Validity.GYLDIG and not _innvilget_permisjon(e)],
            self.lessons,
        )

        days = sorted(fractions)
        totals, kjente = [0.0], [0.0]  # prefix sums: a window's days in two bisects
        for d in days:
            totals.append(totals[-1] + fractions[d])
            kjente.append(kjente[-1] + known.get(d, 0.0))

        def share(x: dt.date) -> float | None:
            start = months_window_start(x, months)
            if stretch > start:  # not yet held for the whole window
                return None
            lo, hi = bisect_left(days, start), bisect_right(days, x)
            total, kjent = totals[hi] - totals[lo], kjente[hi] - kjente[lo]
            value = 100.0 * kjent / total if total > EPSILON else 0.0
            return value if value > rule.terskel + EPSILON else None

        today = share(self.dato)
        if today is None:
            return None
        first = self.dato
        while first - ONE_DAY >= stretch and share(first - ONE_DAY) is not None:
            first -= ONE_DAY
        # the day the school could act on it: the first school day of the stretch
        first = min(self.lessons.calendar.on_or_next_school_day(first), self.dato)
        alert = self._alert(rule, (today, first), counted)
        # «likevel ta telefon» when the three months are reached: a call before that day
        # does not follow it up, so its incident is no earlier than the day it first held
        siste = max(alert.nyeste, first)
        followed = alert.kontakt is not None and alert.kontakt >= siste
        return replace(alert, siste=siste, status=FULGT_OPP if followed else AAPEN)

    def sammenhengende_uten_melding(self, rule: RuleDef) -> Alert | None:
        """Whole school days absent in a row with no melding (Strand, Melding av fravær d).

        Only school days count, so weekends and holidays (juleferie too) never break a
        run, and neither does an unknown day (nothing registered for the class, or too
        little to tell); runs start no earlier than the school year. The rule holds when a
        run reached the threshold inside the window.
        """
        start = _window_start(rule, self.dato)
        year_start = school_year_start(self.dato)
        by_day: dict[dt.date, list[_Entry]] = defaultdict(list)
        for e in self.absences:
            if year_start <= e.dato <= self.dato:
                by_day[e.dato].append(e)
        whole = {d for d, day in by_day.items() if self._day_state(d, day) == "hel"}
        threshold = int(rule.terskel)
        if len(whole) < threshold:
            return None
        run: list[dt.date] = []
        qualifying: set[dt.date] = set()
        longest, forst = 0, None
        for d in self.lessons.calendar.school_days(min(whole), self.dato):
            if d not in whole:
                if self._day_state(d, by_day.get(d, [])) != "ukjent":
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

    def _day_state(self, dato: dt.date, day: list[_Entry]) -> str:
        """ "hel" (absent the whole day, no melding), "ukjent" or "brudd" (breaks a run).

        Unknown: nothing registered for the class that day, or the student missed every
        lesson registered but fewer than half the day's lessons were registered.
        """
        klasse = day[0].klasse if day else self.student.klasse_i(school_year_name(dato))
        registered = self.lessons.registered(klasse, dato)
        if registered == 0:
            return "ukjent"
        if any(e.validity is not Validity.IKKE_MELDT for e in day):
            return "brudd"
        missed = len({e.time for e in day})
        if missed < registered:
            return "brudd"
        return "hel" if 2 * registered >= self.lessons.on(klasse, dato) else "ukjent"

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
    """Absence days per date: absent lessons ÷ the lessons the class held that day (DESIGN)."""
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
    "langvarig_kjent_aarsak": _StudentCheck.langvarig_kjent_aarsak,
    "mangler_utstyr": _StudentCheck.mangler_utstyr,
}


def data_start(profile: Profile, dato: dt.date) -> dt.date:
    """The earliest date any rule of `profile` reads for a check on `dato`.

    `langvarig_kjent_aarsak` asks whether `hoyt_fravaer` held on every day of its months,
    so it reads `hoyt_fravaer`'s window of the day before those months too (Hole: six
    months back for three months of a three-month window)."""
    starts = [semester_bounds(dato)[0]]
    starts += [_window_start(r, dato) for r in profile.rules]
    hoyt, langvarig = profile.rule("hoyt_fravaer"), profile.rule("langvarig_kjent_aarsak")
    if hoyt is not None and langvarig is not None:
        before = months_window_start(dato, langvarig.maaneder or 3) - ONE_DAY
        starts.append(_window_start(hoyt, before))
    return min(starts)


def check(
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    meldinger: Iterable[Melding],
    profile: Profile,
    dato: dt.date,
    elever: Iterable[str] | None = None,
    *,
    contacts: Iterable[Contact] = (),
    cancelled: Iterable[CancelledLesson] = (),
) -> CheckResult:
    """Run every rule of `profile` for every student (or those in `elever`) at `dato`.

    `contacts`: the contact log, which decides each alert's status; `cancelled`: lessons
    marked not held (their registrations, if any, count for nothing).
    """
    cancelled = [c for c in cancelled if c.dato <= dato]
    lessons = Lessons(roster, calendar, (), cancelled)
    registrations = [
        r
        for r in registrations
        if r.dato <= dato and not lessons.is_cancelled(r.klasse, r.dato, r.time)
    ]
    lessons = Lessons(roster, calendar, registrations, cancelled)
    wanted = set(elever) if elever is not None else None
    covered = melding_cover(meldinger, until=dato)
    kontakter: dict[str, list[dt.date]] = defaultdict(list)
    for contact in contacts:
        if contact.tid.date() <= dato and follows_up(contact):
            kontakter[contact.elev].append(contact.tid.date())

    entries: dict[str, list[_Entry]] = defaultdict(list)
    for reg in registrations:
        for mark in reg.marks:
            kind = mark.kind
            coded = remark_code(mark.merknad) if mark.merknad else None
            if (kind is None and coded is None) or (wanted is not None and mark.elev not in wanted):
                continue
            absent = kind is not None and kind is not MarkType.SENT
            if absent:
                validity, reason = validity_of(mark, covered.get((mark.elev, reg.dato)))
            else:
                validity, reason = Validity.IKKE_MELDT, None
            entries[mark.elev].append(
                _Entry(
                    reg.dato,
                    reg.time,
                    reg.klasse,
                    kind,
                    absent,
                    validity,
                    reason,
                    mark.minutter,
                    coded.value if coded is not None else "",
                )
            )

    fra = semester_bounds(dato)[0]
    year = school_year_name(dato)
    alerts: list[Alert] = []
    figures: dict[str, StudentFigures] = {}
    for student in sorted(
        roster.students, key=lambda s: (class_sort_key(s.klasse_i(year)), s.sort_key)
    ):
        if wanted is not None and student.id not in wanted:
            continue
        one = _StudentCheck(
            student, entries.get(student.id, []), lessons, dato, kontakter.get(student.id), profile
        )
        figures[student.id] = one.figures(fra)
        if not one.entries:
            continue
        for rule in profile.rules:
            alert = RULES[rule.id](one, rule)
            if alert is not None:
                alerts.append(alert)
    return CheckResult(dato=dato, profile=profile.id, alerts=tuple(alerts), figures=figures)
