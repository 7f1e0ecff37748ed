"""App services: what the CLI and the screens ask for, between the domain and the store.

Each function takes the moment it runs for (`now`/`dato`) from the caller, so the
shell owns the clock and tests can pass any date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import getpass
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from fravaer_tui.domain.model import (
    Mark,
    MarkType,
    Melding,
    Registration,
    Roster,
    SchoolConfig,
    Slot,
    Staff,
)
from fravaer_tui.domain.profiles import Profile, load_profile
from fravaer_tui.domain.rules import CheckResult, check
from fravaer_tui.domain.schoolcalendar import (
    SchoolCalendar,
    format_date,
    months_window_start,
    school_year_name,
    school_year_start,
    semester_bounds,
)
from fravaer_tui.errors import UserError
from fravaer_tui.store import FileCache, Store, YearData, write_atomic

if TYPE_CHECKING:
    from fravaer_tui.domain.csvio import AbsenceRow
    from fravaer_tui.domain.followup import DueStep


def default_data_dir() -> Path:
    """`--data` defaults to FRAVAER_DATA, then ./data."""
    return Path(os.environ.get("FRAVAER_DATA") or "data")


@dataclass(frozen=True, slots=True)
class School:
    """A school opened from its data folder: settings, roster, calendar and rule profile."""

    store: Store
    config: SchoolConfig
    roster: Roster
    calendar: SchoolCalendar
    profile: Profile

    def with_profile(self, spec: str | None) -> School:
        if not spec:
            return self
        return replace(self, profile=load_profile(spec, self.store.root))


def open_school(data_dir: Path | str, profile: str | None = None) -> School:
    store = Store(data_dir)
    store.check_access()
    config = store.load_config()
    return School(
        store=store,
        config=config,
        roster=store.load_roster(),
        calendar=school_calendar(store, config),
        profile=load_profile(profile or config.profil, store.root),
    )


def school_calendar(store: Store, config: SchoolConfig) -> SchoolCalendar:
    """The calendar with the public holidays of last, this and next year from the cache
    (worked out by the `holidays` package the first time, ~0.25 s we spare every start)."""
    from fravaer_tui.domain.schoolcalendar import public_holidays

    this_year = dt.date.today().year
    wanted = range(this_year - 1, this_year + 2)
    known = store.load_public_holidays()
    if not all(year in known for year in wanted):
        known |= {year: public_holidays(year) for year in wanted}
        store.save_public_holidays(known)
    return SchoolCalendar(config.ferier, known)


def open_or_create_school(data_dir: Path | str) -> tuple[School, bool]:
    """Open the school, or create an empty one with default settings (for a first import)."""
    store = Store(data_dir)
    created = not store.exists()
    if created:
        store.write_config(SchoolConfig())
    return open_school(data_dir), created


# ---------------------------------------------------------------------------
# Who is at the keyboard


def resolve_user(school: School, user: str | None) -> Staff:
    """Who is at the keyboard: the OS login matched to staff `brukernavn`.

    `--user` may name someone else only on the demo school; on a real school it must be
    the logged-in user's own staff record (identity is the OS login).
    """
    login = getpass.getuser()
    wanted = user or login
    staff = school.roster.staff_member(wanted) or school.roster.staff_by_username(wanted)
    if staff is None:
        how = "" if user else f" (innlogget som «{login}»)"
        raise UserError(
            f"Fant ingen ansatt med id eller brukernavn «{wanted}»{how}. "
            "Legg brukernavnet inn i ansattlisten (kolonnen brukernavn)."
        )
    if user and not school.config.demo and staff.brukernavn.casefold() != login.casefold():
        raise UserError(
            f"Du er logget inn som «{login}». På en ekte skole bruker du fravaer-tui som deg "
            f"selv; --user «{user}» gjelder {staff.navn}. (Bare demoskolen lar deg velge.)"
        )
    return staff


# ---------------------------------------------------------------------------
# Reading absence data


def years_between(fra: dt.date, til: dt.date) -> list[str]:
    first, last = school_year_start(fra).year, school_year_start(til).year
    return [f"{y}-{y + 1}" for y in range(first, last + 1)]


def load_range(
    school: School, fra: dt.date, til: dt.date, cache: FileCache | None = None
) -> YearData:
    """Registrations and meldinger of every school year that overlaps fra–til."""
    regs: list[Registration] = []
    meldinger: list[Melding] = []
    for year in years_between(fra, til):
        with _without_gc():
            data = school.store.load_year(year, cache)
        regs.extend(data.registrations)
        meldinger.extend(data.meldinger)
    return YearData(tuple(regs), tuple(meldinger))


def check_window_start(profile: Profile, dato: dt.date) -> dt.date:
    """The earliest date any rule of the profile looks at for a check on `dato`."""
    starts = [semester_bounds(dato)[0]]
    starts += [months_window_start(dato, r.maaneder) for r in profile.rules if r.maaneder]
    return min(starts)


def run_check(
    school: School,
    dato: dt.date,
    data: YearData | None = None,
    cache: FileCache | None = None,
) -> CheckResult:
    """The threshold check at `dato`; `cache` skips files unchanged since the last run."""
    if data is None:
        data = load_range(school, check_window_start(school.profile, dato), dato, cache)
    with _without_gc():
        return check(
            school.roster,
            school.calendar,
            data.registrations,
            data.meldinger,
            school.profile,
            dato,
        )


@contextlib.contextmanager
def _without_gc() -> Iterator[None]:
    """Loading and checking make many small objects and no cycles; collecting meanwhile
    only walks the whole loaded year again and again (check: 330 ms against 330–590 ms)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def due_steps(school: School, dato: dt.date) -> list[DueStep]:
    """Follow-up steps due on `dato` or overdue, in every case of the school (admin view)."""
    from fravaer_tui.domain import followup

    cases, _ = school.store.load_followup(school_year_name(dato))
    return followup.due_steps(cases, school.profile, school.calendar, dato)


