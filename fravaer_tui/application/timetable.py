"""Lessons as they were held (issue 11): timetable versions, classes per school year,
lessons marked not held.

DESIGN, Domain: «each timetable import is a version valid from a date until the next
version; a date always uses the version valid on it», «a student's class is kept per
school year, and every registration keeps the class it was made in», «A lesson can be
marked not held (avlyst: trip, exam day)».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from fravaer_tui.application.csvdata import ImportResult
from fravaer_tui.application.school import School
from fravaer_tui.domain.model import CancelledLesson, Student, TimetableVersion
from fravaer_tui.domain.schoolcalendar import (
    format_date,
    school_year_bounds,
    school_year_name,
    school_year_start,
)
from fravaer_tui.errors import LessonConflict, UserError


def parse_school_year(text: str) -> str:
    """`2025-2026`: two years in a row; a Norwegian message otherwise."""
    first, _, second = text.strip().partition("-")
    if not (first.isdigit() and second.isdigit() and len(first) == 4 and len(second) == 4):
        raise UserError(f"Skoleåret «{text}» må skrives som åååå-åååå, f.eks. 2025-2026.")
    if int(second) != int(first) + 1:
        raise UserError(f"Skoleåret «{text}»: det andre året må komme rett etter det første.")
    return f"{first}-{second}"


def _classes_in_year(school: School, skoleaar: str) -> set[str]:
    """Classes in any timetable version valid some day of the school year."""
    start = dt.date(int(skoleaar[:4]), 8, 1)
    end = school_year_bounds(start)[1]
    versions = school.roster.versions
    found: set[str] = set()
    for i, version in enumerate(versions):
        until = versions[i + 1].fra - dt.timedelta(days=1) if i + 1 < len(versions) else dt.date.max
        if version.fra <= end and until >= start:
            found |= {s.klasse for s in version.slots}
    return found


def _with_year(old: Student | None, new: Student, skoleaar: str) -> Student:
    """The student as in the file, with the class of every school year known kept.

    A student from before classes per school year (no history) whose class changed is
    taken to have had the old class the school year before (an August import)."""
    years = dict(old.klasser) if old is not None else {}
    if old is not None and not old.klasser and old.klasse != new.klasse:
        years[f"{int(skoleaar[:4]) - 1}-{skoleaar[:4]}"] = old.klasse
    years[skoleaar] = new.klasse
    return replace(new, klasser=tuple(sorted(years.items())))


def import_students(
    school: School,
    data: bytes,
    source: str,
    skoleaar: str | None,
    now: dt.datetime,
    audit: dict[str, Any],
) -> ImportResult:
    """The class list of one school year (default: the current one), all or nothing.

    For the newest school year the file is the school's students; for an earlier one it
    records only which class the students had then (the registrations keep theirs)."""
    from fravaer_tui.domain import csvio

    year = parse_school_year(skoleaar) if skoleaar else school_year_name(now.date())
    students = csvio.parse_students(data, source)
    known = _classes_in_year(school, year)
    unknown = sorted({s.klasse for s in students} - known) if known else []
    if unknown:
        who = ", ".join(s.id for s in students if s.klasse in unknown)[:200]
        raise UserError(
            f"{source}, felt «klasse»: klassen {', '.join(f'«{k}»' for k in unknown)} finnes "
            f"ikke i timeplanen for {year} (elever: {who}). Rett klassen, eller importer "
            "timeplanen for den først. Ingenting er lagret."
        )
    current = {s.id: s for s in school.roster.students}
    years = {y for s in current.values() for y, _ in s.klasser}
    if any(not s.klasser for s in current.values()):  # from before classes per school year:
        years.add(school_year_name(now.date()))  # the list is this school year's
    newest = max(years, default=None)
    if newest is None or year >= newest:
        updated = [_with_year(current.get(s.id), s, year) for s in students]
        school.store.write_roster(students=updated, **audit)
        detail = f"{len(students)} elever i {len({s.klasse for s in students})} klasser ({year})"
        return ImportResult("students", len(students), detail)
    by_id = {s.id: s for s in students}
    updated = [
        replace(s, klasser=tuple(sorted((dict(s.klasser) | {year: by_id[s.id].klasse}).items())))
        if s.id in by_id
        else s
        for s in current.values()
    ]
    school.store.write_roster(students=updated, **audit)
    kept = sum(1 for s in students if s.id in current)
    detail = (
        f"klassen i {year} for {kept} elever (elevlisten er fortsatt {newest} sin"
        + (
            f"; {len(students) - kept} elever i filen går ikke på skolen nå"
            if kept < len(students)
            else ""
        )
        + ")"
    )
    return ImportResult("students", len(students), detail)


def import_timetable(
    school: School,
    data: bytes,
    source: str,
    fra: dt.date | None,
    now: dt.datetime,
    audit: dict[str, Any],
) -> ImportResult:
    """A timetable version valid from `fra` (default today) until the next version.

    The first import is valid from the start of its school year; an import with the same
    `fra` as an earlier one replaces it; dates before `fra` keep the version they had."""
    from fravaer_tui.domain import csvio

    known = {s.id for s in school.roster.staff} or None
    slots = csvio.parse_timetable(data, source, known)
    existing = school.roster.versions
    start = fra or now.date()
    if not existing:
        start = school_year_start(start)
    versions = [v for v in existing if v.fra != start] + [TimetableVersion(start, tuple(slots))]
    school.store.write_roster(versions=versions, **audit)
    later = [v.fra for v in existing if v.fra > start]
    until = f" til {format_date(min(later) - dt.timedelta(days=1))}" if later else ""
    detail = (
        f"{len(slots)} timer for {len({s.klasse for s in slots})} klasser, "
        f"gjelder fra {format_date(start)}{until}"
    )
    return ImportResult("timetable", len(slots), detail)


def set_lesson_held(
    school: School,
    klasse: str,
    dato: dt.date,
    time: int,
    held: bool,
    user: str,
    now: dt.datetime,
) -> CancelledLesson | None:
    """Mark a lesson of the timetable not held (avlyst), or held again (`held`).

    Any staff member may (a faglærer registers any lesson, substitutes too); audited.
    A lesson already registered was held: it cannot be marked not held."""
    if klasse not in school.roster.classes:
        known = ", ".join(school.roster.classes) or "ingen"
        raise UserError(f"Ukjent klasse «{klasse}». Klassene er: {known}.")
    earliest = school_year_start(school_year_start(now.date()) - dt.timedelta(days=1))
    latest = school_year_bounds(now.date())[1]
    if not earliest <= dato <= latest:
        raise UserError(
            f"{format_date(dato)} er utenfor skoleårene som kan føres nå "
            f"({format_date(earliest)}–{format_date(latest)})."
        )
    if not school.calendar.is_school_day(dato):
        raise UserError(f"{format_date(dato)} er ikke en skoledag: det er ingen time å avlyse.")
    slot = school.roster.slot_on(klasse, dato, time)
    if slot is None:
        periods = [str(s.time) for s in school.roster.slots_on(klasse, dato)]
        raise UserError(
            f"{klasse} har ingen {time}. time på {format_date(dato)} i timeplanen som gjelder "
            f"da. Timene den dagen: {', '.join(periods) or 'ingen'}."
        )
    last = school.calendar.last_period(dato)
    if last is not None and time > last:
        raise UserError(
            f"{format_date(dato)} er en kortdag: skoledagen slutter etter {last}. time "
            f"(skole.toml), så {time}. time holdes ikke uansett."
        )
    lesson = CancelledLesson(klasse, dato, time, user, now)
    try:
        return school.store.set_not_held(lesson, held, user, now)
    except LessonConflict:  # checked inside the file's lock: registered, so held
        raise UserError(
            f"{klasse} {format_date(dato)} {time}. time er ført, og en ført time er holdt. "
            "Ingenting er endret."
        ) from None
