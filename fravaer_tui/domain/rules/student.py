"""Every rule for one student, from that student's marks (DESIGN, Threshold rules), and the
window and stretch arithmetic the rules share."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from fravaer_tui.domain.model import MarkType, Reason, Remark, Student, Validity
from fravaer_tui.domain.profiles import Profile, RuleDef
from fravaer_tui.domain.rules.lessons import Lessons, day_fractions
from fravaer_tui.domain.rules.values import (
    AAPEN,
    EPSILON,
    FULGT_OPP,
    Alert,
    Entry,
    StudentFigures,
)
from fravaer_tui.domain.schoolcalendar import (
    ONE_DAY,
    months_window_start,
    school_year_name,
    school_year_start,
    semester_bounds,
)


def window_start(rule: RuleDef, dato: dt.date) -> dt.date:
    if rule.maaneder is None:
        return semester_bounds(dato)[0]
    return months_window_start(dato, rule.maaneder)


def sum_rule(
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
        lo = bisect_left(dates, window_start(rule, x))
        hi = bisect_right(dates, x)
        return prefix[hi] - prefix[lo] if hi > lo else 0.0

    total = count(dato)
    if total < rule.terskel - EPSILON:
        return None
    i = len(dates) - 1
    while i > 0 and count(dates[i] - ONE_DAY) >= rule.terskel - EPSILON:
        i -= 1
    return total, dates[i]


class StudentCheck:
    """All rules for one student, from that student's marks (one pass to group them)."""

    def __init__(
        self,
        student: Student,
        entries: list[Entry],
        lessons: Lessons,
        dato: dt.date,
        kontakter: list[dt.date] | None = None,
        profile: Profile | None = None,
    ) -> None:
        self.profile = profile
        self._hoyt: tuple[tuple[float, dt.date] | None] | None = None
        self.student = student
        self.elev = student.id
        self.year = school_year_name(dato)
        self.klasse = student.klasse_i(self.year)
        self.entries = entries
        self.lessons = lessons
        self.dato = dato
        self.kontakter = sorted(kontakter or [])
        self.absences = [e for e in entries if e.absent]
        self.late = [e for e in entries if e.kind is MarkType.SENT]
        self.utstyr = [e for e in entries if e.merknad == _MANGLER_UTSTYR]
        self.fractions = day_fractions(self.absences, lessons)

    def _alert(
        self,
        rule: RuleDef,
        found: tuple[float, dt.date],
        evidence: list[Entry],
        since: dt.date | None = None,
        tiltak: str | None = None,
    ) -> Alert:
        """`since`: evidence from this date on (default: the window's start)."""
        antall, forst = found
        start = window_start(rule, self.dato)
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

    def _count_rule(self, rule: RuleDef, counted: list[Entry]) -> Alert | None:
        events: dict[dt.date, float] = defaultdict(float)
        for e in counted:
            events[e.dato] += 1.0
        found = sum_rule(events, rule, self.dato)
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
            if sum_rule(day_fractions(perm, self.lessons), rule, self.dato) and not sum_rule(
                day_fractions(rest, self.lessons), rule, self.dato
            ):
                tiltak = rule.permisjon_tiltak
        return self._alert(rule, found, counted, tiltak=tiltak)

    def _hoyt_counted(self, rule: RuleDef) -> tuple[list[Entry], dict[dt.date, float]]:
        """The absences `hoyt_fravaer` counts and their days (permisjon as the rule says)."""
        if rule.permisjon_teller:
            return self.absences, self.fractions
        counted = [e for e in self.absences if not _innvilget_permisjon(e)]
        return counted, day_fractions(counted, self.lessons)

    def _hoyt_held(self, rule: RuleDef) -> tuple[float, dt.date] | None:
        """`hoyt_fravaer`'s (count, first day of its stretch) at the check date, once."""
        if self._hoyt is None:
            self._hoyt = (sum_rule(self._hoyt_counted(rule)[1], rule, self.dato),)
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
        # `first` may be a Saturday or a day of a holiday, like any day a window slides
        # past three months; the step it opens is due from the next school day (deadlines)
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
        start = window_start(rule, self.dato)
        year_start = school_year_start(self.dato)
        by_day: dict[dt.date, list[Entry]] = defaultdict(list)
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

    def _day_state(self, dato: dt.date, day: list[Entry]) -> str:
        """ "hel" (absent the whole day, no melding), "ukjent" or "brudd" (breaks a run).

        Unknown: nothing registered for the class that day, or the student missed every
        lesson registered but fewer than half the day's lessons were registered.
        """
        if not day:  # absent from nothing: a break, if the class registered anything
            year = school_year_name(dato)
            klasse = self.klasse if year == self.year else self.student.klasse_i(year)
            return "brudd" if self.lessons.registered(klasse, dato) else "ukjent"
        klasse = day[0].klasse
        registered = self.lessons.registered(klasse, dato)
        if registered == 0:
            return "ukjent"
        if len(day) < registered:  # fewer marks than lessons registered: some attended
            return "brudd"
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


def _innvilget_permisjon(e: Entry) -> bool:
    return e.reason is Reason.PERMISJON and e.validity is Validity.GYLDIG


def _entry_order(e: Entry) -> tuple[dt.date, int]:
    return (e.dato, e.time)


_MANGLER_UTSTYR = Remark.MANGLER_UTSTYR.value  # read once: an enum's `.value` is a descriptor


RULES: dict[str, Callable[[StudentCheck, RuleDef], Alert | None]] = {
    "ugyldig_fravaer": StudentCheck.ugyldig_fravaer,
    "hoyt_fravaer": StudentCheck.hoyt_fravaer,
    "forsentkomming": StudentCheck.forsentkomming,
    "forlater_skolen": StudentCheck.forlater_skolen,
    "sammenhengende_uten_melding": StudentCheck.sammenhengende_uten_melding,
    "langvarig_kjent_aarsak": StudentCheck.langvarig_kjent_aarsak,
    "mangler_utstyr": StudentCheck.mangler_utstyr,
}
