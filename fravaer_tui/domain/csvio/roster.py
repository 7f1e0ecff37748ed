"""The roster's three files, students, staff and the timetable: their columns, their
parsers, and the writers that make the same format back."""

from __future__ import annotations

from collections.abc import Iterable

from fravaer_tui.domain.csvio.cells import write_csv
from fravaer_tui.domain.csvio.fields import (
    WEEKDAY_NAMES,
    _class_list,
    _class_name,
    _clock,
    _email,
    _id,
    _name,
    _period,
    _phone,
    _role,
    _username,
    _weekday,
)
from fravaer_tui.domain.csvio.reading import _Checker, _read_table
from fravaer_tui.domain.model import Foresatt, Slot, Staff, Student, class_sort_key

STUDENT_COLUMNS = ("elev_id", "fornavn", "etternavn", "klasse")
STUDENT_OPTIONAL_COLUMNS = ("foresatt_navn", "foresatt_telefon", "foresatt_epost")
STAFF_COLUMNS = ("ansatt_id", "navn", "rolle", "klasser", "brukernavn")
TIMETABLE_COLUMNS = ("klasse", "ukedag", "time", "start", "slutt", "fag", "laerer")


def parse_students(data: bytes | str, source: str) -> list[Student]:
    """Students, with at most one foresatt each (a second row for the same elev_id is an error).

    Foresatt columns are optional; a foresatt is made when foresatt_navn is filled in, and a
    telephone or e-mail without a name is an error rather than silently dropped.
    """
    records = _read_table(data, source, STUDENT_COLUMNS, STUDENT_OPTIONAL_COLUMNS, kind="students")
    check = _Checker(source)
    students: list[Student] = []
    first_line: dict[str, int] = {}
    for record in records:
        elev_id = check.parse(record, "elev_id", _id("elev-id"))
        fornavn = check.parse(record, "fornavn", _name("fornavnet"))
        etternavn = check.parse(record, "etternavn", _name("etternavnet"))
        klasse = check.parse(record, "klasse", _class_name)
        telefon = check.parse(record, "foresatt_telefon", _phone)
        epost = check.parse(record, "foresatt_epost", _email)
        foresatt = check.parse(record, "foresatt_navn", _name("navnet på foresatt", False))
        navn = foresatt or ""
        if foresatt == "" and (telefon or epost):
            check.fail(record, "foresatt_navn", "mangler navn på foresatt med telefon/e-post")
        if elev_id is not None:
            if elev_id in first_line:
                check.fail(
                    record,
                    "elev_id",
                    f"eleven «{elev_id}» står allerede på linje {first_line[elev_id]} "
                    "(én linje per elev)",
                )
                continue
            first_line[elev_id] = record.line
        if (
            elev_id
            and fornavn
            and etternavn
            and klasse
            and telefon is not None
            and epost is not None
            and foresatt is not None
        ):
            foresatte = (Foresatt(navn, telefon, epost),) if navn else ()
            students.append(Student(elev_id, fornavn, etternavn, klasse, foresatte))
    check.done()
    return students


def parse_staff(data: bytes | str, source: str) -> list[Staff]:
    """Staff; `klasser` may hold several classes separated by space, comma or |, or be empty."""
    records = _read_table(data, source, STAFF_COLUMNS, kind="staff")
    check = _Checker(source)
    staff: list[Staff] = []
    id_lines: dict[str, int] = {}
    username_lines: dict[str, int] = {}
    for record in records:
        ansatt_id = check.parse(record, "ansatt_id", _id("ansatt-id"))
        navn = check.parse(record, "navn", _name("navnet"))
        rolle = check.parse(record, "rolle", _role)
        brukernavn = check.parse(record, "brukernavn", _username)
        klasser = check.parse(record, "klasser", _class_list)
        ok = klasser is not None
        if ansatt_id is not None:
            if ansatt_id in id_lines:
                check.fail(
                    record,
                    "ansatt_id",
                    f"«{ansatt_id}» står allerede på linje {id_lines[ansatt_id]}",
                )
                ok = False
            else:
                id_lines[ansatt_id] = record.line
        if brukernavn is not None:
            key = brukernavn.casefold()
            if key in username_lines:
                check.fail(
                    record,
                    "brukernavn",
                    f"«{brukernavn}» er allerede brukt på linje {username_lines[key]}",
                )
                ok = False
            else:
                username_lines[key] = record.line
        if ok and ansatt_id and navn and rolle and brukernavn and klasser is not None:
            staff.append(Staff(ansatt_id, navn, rolle, klasser, brukernavn))
    check.done()
    return staff


