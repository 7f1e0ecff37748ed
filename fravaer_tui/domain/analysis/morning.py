"""The kontaktlærer's morning: who was away yesterday and today, absences still *ikke meldt*,
and lessons nobody registered (*ikke ført*)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from fravaer_tui.domain.model import (
    CancelledLesson,
    Mark,
    MarkType,
    Melding,
    Registration,
    Roster,
    Validity,
    class_sort_key,
)
from fravaer_tui.domain.rules import melding_cover, validity_of
from fravaer_tui.domain.schoolcalendar import SchoolCalendar


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