# ---------------------------------------------------------------------------
# Registering a lesson


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
    slot = school.roster.slot(klasse, dato.isoweekday(), time)
    if slot is None:
        periods = [str(s.time) for s in school.roster.slots(klasse, dato.isoweekday())]
        raise UserError(
            f"{klasse} har ingen {time}. time på {format_date(dato)}. "
            f"Timene den dagen: {', '.join(periods) or 'ingen'}."
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
    members = {s.id for s in school.roster.students_in(klasse)}
    seen: set[str] = set()
    for mark in marks:
        if mark.elev not in members:
            raise UserError(f"Eleven «{mark.elev}» går ikke i {klasse}.")
        if mark.elev in seen:
            raise UserError(f"Eleven «{mark.elev}» er ført mer enn én gang i samme time.")
        seen.add(mark.elev)
        if mark.kind is MarkType.SENT:
            if mark.minutter is None or not 1 <= mark.minutter <= slot.minutes:
                raise UserError(
                    f"Minutter for sent må være et helt tall fra 1 til {slot.minutes} "
                    f"(timen varer {slot.minutes} minutter); fikk «{mark.minutter}» "
                    f"for {mark.elev}."
                )
        elif mark.minutter is not None:
            raise UserError(f"Minutter kan bare føres for «sent» ({mark.elev}).")
    reg = Registration(klasse=klasse, dato=dato, time=time, av=user, tid=now, marks=tuple(marks))
    return school.store.save_registration(reg, now, keep_judgements)


# ---------------------------------------------------------------------------
# Import and export


IMPORT_KINDS = ("students", "staff", "timetable", "absences")


@dataclass(frozen=True, slots=True)
class ImportResult:
    kind: str
    rows: int
    detail: str


def import_file(school: School, kind: str, path: Path, user: str, now: dt.datetime) -> ImportResult:
    """Import one CSV file, all or nothing."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"Fant ikke filen {path}.") from None
    except OSError as exc:
        raise UserError(f"Kunne ikke lese {path}: {exc.strerror}.") from None
    from fravaer_tui.domain import csvio  # imported when needed: keeps the app's start quick

    source = str(path)
    store = school.store
    if kind == "students":
        students = csvio.parse_students(data, source)
        known = {s.klasse for s in school.roster.timetable}
        unknown = sorted({s.klasse for s in students} - known) if known else []
        if unknown:
            who = ", ".join(s.id for s in students if s.klasse in unknown)[:200]
            raise UserError(
                f"{source}, felt «klasse»: klassen {', '.join(f'«{k}»' for k in unknown)} finnes "
                f"ikke i timeplanen (elever: {who}). Rett klassen, eller importer timeplanen "
                "for den først. Ingenting er lagret."
            )
        store.write_roster(students=students)
        detail = f"{len(students)} elever i {len({s.klasse for s in students})} klasser"
        result = ImportResult(kind, len(students), detail)
    elif kind == "staff":
        staff = csvio.parse_staff(data, source)
        store.write_roster(staff=staff)
        from fravaer_tui.application.keys import prune_note  # who left loses their SSH keys

        result = ImportResult(
            kind, len(staff), f"{len(staff)} ansatte{prune_note(school, staff, user, now)}"
        )
    elif kind == "timetable":
        known = {s.id for s in school.roster.staff} or None
        slots = csvio.parse_timetable(data, source, known)
        store.write_roster(timetable=slots)
        detail = f"{len(slots)} timer for {len({s.klasse for s in slots})} klasser"
        result = ImportResult(kind, len(slots), detail)
    elif kind == "absences":
        result = _import_absences(school, data, source, user, now)
    else:
        raise UserError(f"Ukjent importtype «{kind}». Bruk en av: {', '.join(IMPORT_KINDS)}.")
    store.log.append(
        [{"hva": "import", "av": user, "type": kind, "fil": source, "rader": result.rows}], now
    )
    return result


def _import_absences(
    school: School, data: bytes, source: str, user: str, now: dt.datetime
) -> ImportResult:
    from fravaer_tui.domain import csvio

    if not school.roster.students or not school.roster.timetable:
        raise UserError(
            "Importer elever og timeplan før fravær: fraværet må kunne knyttes til klasse og time."
        )
    rows = csvio.parse_absences(data, source, school.roster, school.calendar)
    if not rows:
        return ImportResult("absences", 0, "ingen rader")
    store = school.store
    by_partition: dict[Path, list[AbsenceRow]] = {}
    for row in rows:
        student = school.roster.student(row.elev)
        assert student is not None  # parse_absences checked it
        by_partition.setdefault(store.lesson_path(student.klasse, row.dato), []).append(row)
    changed = 0
    with store.transaction(*by_partition) as parts:
        for part, part_rows in zip(parts, by_partition.values(), strict=True):
            existing = {}
            for row in part_rows:
                student = school.roster.student(row.elev)
                assert student is not None
                for slot in _row_slots(school, student.klasse, row):
                    reg = part.registration(row.dato, slot.time)
                    if reg is not None:
                        existing[(reg.klasse, reg.dato, reg.time)] = reg
            regs = csvio.absences_to_registrations(part_rows, school.roster, existing, user, now)
            before = [existing.get((r.klasse, r.dato, r.time)) for r in regs]
            store.audit_registrations(list(zip(before, regs, strict=True)), user, now, "import")
            part.put_registrations(regs)
            changed += len(regs)
    detail = f"{len(rows)} rader, {changed} timer oppdatert"
    return ImportResult("absences", len(rows), detail)


def _row_slots(school: School, klasse: str, row: AbsenceRow) -> list[Slot]:
    slots = school.roster.slots(klasse, row.dato.isoweekday())
    return slots if row.time is None else [s for s in slots if s.time == row.time]


def write_private_file(path: Path, data: bytes) -> None:
    """Files with personal data are created readable by their owner only (0600)."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise UserError(f"Kunne ikke skrive {path}: {exc.strerror}.") from None


def export_absences(school: School) -> str:
    from fravaer_tui.domain import csvio

    regs: list[Registration] = []
    for year in school.store.years():
        regs.extend(school.store.load_year(year).registrations)
    return csvio.format_absences_csv(csvio.registrations_to_rows(regs, school.roster))


# ---------------------------------------------------------------------------
# The demo school


def write_demo(data_dir: Path | str, students: int, seed: int, until: dt.date) -> School:
    """Build the synthetic demo school into `data_dir`; never over a real school's data.

    No daily backup is taken while building: a half-built demo is nothing to restore, and
    a snapshot named after the wall clock made the tests depend on the day they ran."""
    store = Store(data_dir, daily_backups=False)
    if store.exists():
        if not store.load_config().demo:
            raise UserError(
                f"{store.root} inneholder en ekte skole. Demoskolen lages bare i en tom mappe "
                "eller over en tidligere demoskole."
            )
        for year in store.years():
            shutil.rmtree(store.root / year)
        for leftover in (store.roster_path, store.root / "audit"):
            if leftover.is_dir():
                shutil.rmtree(leftover)
            elif leftover.exists():
                leftover.unlink()
    elif store.root.is_dir() and any(p.name not in (".gitkeep",) for p in store.root.iterdir()):
        raise UserError(
            f"{store.root} er ikke tom. Demoskolen lages bare i en tom mappe (eller over en "
            "tidligere demoskole), så ingen data blir overskrevet."
        )
    if students < 1:
        raise UserError("--students må være minst 1.")
    from fravaer_tui.domain.demo import build_demo

    demo = build_demo(students=students, seed=seed, until=until)
    store.write_config(demo.config)
    store.write_roster(
        students=demo.roster.students, staff=demo.roster.staff, timetable=demo.roster.timetable
    )
    klasse_of = {s.id: s.klasse for s in demo.roster.students}
    regs: dict[Path, list[Registration]] = {}
    for reg in demo.registrations:
        regs.setdefault(store.lesson_path(reg.klasse, reg.dato), []).append(reg)
    for path, part_regs in regs.items():
        with store.transaction(path) as (part,):
            part.put_registrations(part_regs)
    meldinger: dict[Path, list[Melding]] = {}
    for m in demo.meldinger:
        path = store.meldinger_path(school_year_name(m.fra), klasse_of[m.elev])
        meldinger.setdefault(path, []).append(m)
    for path, part_meldinger in meldinger.items():
        with store.transaction(path) as (part,):
            part.add_meldinger(part_meldinger)
    return open_school(data_dir)