def parse_timetable(
    data: bytes | str, source: str, staff_ids: set[str] | None = None
) -> list[Slot]:
    """The weekly timetable; `laerer` must be a known ansatt_id when `staff_ids` is given."""
    records = _read_table(data, source, TIMETABLE_COLUMNS, kind="timetable")
    check = _Checker(source)
    slots: list[Slot] = []
    seen: dict[tuple[str, int, int], int] = {}
    for record in records:
        klasse = check.parse(record, "klasse", _class_name)
        ukedag = check.parse(record, "ukedag", _weekday)
        time = check.parse(record, "time", _period)
        start = check.parse(record, "start", _clock)
        slutt = check.parse(record, "slutt", _clock)
        fag = check.parse(record, "fag", _name("faget"))
        laerer = check.parse(record, "laerer", _id("ansatt-id"))
        if start is not None and slutt is not None and slutt <= start:
            check.fail(
                record,
                "slutt",
                f"sluttid {slutt:%H:%M} er ikke etter starttid {start:%H:%M}",
            )
            slutt = None
        if laerer is not None and staff_ids is not None and laerer not in staff_ids:
            check.fail(record, "laerer", f"ukjent lærer «{laerer}» (finnes ikke i ansattlisten)")
            laerer = None
        if klasse is not None and ukedag is not None and time is not None:
            key = (klasse, ukedag, time)
            if key in seen:
                check.fail(
                    record,
                    "time",
                    f"{klasse} har allerede time {time} på {WEEKDAY_NAMES[ukedag - 1]} "
                    f"(linje {seen[key]})",
                )
                continue
            seen[key] = record.line
        if klasse and ukedag and time and start and slutt and fag and laerer:
            slots.append(Slot(klasse, ukedag, time, start, slutt, fag, laerer))
    check.done()
    return slots


def format_students_csv(students: Iterable[Student], delimiter: str = ",") -> str:
    """The import format of `parse_students`; only the first foresatt fits on a student's line."""
    ordered = sorted(students, key=lambda s: (class_sort_key(s.klasse), s.sort_key, s.id))
    rows = []
    for s in ordered:
        first = s.foresatte[0] if s.foresatte else Foresatt("")
        rows.append(
            (s.id, s.fornavn, s.etternavn, s.klasse, first.navn, first.telefon, first.epost)
        )
    return write_csv((*STUDENT_COLUMNS, *STUDENT_OPTIONAL_COLUMNS), rows, delimiter)


def format_staff_csv(staff: Iterable[Staff], delimiter: str = ",") -> str:
    """The import format of `parse_staff`; classes separated by spaces."""
    return write_csv(
        STAFF_COLUMNS,
        ((s.id, s.navn, s.rolle.value, " ".join(s.klasser), s.brukernavn) for s in staff),
        delimiter,
    )


def format_timetable_csv(slots: Iterable[Slot], delimiter: str = ",") -> str:
    """The import format of `parse_timetable`, sorted by klasse, ukedag (1–5) and time."""
    ordered = sorted(slots, key=lambda s: (class_sort_key(s.klasse), s.ukedag, s.time))
    return write_csv(
        TIMETABLE_COLUMNS,
        (
            (s.klasse, s.ukedag, s.time, f"{s.start:%H:%M}", f"{s.slutt:%H:%M}", s.fag, s.laerer)
            for s in ordered
        ),
        delimiter,
    )
