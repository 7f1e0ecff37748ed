"""Lessons: today's lessons and their state, the lesson going on now, saving a roll call,
meldinger from foresatte and judgements on single absences.

Internal to the application layer: who may do what is checked by the session (the one
door), which calls these.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace

from fravaer_tui.application.school import School, years_between
from fravaer_tui.domain.access import may_register
from fravaer_tui.domain.marks import mark_problems
from fravaer_tui.domain.model import (
    Mark,
    Melding,
    Reason,
    Registration,
    Role,
    Slot,
    Staff,
    Validity,
    class_sort_key,
    normalized_remark,
)
from fravaer_tui.domain.receipts import owes_receipt
from fravaer_tui.domain.rules import melding_order
from fravaer_tui.domain.schoolcalendar import (
    format_date,
    school_year_bounds,
    school_year_name,
    school_year_start,
)
from fravaer_tui.errors import LessonConflict, UserError
from fravaer_tui.store import FileCache

EARLY_MINUTES = 10  # a lesson is "now" from 10 minutes before it starts until it ends
MAX_MELDING_DAYS = 366


@dataclass(frozen=True, slots=True)
class LessonState:
    dato: dt.date
    slot: Slot
    registration: Registration | None
    own: bool
    not_held: bool = False  # marked not held (avlyst), and so not registered

    @property
    def registered(self) -> bool:
        return self.registration is not None


def lessons_on(
    school: School, dato: dt.date, user: Staff, cache: FileCache | None = None
) -> list[LessonState]:
    """Every lesson of the day, the user's own first, each with its registration if any.

    Miljøpersonale get the lessons of their classes only (those they may register).
    With `cache`, only month files changed since the last look are read again."""
    if not school.calendar.is_school_day(dato):
        return []
    states = []
    index = school.roster.timetable_index
    # the classes of the timetable version valid that day (a class since merged still had
    # its lessons then), each with that version's periods
    for klasse in sorted(set(school.roster.classes) | index.classes_on(dato), key=class_sort_key):
        slots = list(index.periods_on(klasse, dato).values())
        works_here = user.rolle is Role.MILJOPERSONALE and klasse in user.klasser
        if user.rolle is Role.MILJOPERSONALE and not may_register(user, klasse, school.roster):
            continue
        if not slots:
            continue
        saved, gone = _day_of_class(school, klasse, dato, cache)
        states += [
            LessonState(
                dato,
                s,
                saved.get(s.time),
                works_here or s.laerer == user.id,
                s.time in gone and s.time not in saved,
            )
            for s in slots
        ]
    return sorted(
        states,
        key=lambda ls: (not ls.own, ls.slot.start, class_sort_key(ls.slot.klasse)),
    )


def current_lesson(
    school: School, user: Staff, now: dt.datetime, cache: FileCache | None = None
) -> Slot | None:
    """The lesson the user teaches right now (from a little before it starts), if any; not
    one marked not held (avlyst), which has no roll call to open."""
    if not school.calendar.is_school_day(now.date()):
        return None
    version = school.roster.version_on(now.date())  # the timetable valid today
    for slot in sorted(version.slots if version else (), key=lambda s: s.start):
        if slot.laerer != user.id or slot.ukedag != now.isoweekday():
            continue
        opens = dt.datetime.combine(now.date(), slot.start) - dt.timedelta(minutes=EARLY_MINUTES)
        if opens <= now < dt.datetime.combine(now.date(), slot.slutt):
            _, gone = _day_of_class(school, slot.klasse, now.date(), cache)
            return None if slot.time in gone else slot
    return None


def _day_of_class(
    school: School, klasse: str, dato: dt.date, cache: FileCache | None
) -> tuple[dict[int, Registration], set[int]]:
    """The class's roll calls on `dato` by period, and its periods marked not held (avlyst),
    from one read of the month file."""
    month = school.store.read_file(school.store.lesson_path(klasse, dato), cache)
    saved = {r.time: r for r in month.registrations if r.dato == dato}
    return saved, {c.time for c in month.cancelled if c.dato == dato}


def mark_held_command(klasse: str, dato: dt.date, time: int) -> str:
    """The command that marks a lesson held again, for the messages about one not held."""
    return f"fravaer register --class {klasse} --date {dato.isoformat()} --period {time} --held"


def registration_for(
    school: School, klasse: str, dato: dt.date, time: int, cache: FileCache | None = None
) -> Registration | None:
    for reg in school.store.month_registrations(klasse, dato, cache):
        if reg.dato == dato and reg.time == time:
            return reg
    return None


def marks_on_day(
    school: School, klasse: str, dato: dt.date, cache: FileCache | None = None
) -> dict[str, list[tuple[int, Mark]]]:
    """Each student's marks registered that day, by period (context on the register)."""
    marks: dict[str, list[tuple[int, Mark]]] = {}
    for reg in sorted(school.store.month_registrations(klasse, dato, cache), key=lambda r: r.time):
        if reg.dato != dato:
            continue
        for mark in reg.marks:
            marks.setdefault(mark.elev, []).append((reg.time, mark))
    return marks


