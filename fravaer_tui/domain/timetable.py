"""The weekly timetable, its versions, and the one index every reader uses.

DESIGN, Lesson: «Timetables change (new school year, new semester): each timetable import
is a version valid from a date until the next version; a date always uses the version valid
on it.» `TimetableIndex` answers "which lessons does this class have on this date" and
"how long is this lesson" by that version; the roster builds it once (`Roster.timetable_index`).

A lesson's length (one rule, docs/NOTES.md «A lesson's length»): the length of its slot in
the version valid on its date; a lesson that version does not have (registered all the same,
or a period since removed) counts with the class's most common length in that version, else
the most common length of the whole version, else `DEFAULT_LESSON_MINUTES`; a date before
the first version uses the first version. On a tie the shorter length wins, so the hours
never depend on the order of the lines in the timetable file.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_LESSON_MINUTES = 45  # a lesson's length when no timetable says anything


@dataclass(frozen=True, slots=True)
class Slot:
    """One period in a class's weekly timetable (weekday 1 = Monday)."""

    klasse: str
    ukedag: int
    time: int
    start: dt.time
    slutt: dt.time
    fag: str
    laerer: str

    @property
    def minutes(self) -> int:
        return (self.slutt.hour * 60 + self.slutt.minute) - (
            self.start.hour * 60 + self.start.minute
        )


@dataclass(frozen=True, slots=True)
class TimetableVersion:
    """The weekly timetable valid from `fra` until the next version starts (DESIGN, Lesson)."""

    fra: dt.date
    slots: tuple[Slot, ...]


@dataclass(frozen=True, slots=True)
class CancelledLesson:
    """A lesson of the timetable that was not held (avlyst: trip, exam day)."""

    klasse: str
    dato: dt.date
    time: int
    av: str = ""
    tid: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Kortdag:
    """A short day from `skole.toml`: every class's day ends after period `siste_time`."""

    dato: dt.date
    siste_time: int


@dataclass(frozen=True, slots=True)
class Lesson:
    """A slot on a real school day."""

    dato: dt.date
    slot: Slot

    @property
    def klasse(self) -> str:
        return self.slot.klasse

    @property
    def time(self) -> int:
        return self.slot.time


def _most_common(lengths: Counter[int]) -> int:
    """The most common length; on a tie the shorter."""
    return min(lengths, key=lambda minutes: (-lengths[minutes], minutes))


class _Week:
    """One version's week: (class, weekday) -> {period: slot} in period order, and lengths."""

    __slots__ = ("days", "usual", "school_usual", "classes")

    def __init__(self, slots: Iterable[Slot]) -> None:
        days: dict[tuple[str, int], dict[int, Slot]] = {}
        lengths: dict[str, Counter[int]] = {}
        everyone: Counter[int] = Counter()
        for slot in sorted(slots, key=lambda s: s.time):
            days.setdefault((slot.klasse, slot.ukedag), {}).setdefault(slot.time, slot)
            lengths.setdefault(slot.klasse, Counter())[slot.minutes] += 1
            everyone[slot.minutes] += 1
        self.days = days
        self.usual = {klasse: _most_common(c) for klasse, c in lengths.items()}
        self.school_usual = _most_common(everyone) if everyone else DEFAULT_LESSON_MINUTES
        self.classes = frozenset(lengths)


_NO_PERIODS: Mapping[int, Slot] = {}


class TimetableIndex:
    """The timetable's versions indexed once: a class's periods on a date, a lesson's slot
    and length on a date, and the newest version for callers without a date."""

    __slots__ = ("versions", "_starts", "_weeks")

    def __init__(self, versions: Iterable[TimetableVersion]) -> None:
        self.versions = tuple(sorted(versions, key=lambda v: v.fra))
        self._starts = [v.fra for v in self.versions]
        self._weeks = [_Week(v.slots) for v in self.versions]

    def _week(self, dato: dt.date) -> _Week | None:
        i = bisect_right(self._starts, dato) - 1
        return self._weeks[i] if i >= 0 else None

    def version_on(self, dato: dt.date) -> TimetableVersion | None:
        """The version valid on `dato` (None before the first one)."""
        i = bisect_right(self._starts, dato) - 1
        return self.versions[i] if i >= 0 else None

    def periods_on(self, klasse: str, dato: dt.date) -> Mapping[int, Slot]:
        """period -> slot of the class on `dato`'s weekday, by the version valid that day,
        in period order (whether `dato` is a school day is the calendar's question)."""
        week = self._week(dato)
        if week is None:
            return _NO_PERIODS
        return week.days.get((klasse, dato.isoweekday()), _NO_PERIODS)

    def slot_on(self, klasse: str, dato: dt.date, time: int) -> Slot | None:
        return self.periods_on(klasse, dato).get(time)

    def classes_on(self, dato: dt.date) -> frozenset[str]:
        """The classes with lessons in the version valid on `dato`."""
        week = self._week(dato)
        return week.classes if week is not None else frozenset()

    def lesson_minutes(self, klasse: str, dato: dt.date, time: int) -> int:
        """How long the lesson is (module docstring: the one rule for a lesson's length)."""
        week = self._week(dato) or (self._weeks[0] if self._weeks else None)
        if week is None:
            return DEFAULT_LESSON_MINUTES
        slot = week.days.get((klasse, dato.isoweekday()), _NO_PERIODS).get(time)
        if slot is not None:
            return slot.minutes
        return week.usual.get(klasse, week.school_usual)

    def newest_periods(self, klasse: str, ukedag: int) -> Mapping[int, Slot]:
        """period -> slot in the newest version (for callers that ask without a date)."""
        if not self._weeks:
            return _NO_PERIODS
        return self._weeks[-1].days.get((klasse, ukedag), _NO_PERIODS)
