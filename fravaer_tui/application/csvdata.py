"""CSV in and out: imports of students, staff, timetable and absences (all or nothing), and
the absence export in the import format."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fravaer_tui.application.school import School
from fravaer_tui.domain.access import Admin, may_admin
from fravaer_tui.domain.model import Registration, Slot
from fravaer_tui.errors import UserError
from fravaer_tui.store import write_atomic

if TYPE_CHECKING:
    from fravaer_tui.domain.csvio import AbsenceRow


IMPORT_KINDS = ("students", "staff", "timetable", "absences")


@dataclass(frozen=True, slots=True)
class ImportResult:
    kind: str
    rows: int
    detail: str
    notes: tuple[str, ...] = ()  # which of the file's columns were taken for which of ours


def import_file(
    school: School,
    kind: str,
    path: Path,
    user: str,
    now: dt.datetime,
    **options: Any,
) -> ImportResult:
    """Import one CSV file, all or nothing. Options: `school_year` (students: the school
    year the class list is for), `fra` (timetable: the date the version is valid from),
    `dry_run` (read and check, say what would change, write nothing)."""
    data = read_input(path)
    from fravaer_tui.application import timetable
    from fravaer_tui.domain import csvio  # imported when needed: keeps the app's start quick

    source = str(path)
    notes = tuple(csvio.header_notes(data, source, kind)) if kind in IMPORT_KINDS else ()
    if options.pop("dry_run", False):
        from fravaer_tui.application.importpreview import preview

        return replace(preview(school, kind, data, source, now, **options), notes=notes)
    store = school.store
    audit = {"user": user, "now": now, "note": {"fil": source, "type": kind}}
    if kind == "students":
        result = timetable.import_students(
            school, data, source, options.get("school_year"), now, audit
        )
    elif kind == "staff":
        staff = csvio.parse_staff(data, source)
        if not any(may_admin(s, Admin.IMPORT_STAFF) for s in staff):
            raise UserError(
                f"{source}: ansattlisten har ingen rektor og ingen med rollen drift, så ingen "
                "kunne rettet den etterpå. Ingenting er lagret."
            )
        store.write_roster(staff=staff, **audit)
        from fravaer_tui.application.keys import prune_note  # who left loses their SSH keys

        note = prune_note(school, staff, user, now)
        result = ImportResult(kind, len(staff), f"{len(staff)} ansatte{note}")
    elif kind == "timetable":
        result = timetable.import_timetable(school, data, source, options.get("fra"), now, audit)
    elif kind == "absences":
        result = _import_absences(school, data, source, user, now)
    else:
        raise UserError(f"Ukjent importtype «{kind}». Bruk en av: {', '.join(IMPORT_KINDS)}.")
    return replace(result, notes=notes)


def read_input(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"Fant ikke filen {path}.") from None
    except OSError as exc:
        raise UserError(f"Kunne ikke lese {path}: {exc.strerror}.") from None


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
    with store.transaction(*by_partition) as tx:  # all files or none, even under SIGKILL
        for part, part_rows in zip(tx, by_partition.values(), strict=True):
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
            changes = list(zip(before, regs, strict=True))
            tx.audit(store.registration_entries(changes, user, "import"), now)
            part.put_registrations(regs)
            changed += len(regs)
        summary = {"hva": "import", "av": user, "type": "absences", "fil": source}
        tx.audit([{**summary, "rader": len(rows)}], now)
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
