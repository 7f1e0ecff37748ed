"""The absence file: its columns and rows, the parser that checks each row against the
roster, its timetable and the school calendar, and the writer of the same format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from fravaer_tui.domain.csvio.cells import write_csv
from fravaer_tui.domain.csvio.fields import (
    WEEKDAY_NAMES,
    _date,
    _kind,
    _minutes,
    _period,
    _reason,
    _remark,
    _validity,
)
from fravaer_tui.domain.csvio.reading import _Checker, _read_table
from fravaer_tui.domain.marks import mark_problems
from fravaer_tui.domain.model import Mark, MarkType, Reason, Roster, Validity, remark_code
from fravaer_tui.domain.schoolcalendar import SchoolCalendar, format_date

ABSENCE_COLUMNS = ("elev_id", "dato", "time", "type", "minutter", "gyldighet", "aarsak")
# Issue 13: a coded remark (Hole's *mangler utstyr*); files without the column still import.
ABSENCE_OPTIONAL_COLUMNS = ("merknad",)


@dataclass(frozen=True, slots=True)
class AbsenceRow:
    """One row of an absence file: a mark on a student in one period, or the whole day.

    `time` None means every period of the student's class that weekday. `validity` None
    means the file left gyldighet empty: *ikke meldt* until a melding says otherwise.
    """

    line: int
    elev: str
    dato: dt.date
    time: int | None
    kind: MarkType | None  # None: present, with a coded remark (`merknad`)
    minutter: int | None = None
    validity: Validity | None = None
    reason: Reason | None = None
    merknad: str = ""  # a coded remark as stored (Remark value), else ""


def parse_absences(
    data: bytes | str, source: str, roster: Roster, calendar: SchoolCalendar
) -> list[AbsenceRow]:
    """Absence rows, checked against the roster, its timetable and the school calendar.

    An empty `time` is the whole day (every period of the class that weekday, by the
    timetable version valid on the date); `sent` needs a period, and the mark's own rules
    are `domain.marks`' (minutes from 1 to the lesson's length, only for `sent`). An empty
    gyldighet is stored as None (*ikke meldt* until a melding says otherwise) — except that an
    `aarsak` implies gyldig: a reason with empty gyldighet becomes gyldig, with ugyldig stays
    ugyldig (the reason was judged invalid), and with ikke_meldt is an error (a reason means
    foresatte did report).
    A student may have one row per (dato, time) and a whole-day row excludes any other row for
    that date; the later row is the one reported.

    `merknad` (optional column, issue 13) holds a coded remark, `mangler_utstyr`; with an
    empty `type` the row is a present student with that remark in one period (no
    minutter, gyldighet or aarsak then).
    """
    records = _read_table(data, source, ABSENCE_COLUMNS, ABSENCE_OPTIONAL_COLUMNS, kind="absences")
    check = _Checker(source)
    index = roster.timetable_index
    rows: list[AbsenceRow] = []
    taken: dict[tuple[str, dt.date], dict[int | None, int]] = {}
    for record in records:
        errors_before = len(check.errors)
        elev_id = check.required(record, "elev_id")
        student = roster.student(elev_id) if elev_id else None
        if elev_id and student is None:
            check.fail(record, "elev_id", f"ukjent elev «{elev_id}» (finnes ikke i elevlisten)")
        dato = check.parse(record, "dato", _date)
        if dato is not None and not calendar.is_school_day(dato):
            check.fail(record, "dato", _not_a_school_day(dato, calendar))
            dato = None
        time = check.parse(record, "time", lambda t: _period(t) if t else None)
        remark = check.parse(record, "merknad", _remark)
        remark_only = not record["type"] and bool(record["merknad"])
        kind = None if remark_only else check.parse(record, "type", _kind)
        minutter = check.parse(record, "minutter", _minutes)
        validity = check.parse(record, "gyldighet", _validity)
        reason = check.parse(record, "aarsak", _reason)
        if remark_only and not record["time"]:
            check.fail(record, "time", "en merknad gjelder én time: fyll ut timenummeret")
        if kind is MarkType.SENT and not record["time"]:
            check.fail(record, "time", "type sent gjelder én time: fyll ut timenummeret")
        if kind is not None and reason is not None and validity is None:
            validity = Validity.GYLDIG
        lesson_minutes: int | None = None

        if student is not None and dato is not None:
            periods = index.periods_on(student.klasse, dato)  # the version valid that day
            weekday = WEEKDAY_NAMES[dato.weekday()]
            if not periods:
                check.fail(
                    record,
                    "time" if record["time"] else "dato",
                    f"{student.klasse} har ingen timer på {weekday}er i timeplanen",
                )
            elif time is not None and time not in periods:
                check.fail(
                    record,
                    "time",
                    f"{student.klasse} har ingen time {time} på {weekday}er "
                    f"(timeplanen har time {', '.join(map(str, periods))})",
                )
            elif record["time"] == "" or time is not None:
                if time is not None:
                    lesson_minutes = index.lesson_minutes(student.klasse, dato, time)
                earlier = taken.setdefault((student.id, dato), {})
                clash = _clash(earlier, time)
                if clash is None:
                    earlier[time] = record.line
                else:
                    check.fail(record, "time", _clash_message(student.id, dato, time, *clash))

        # the mark's own rules (domain.marks), on the fields that could be read
        unreadable = {error.field for error in check.errors[errors_before:]}
        if (kind is not None or remark_only) and "type" not in unreadable:
            mark = Mark(elev_id or "", kind, minutter, "", validity, reason)
            for problem in mark_problems(mark, lesson_minutes):
                if problem.field not in unreadable:
                    check.fail(record, problem.field, problem.text)

        if len(check.errors) == errors_before and student and dato and (kind or remark_only):
            rows.append(
                AbsenceRow(
                    record.line,
                    student.id,
                    dato,
                    time,
                    kind,
                    minutter if kind is MarkType.SENT else None,
                    validity,
                    reason,
                    remark.value if remark is not None else "",
                )
            )
    check.done()
    return rows


def _clash(earlier: dict[int | None, int], time: int | None) -> tuple[int | None, int] | None:
    """(period, line) of an earlier row this one collides with: same period, or a whole day."""
    if time is None:
        return min(earlier.items(), key=lambda item: item[1], default=None)
    for key in (time, None):
        if key in earlier:
            return key, earlier[key]
    return None


def _clash_message(
    elev: str, dato: dt.date, time: int | None, earlier_time: int | None, earlier_line: int
) -> str:
    day = format_date(dato)
    if time == earlier_time:
        what = "hele dagen" if time is None else f"time {time}"
        return f"eleven «{elev}» har allerede en rad for {day} {what} på linje {earlier_line}"
    earlier = "hele dagen" if earlier_time is None else f"time {earlier_time}"
    return (
        f"eleven «{elev}» har allerede en rad for {day} {earlier} på linje {earlier_line}; "
        "en rad for hele dagen kan ikke stå sammen med rader for enkelttimer samme dag"
    )


def _not_a_school_day(dato: dt.date, calendar: SchoolCalendar) -> str:
    if dato.isoweekday() > 5:
        return f"{format_date(dato)} er en {WEEKDAY_NAMES[dato.weekday()]}, ikke en skoledag"
    name = calendar.holiday_name(dato)
    if name:
        return f"{format_date(dato)} er ikke en skoledag ({name})"
    return f"{format_date(dato)} er ikke en skoledag"


def format_absences_csv(rows: Iterable[AbsenceRow], delimiter: str = ",") -> str:
    """The import format of `parse_absences`, with ISO dates and the `merknad` column."""
    return write_csv(
        (*ABSENCE_COLUMNS, *ABSENCE_OPTIONAL_COLUMNS),
        (
            (
                row.elev,
                row.dato.isoformat(),
                "" if row.time is None else row.time,
                row.kind.value if row.kind else "",
                "" if row.minutter is None else row.minutter,
                row.validity.value if row.validity else "",
                row.reason.value if row.reason else "",
                remark.code if (remark := remark_code(row.merknad)) is not None else "",
            )
            for row in rows
        ),
        delimiter,
    )
