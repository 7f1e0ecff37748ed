"""`fravaer import … --dry-run`: what an import would do, read and checked as the import reads
and checks it, and nothing written (issue 12, point 8)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from fravaer_tui.application.csvdata import ImportResult
from fravaer_tui.application.school import School
from fravaer_tui.domain.model import Roster
from fravaer_tui.domain.schoolcalendar import format_date, school_year_name, school_year_start
from fravaer_tui.domain.words import join


def _listed(ids: list[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")


def preview(
    school: School | None, kind: str, data: bytes, source: str, now: dt.datetime, **options: Any
) -> ImportResult:
    """`school` None: the folder has no school yet (the import would make one)."""
    from fravaer_tui.domain import csvio

    roster = school.roster if school is not None else Roster()
    lines: list[str] = []
    if kind == "students":
        students = csvio.parse_students(data, source)
        year = options.get("school_year") or school_year_name(now.date())
        old = {s.id: s for s in roster.students}
        new = {s.id: s for s in students}
        moved = [i for i in new.keys() & old.keys() if old[i].klasse != new[i].klasse]
        renamed = [i for i in new.keys() & old.keys() if old[i].navn != new[i].navn]
        classes = Counter(s.klasse for s in students)
        lines.append(
            f"{len(students)} elever i {len(classes)} klasser for {year}: "
            + ", ".join(f"{k} ({n})" for k, n in sorted(classes.items()))
        )
        lines.append(f"nye elever: {len(new.keys() - old.keys())}")
        if old:
            gone = sorted(old.keys() - new.keys())
            lines.append(f"ikke i filen (går ikke lenger på skolen): {len(gone)} {_listed(gone)}")
            lines.append(f"bytter klasse: {len(moved)} {_listed(sorted(moved))}")
            lines.append(f"nytt navn: {len(renamed)} {_listed(sorted(renamed))}")
        rows = len(students)
    elif kind == "staff":
        staff = csvio.parse_staff(data, source)
        old_staff = {s.id: s for s in roster.staff}
        roles = Counter(s.rolle.label for s in staff)
        lines.append(f"{len(staff)} ansatte: " + join(f"{n} {r}" for r, n in sorted(roles.items())))
        lines.append(f"nye: {len(staff) - len(old_staff.keys() & {s.id for s in staff})}")
        gone = sorted(old_staff.keys() - {s.id for s in staff})
        if gone:
            lines.append(f"tas ut (og mister SSH-nøklene): {_listed(gone)}")
        changed = [s.id for s in staff if s.id in old_staff and old_staff[s.id] != s]
        if changed:
            lines.append(f"endret (rolle, klasser, navn eller brukernavn): {_listed(changed)}")
        rows = len(staff)
    elif kind == "timetable":
        known = {s.id for s in roster.staff} or None
        slots = csvio.parse_timetable(data, source, known)
        start = options.get("fra") or now.date()
        if not roster.versions:
            start = school_year_start(start)
        replaced = any(v.fra == start for v in roster.versions)
        lines.append(
            f"{len(slots)} timer for {len({s.klasse for s in slots})} klasser og "
            f"{len({s.laerer for s in slots})} lærere, gjelder fra {format_date(start)}"
            + (" (erstatter timeplanen fra samme dato)" if replaced else "")
        )
        rows = len(slots)
    elif kind == "absences":
        if school is None or not roster.students or not roster.timetable:
            lines.append("skolen har ikke elever og timeplan ennå: fravær kan ikke importeres")
            rows = 0
        else:
            found = csvio.parse_absences(data, source, roster, school.calendar)
            days = sorted({r.dato for r in found})
            span = f", {format_date(days[0])}–{format_date(days[-1])}" if days else ""
            lines.append(
                f"{len(found)} rader for {len({r.elev for r in found})} elever{span}; "
                "timer som er ført fra før, får fraværet fra filen"
            )
            rows = len(found)
    else:
        raise ValueError(kind)
    detail = "prøvekjøring, ingenting er lagret:\n  " + "\n  ".join(lines)
    return ImportResult(kind, rows, detail)