def meldinger_on(
    school: School, klasse: str, dato: dt.date, cache: FileCache | None = None
) -> dict[str, Melding]:
    """The melding that decides each student's absence on `dato` (latest registered wins)."""
    path = school.store.meldinger_path(school_year_name(dato), klasse)
    covering = [m for m in school.store.read_file(path, cache).meldinger if m.fra <= dato <= m.til]
    covering.sort(key=melding_order)
    return {m.elev: m for m in covering}


def default_late_minutes(slot: Slot, now: dt.datetime) -> int:
    """Minutes since the lesson started (at least 1, at most the lesson), else 5."""
    started = dt.datetime.combine(now.date(), slot.start)
    minutes = int((now - started).total_seconds() // 60)
    if minutes < 1 or minutes > slot.minutes:
        return min(5, slot.minutes)
    return minutes


# ---------------------------------------------------------------------------
# Saving a roll call


def lesson_slot(school: School, klasse: str, dato: dt.date, time: int) -> Slot:
    """The timetable slot for a lesson, or a Norwegian message saying what is wrong."""
    if klasse not in school.roster.classes:
        known = ", ".join(school.roster.classes) or "ingen"
        raise UserError(f"Ukjent klasse «{klasse}». Klassene er: {known}.")
    if not school.calendar.is_school_day(dato):
        why = school.calendar.holiday_name(dato) or (
            "helg" if dato.isoweekday() > 5 else "ikke skoledag"
        )
        raise UserError(f"{format_date(dato)} er ikke en skoledag ({why}).")
    slot = school.roster.slot_on(klasse, dato, time)  # the timetable version of that date
    if slot is None:
        periods = [str(s.time) for s in school.roster.slots_on(klasse, dato)]
        raise UserError(
            f"{klasse} har ingen {time}. time på {format_date(dato)}. "
            f"Timene den dagen: {', '.join(periods) or 'ingen'}."
        )
    last = school.calendar.last_period(dato)
    if last is not None and time > last:
        raise UserError(
            f"{format_date(dato)} er en kortdag: skoledagen slutter etter {last}. time "
            "(skole.toml)."
        )
    return slot


def keep_judgements(old: Registration | None, new: Registration) -> Registration:
    """A corrected roll call keeps remarks and validity already set on unchanged marks."""
    if old is None:
        return new
    marks = []
    for mark in new.marks:
        before = old.mark_for(mark.elev)
        if before is not None and before.kind == mark.kind:
            mark = replace(
                mark,
                merknad=mark.merknad or before.merknad,
                validity=mark.validity or before.validity,
                reason=mark.reason or before.reason,
            )
        marks.append(mark)
    return replace(new, marks=tuple(marks))


def save_registration(
    school: School,
    klasse: str,
    dato: dt.date,
    time: int,
    marks: Iterable[Mark],
    user: str,
    now: dt.datetime,
) -> tuple[Registration, Registration | None]:
    """Validate and save one lesson's registration; returns (saved, replaced)."""
    if dato > now.date():
        raise UserError(
            f"{format_date(dato)} er fram i tid: en time føres når den holdes "
            "(innvilget permisjon føres som melding)."
        )
    earliest = school_year_start(school_year_start(now.date()) - dt.timedelta(days=1))
    if dato < earliest:
        raise UserError(
            f"{format_date(dato)} er utenfor skoleårene som kan føres nå "
            f"(fra {format_date(earliest)})."
        )
    slot = lesson_slot(school, klasse, dato, time)
    members = {s.id for s in school.roster.students_in_year(klasse, school_year_name(dato))}
    # a coded remark in its one spelling (Hole's *mangler utstyr* counts for a rule)
    marks = tuple(replace(m, merknad=normalized_remark(m.merknad)) for m in marks)
    seen: set[str] = set()
    for mark in marks:
        if mark.elev not in members:
            raise UserError(f"Eleven «{mark.elev}» går ikke i {klasse}.")
        if mark.elev in seen:
            raise UserError(f"Eleven «{mark.elev}» er ført mer enn én gang i samme time.")
        seen.add(mark.elev)
        problems = mark_problems(mark, slot.minutes)  # the slot of that date's version
        if problems:
            text = problems[0].text
            raise UserError(f"{text[0].upper()}{text[1:]} (elev {mark.elev}).")
    reg = Registration(klasse=klasse, dato=dato, time=time, av=user, tid=now, marks=marks)
    try:
        return school.store.save_registration(reg, now, keep_judgements)
    except LessonConflict:  # checked inside the file's lock, where the roll call is saved
        raise UserError(
            f"{klasse} {format_date(dato)} {time}. time er merket som ikke holdt (avlyst). "
            f"Merk den som holdt først: {mark_held_command(klasse, dato, time)}"
        ) from None


# ---------------------------------------------------------------------------
# Meldinger and judgements (kontaktlærer and ledelse; the session checks who)


def add_melding(
    school: School,
    user: Staff,
    elev: str,
    fra: dt.date,
    til: dt.date,
    reason: Reason,
    validity: Validity,
    now: dt.datetime,
    *,
    kanal: str = "",
    legeattest: bool = False,
) -> Melding:
    """A melding from foresatte (or innvilget permisjon ahead of time) for a date range.

    It decides the validity of every absence in the range that has no judgement of
    its own, also absences registered after the melding. Issue 13: `kanal` is how it came
    (skriftlig/muntlig), `legeattest` «legeattest mottatt»; a receipt to foresatte is owed
    from now on (not for innvilget permisjon: `receipts.owes_receipt`).
    """
    student = school.roster.student(elev)
    if student is None:
        raise UserError(f"Ukjent elev «{elev}».")
    if til < fra:
        raise UserError(f"Til-dato {format_date(til)} er før fra-dato {format_date(fra)}.")
    if (til - fra).days >= MAX_MELDING_DAYS:
        raise UserError("En melding kan gjelde høyst ett år om gangen. Del den opp.")
    if validity is Validity.IKKE_MELDT:
        raise UserError("En melding må gjøre fraværet gyldig eller ugyldig.")
    melding = Melding(
        id=f"M{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}",
        elev=elev,
        fra=fra,
        til=til,
        reason=reason,
        validity=validity,
        av=user.id,
        tid=now,
        kanal=kanal,
        legeattest=legeattest,
        kvittering_skyldes=owes_receipt(reason),
    )
    for year in years_between(fra, til):  # one piece per school year file
        start, end = school_year_bounds(dt.date(int(year[:4]), 8, 1))
        piece = replace(melding, fra=max(fra, start), til=min(til, end))
        school.store.add_meldinger(year, student.klasse, [piece], now)
    return melding


def judge_absence(
    school: School,
    user: Staff,
    klasse: str,
    dato: dt.date,
    time: int,
    elev: str,
    validity: Validity | None,
    reason: Reason | None,
    now: dt.datetime,
) -> Registration:
    """Set (or with None, clear) the judgement on one absence, e.g. mark it ugyldig."""

    def judged(old: Registration | None, _: Registration) -> Registration:
        mark = old.mark_for(elev) if old else None
        if old is None or mark is None or not mark.is_absence:
            raise UserError(f"{elev} har ikke fravær i {klasse} {format_date(dato)} {time}. time.")
        marks = tuple(
            replace(m, validity=validity, reason=reason) if m.elev == elev else m for m in old.marks
        )
        return replace(old, marks=marks)

    placeholder = Registration(klasse, dato, time, user.id, now)
    saved, _ = school.store.save_registration(
        placeholder, now, judged, audit_user=user.id, what="vurdering"
    )
    return saved
