"""Absence rows ↔ registrations: an import's rows put on their lessons, and the stored
registrations as the rows an export writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace

from fravaer_tui.domain.csvio.absences import AbsenceRow
from fravaer_tui.domain.model import (
    Mark,
    MarkType,
    Registration,
    Roster,
    class_sort_key,
    remark_code,
)

LessonKey = tuple[str, dt.date, int]


def absences_to_registrations(
    rows: Iterable[AbsenceRow],
    roster: Roster,
    existing: Mapping[LessonKey, Registration],
    user: str,
    now: dt.datetime,
) -> list[Registration]:
    """Put each row's mark on its lesson(s); return only registrations that are new or changed.

    A whole-day row becomes a mark in every period of the class's timetable that weekday. An
    existing registration keeps who registered it and when, and each student's remark; a
    lesson that had none gets a new registration by `user` at `now`.
    """
    index = roster.timetable_index
    marks_by_lesson: dict[LessonKey, dict[str, Mark]] = {}
    for row in rows:
        student = roster.student(row.elev)
        if student is None:
            raise ValueError(f"ukjent elev «{row.elev}» (linje {row.line})")
        periods = (
            [row.time] if row.time is not None else list(index.periods_on(student.klasse, row.dato))
        )
        for time in periods:
            mark = Mark(
                row.elev,
                row.kind,
                row.minutter if row.kind is MarkType.SENT else None,
                merknad=row.merknad,
                validity=row.validity,
                reason=row.reason,
            )
            marks_by_lesson.setdefault((student.klasse, row.dato, time), {})[row.elev] = mark

    changed: list[Registration] = []
    for key, new_marks in marks_by_lesson.items():
        old = existing.get(key)
        if old is None:
            klasse, dato, time = key
            old = Registration(klasse, dato, time, av=user, tid=now)
            is_new = True
        else:
            is_new = False
        marks: list[Mark] = []
        for mark in old.marks:
            update = new_marks.pop(mark.elev, None)
            # a row's coded remark is set; without one the lesson keeps the remark it had
            kept = update.merknad if update is not None and update.merknad else mark.merknad
            marks.append(mark if update is None else replace(update, merknad=kept))
        marks.extend(new_marks.values())
        if is_new or tuple(marks) != old.marks:
            changed.append(replace(old, marks=tuple(marks)))
    changed.sort(key=lambda r: (r.dato, class_sort_key(r.klasse), r.time))
    return changed


def registrations_to_rows(
    registrations: Iterable[Registration], roster: Roster
) -> list[AbsenceRow]:
    """Every mark with a kind or a coded remark as one row per lesson, sorted by dato,
    klasse, time and elev.

    Only coded remarks (`mangler_utstyr`) go into `merknad`; remarks typed freely in the
    register stay in the app (the import takes coded values only). `line` is the row's line
    in the file `format_absences_csv` writes (the header is line 1).
    """

    def elev_key(elev: str) -> tuple[str, str, str]:
        student = roster.student(elev)
        return (*(student.sort_key if student else ("", "")), elev)

    found = [
        (reg, mark)
        for reg in registrations
        for mark in reg.marks
        if mark.kind is not None or remark_code(mark.merknad) is not None
    ]
    found.sort(
        key=lambda rm: (rm[0].dato, class_sort_key(rm[0].klasse), rm[0].time, elev_key(rm[1].elev))
    )
    return [
        AbsenceRow(
            line,
            mark.elev,
            reg.dato,
            reg.time,
            mark.kind,
            mark.minutter if mark.kind is MarkType.SENT else None,
            mark.validity,
            mark.reason,
            coded.value if (coded := remark_code(mark.merknad)) is not None else "",
        )
        for line, (reg, mark) in enumerate(found, start=2)
    ]
