"""The lessons a class held, and absence days as a share of them (DESIGN, Absence days)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from fravaer_tui.domain.model import CancelledLesson, Registration, Roster
from fravaer_tui.domain.schoolcalendar import SchoolCalendar


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
        not_held = self.cancelled
        for reg in registrations:
            key = (reg.klasse, reg.dato)
            if not not_held or reg.time not in not_held.get(key, ()):
                self.registered_periods[key].add(reg.time)
        self._periods: dict[tuple[str, dt.date], frozenset[int]] = {}
        self._on: dict[tuple[str, dt.date], int] = {}
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
        """Lessons the class held on `dato` (kept: a check asks ~10,000 times a class-day)."""
        key = (klasse, dato)
        count = self._on.get(key)
        if count is None:
            count = self._on[key] = self._count(klasse, dato, key)
        return count

    def _count(self, klasse: str, dato: dt.date, key: tuple[str, dt.date]) -> int:
        """`len(periods(...))` without building the set on an ordinary day (no kortdag, no
        lesson not held, nothing registered outside the timetable): a check asks for every
        class-day of the year, ~4,500 at a 600-student school."""
        registered = self.registered_periods.get(key)
        if self.calendar.is_school_day(dato) and key not in self.cancelled:
            planned = self.roster.timetable_index.periods_on(klasse, dato)
            ordinary = self.calendar.last_period(dato) is None
            if ordinary and (not registered or registered <= planned.keys()):
                return len(planned)
        return len(self.periods(klasse, dato))

    def held(self, klasse: str, fra: dt.date, til: dt.date) -> int:
        """Lessons the class had from `fra` to `til`, registered or not."""
        key = (klasse, fra, til)
        if key not in self._held:
            self._held[key] = sum(self.on(klasse, d) for d in self.calendar.school_days(fra, til))
        return self._held[key]


class Placed(Protocol):
    """A mark's place: the date, the class and the period (a rule's entry, a follow-up's
    absence)."""

    @property
    def dato(self) -> dt.date: ...

    @property
    def klasse(self) -> str: ...

    @property
    def time(self) -> int: ...


def day_fractions(absences: Iterable[Placed], lessons: Lessons) -> dict[dt.date, float]:
    """Absence days per date: absent lessons ÷ the lessons the class held that day (DESIGN)."""
    counts: dict[tuple[dt.date, str], set[int]] = defaultdict(set)
    for e in absences:
        counts[(e.dato, e.klasse)].add(e.time)
    days: dict[dt.date, float] = defaultdict(float)
    for (dato, klasse), times in counts.items():
        total = max(lessons.on(klasse, dato), len(times))
        days[dato] += len(times) / total
    return {d: min(1.0, v) for d, v in days.items()}
