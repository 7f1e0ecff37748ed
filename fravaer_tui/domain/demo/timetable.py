"""The demo's week: periods and subjects, each class's week plan, and the staff hired to
teach it (every class and subject one teacher, never booked twice at once)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from fravaer_tui.domain.demo.people import _ADULT_NAMES, GRADES, _ascii, _surname, _Unique
from fravaer_tui.domain.model import Role, Slot, Staff

PERIODS: dict[int, tuple[dt.time, dt.time]] = {
    1: (dt.time(8, 30), dt.time(9, 15)),
    2: (dt.time(9, 20), dt.time(10, 5)),
    3: (dt.time(10, 20), dt.time(11, 5)),
    4: (dt.time(11, 10), dt.time(11, 55)),
    5: (dt.time(12, 30), dt.time(13, 15)),
    6: (dt.time(13, 20), dt.time(14, 5)),
}
PERIODS_PER_DAY = {1: 6, 2: 6, 3: 6, 4: 6, 5: 5}

# Lessons a week per subject (29 in all); the doubles are taught as one two-period block.
SUBJECTS: tuple[tuple[str, int], ...] = (
    ("norsk", 4),
    ("matematikk", 4),
    ("engelsk", 3),
    ("naturfag", 3),
    ("samfunnsfag", 3),
    ("KRLE", 2),
    ("kroppsøving", 2),
    ("musikk", 1),
    ("kunst og håndverk", 2),
    ("mat og helse", 1),
    ("fremmedspråk", 2),
    ("valgfag", 2),
)
DOUBLES = ("kroppsøving", "kunst og håndverk", "valgfag")
KROPPSOVING = "kroppsøving"

# What else a newly hired faglærer can teach, so a school needs fewer of them.
_SECOND_SUBJECTS = {
    "norsk": ("engelsk", "KRLE"),
    "matematikk": ("naturfag",),
    "engelsk": ("fremmedspråk", "norsk"),
    "naturfag": ("matematikk", "mat og helse"),
    "samfunnsfag": ("KRLE", "norsk"),
    "KRLE": ("samfunnsfag",),
    "kroppsøving": ("valgfag", "naturfag"),
    "musikk": ("kunst og håndverk", "valgfag"),
    "kunst og håndverk": ("musikk", "valgfag"),
    "mat og helse": ("naturfag", "kroppsøving"),
    "fremmedspråk": ("engelsk",),
    "valgfag": ("kroppsøving", "musikk"),
}
_KONTAKT_EXTRA = ("engelsk", "samfunnsfag", "naturfag", "KRLE")
_KONTAKT_CAPACITY = 20
_FAGLAERER_CAPACITY = 24


@dataclass(slots=True)
class _Teacher:
    id: str
    subjects: tuple[str, ...]
    capacity: int
    busy: set[tuple[int, int]] = field(default_factory=set)
    grades: set[str] = field(default_factory=set)

    @property
    def load(self) -> int:
        return len(self.busy)


def _week_plan(rng: random.Random) -> dict[tuple[int, int], str]:
    """One class's week: doubles on three different days, the rest spread over the days."""
    plan: dict[tuple[int, int], str] = {}
    for fag, day in zip(DOUBLES, rng.sample(range(1, 6), len(DOUBLES)), strict=True):
        period = rng.choice([p for p in (1, 3, 5) if p + 1 <= PERIODS_PER_DAY[day]])
        plan[(day, period)] = plan[(day, period + 1)] = fag
    cells = [(d, p) for d in range(1, 6) for p in range(1, PERIODS_PER_DAY[d] + 1)]
    for fag, count in sorted(SUBJECTS, key=lambda s: -s[1]):
        if fag in DOUBLES:
            continue
        days_used: set[int] = set()
        for _ in range(count):
            free = [c for c in cells if c not in plan]
            fresh = [c for c in free if c[0] not in days_used]
            cell = rng.choice(fresh or free)
            plan[cell] = fag
            days_used.add(cell[0])
    return plan


def _timetable_and_staff(
    rng: random.Random, classes: tuple[str, ...]
) -> tuple[tuple[Slot, ...], tuple[Staff, ...]]:
    """A timetable where every (class, subject) has one teacher, never booked twice at once."""
    usernames, full_names = _Unique(), set[str]()

    def person() -> tuple[str, str]:
        while True:
            fornavn, etternavn = rng.choice(_ADULT_NAMES), _surname(rng)
            if f"{fornavn} {etternavn}" not in full_names:
                full_names.add(f"{fornavn} {etternavn}")
                return f"{fornavn} {etternavn}", usernames(f"{_ascii(fornavn)}.{_ascii(etternavn)}")

    staff: list[Staff] = []

    def hire(rolle: Role, klasser: tuple[str, ...] = ()) -> Staff:
        navn, brukernavn = person()
        member = Staff(f"A{len(staff) + 1:03d}", navn, rolle, klasser, brukernavn)
        staff.append(member)
        return member

    hire(Role.REKTOR)
    for grade in GRADES:
        prefix = str(grade)
        hire(Role.AVDELINGSLEDER, tuple(k for k in classes if k[:-1] == prefix))

    plans = {klasse: _week_plan(rng) for klasse in classes}
    teachers: list[_Teacher] = []
    assigned: dict[tuple[str, int, int], str] = {}

    def give(teacher: _Teacher, klasse: str, cells: list[tuple[int, int]]) -> None:
        teacher.busy.update(cells)
        teacher.grades.add(klasse[:-1])
        for day, period in cells:
            assigned[(klasse, day, period)] = teacher.id

    for klasse in classes:
        member = hire(Role.KONTAKTLAERER, (klasse,))
        extra = rng.choice(_KONTAKT_EXTRA)
        teacher = _Teacher(member.id, ("norsk", "matematikk", extra), _KONTAKT_CAPACITY)
        teachers.append(teacher)
        own = [c for c, fag in sorted(plans[klasse].items()) if fag in ("norsk", "matematikk")]
        give(teacher, klasse, own)

    for fag, _count in sorted(SUBJECTS, key=lambda s: -s[1]):
        for klasse in classes:
            cells = [c for c, f in sorted(plans[klasse].items()) if f == fag]
            if all((klasse, *c) in assigned for c in cells):
                continue
            grade = klasse[:-1]
            candidates = [
                t
                for t in teachers
                if fag in t.subjects
                and t.load + len(cells) <= t.capacity
                and t.busy.isdisjoint(cells)
            ]
            if candidates:
                teacher = min(candidates, key=lambda t: (grade not in t.grades, -t.load, t.id))
            else:
                member = hire(Role.FAGLAERER)
                subjects = (fag, *_SECOND_SUBJECTS[fag])
                teacher = _Teacher(member.id, subjects, _FAGLAERER_CAPACITY)
                teachers.append(teacher)
            give(teacher, klasse, cells)

    timetable = tuple(
        Slot(klasse, day, period, *PERIODS[period], fag, assigned[(klasse, day, period)])
        for klasse in classes
        for (day, period), fag in sorted(plans[klasse].items())
    )
    return timetable, tuple(staff)
