"""CSV import and export of students, staff, timetable and absences: pure, bytes/str in, values out.

Files come from Excel as often as not: UTF-8 with or without BOM, or Windows-1252 from old
versions; `;` (Norwegian Excel) or `,` separated. Every problem becomes an `InputError` naming
the file, the line as Excel shows it (the header is line 1) and the field; all bad rows are
collected and raised together as `InputErrors`, so a file is imported whole or not at all.

Every CSV the app writes goes through `write_csv`, which makes it safe to open in a
spreadsheet: a cell that starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`
(OWASP, «CSV injection»), and the importers take that `'` off again, so an export
imports back to the same values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from fravaer_tui.domain.csvheaders import HeaderMap
from fravaer_tui.domain.csvheaders import resolve as resolve_header
from fravaer_tui.domain.formats import WEEKDAYS
from fravaer_tui.domain.marks import mark_problems
from fravaer_tui.domain.model import (
    Foresatt,
    Mark,
    MarkType,
    Reason,
    Registration,
    Remark,
    Role,
    Roster,
    Slot,
    Staff,
    Student,
    Validity,
    class_sort_key,
    remark_code,
)
from fravaer_tui.domain.schoolcalendar import SchoolCalendar, format_date, parse_date
from fravaer_tui.domain.validate import (
    check_class_name,
    check_id,
    check_name,
    decode_legacy_text,
    visible,
)
from fravaer_tui.errors import InputError, InputErrors

T = TypeVar("T")

STUDENT_COLUMNS = ("elev_id", "fornavn", "etternavn", "klasse")
STUDENT_OPTIONAL_COLUMNS = ("foresatt_navn", "foresatt_telefon", "foresatt_epost")
STAFF_COLUMNS = ("ansatt_id", "navn", "rolle", "klasser", "brukernavn")
TIMETABLE_COLUMNS = ("klasse", "ukedag", "time", "start", "slutt", "fag", "laerer")
ABSENCE_COLUMNS = ("elev_id", "dato", "time", "type", "minutter", "gyldighet", "aarsak")
# Issue 13: a coded remark (Hole's *mangler utstyr*); files without the column still import.
ABSENCE_OPTIONAL_COLUMNS = ("merknad",)

MAX_PERIOD = 20

WEEKDAY_NAMES = WEEKDAYS

_UTF8_BOM = b"\xef\xbb\xbf"
_SAVE_AS_UTF8 = "lagre filen på nytt i Excel med «Lagre som» → «CSV UTF-8 (kommadelt)»"
_ASCII_DIGITS = re.compile(r"[0-9]{1,6}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NORWEGIAN_DATE = re.compile(r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}")
_CLOCK = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})(?::([0-9]{2}))?")
_CLASS_SEPARATORS = re.compile(r"[\s,|]+")
_PHONE = re.compile(r"\+?[0-9 ()./-]+")

_WEEKDAYS = {
    **{str(n): n for n in range(1, 8)},
    **{name: n for n, name in enumerate(("mandag", "tirsdag", "onsdag", "torsdag", "fredag"), 1)},
    **{"lordag": 6, "sondag": 7},
    **{name: n for n, name in enumerate(("man", "tir", "ons", "tor", "fre", "lor", "son"), 1)},
    **{name: n for n, name in enumerate(("ma", "ti", "on", "to", "fr", "lo", "so"), 1)},
    "tors": 4,
}
_ROLES = {
    "faglaerer": Role.FAGLAERER,
    "kontaktlaerer": Role.KONTAKTLAERER,
    "avdelingsleder": Role.AVDELINGSLEDER,
    "rektor": Role.REKTOR,
    "drift": Role.DRIFT,
    "miljopersonale": Role.MILJOPERSONALE,
    "miljopersonell": Role.MILJOPERSONALE,  # Strand, Registrering av fravær c
}
_KINDS = {"fravaer": MarkType.FRAVAER, "sent": MarkType.SENT, "forlot": MarkType.FORLOT}
_VALIDITIES = {
    "gyldig": Validity.GYLDIG,
    "ugyldig": Validity.UGYLDIG,
    "ikke_meldt": Validity.IKKE_MELDT,
}
_REASONS = {
    "sykdom": Reason.SYKDOM,
    "syk": Reason.SYKDOM,
    "lege": Reason.LEGE,
    "tannlege": Reason.LEGE,
    "lege/tannlege": Reason.LEGE,
    "permisjon": Reason.PERMISJON,
    "innvilget_permisjon": Reason.PERMISJON,
    "annet": Reason.ANNET,
    "annet_gyldig": Reason.ANNET,
}
_REMARKS = {r.code: r for r in Remark}


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


# ---------------------------------------------------------------------------------------------
# Reading: bytes → text → header + records


def decode_text(data: bytes | str, source: str) -> str:
    """UTF-8 (BOM or not), else plausible Windows-1252; anything else is an `InputErrors`."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise _reject(
            source, None, None, f"dette er en Excel-arbeidsbok, ikke en CSV-fil; {_SAVE_AS_UTF8}"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _reject(
            source, None, None, f"filen er lagret som UTF-16 («Unicode-tekst»); {_SAVE_AS_UTF8}"
        )
    has_bom = data.startswith(_UTF8_BOM)
    body = data[len(_UTF8_BOM) :] if has_bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = body[: exc.start].count(b"\n") + 1
        text = None if has_bom else decode_legacy_text(body)
        if text is None:
            raise _reject(
                source,
                bad_line,
                None,
                f"filen har tegn som ikke er UTF-8 og ser heller ikke ut som tekst fra eldre "
                f"Excel (Windows-1252); {_SAVE_AS_UTF8}",
            ) from None
    if "\x00" in text:
        raise _reject(
            source,
            None,
            None,
            f"filen ser ikke ut som tekst (inneholder NUL-tegn); {_SAVE_AS_UTF8}",
        )
    return text.removeprefix("\ufeff")


def _detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _column_key(name: str) -> str:
    """Header names and coded values match case-insensitively, with æøå or ae/o/aa, _ or space."""
    key = name.strip().strip("\ufeff").casefold()
    for old, new in (("æ", "ae"), ("ø", "o"), ("å", "aa"), (" ", "_"), ("-", "_")):
        key = key.replace(old, new)
    return re.sub(r"_+", "_", key)


@dataclass(frozen=True, slots=True)
class _Record:
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


def _read_table(
    data: bytes | str,
    source: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    kind: str = "",
    notes: list[str] | None = None,
) -> list[_Record]:
    """Decode, find the header and return the non-blank rows keyed by the known columns.

    With `kind`, header names other systems use are taken for ours (`csvheaders`); what was
    taken for what is added to `notes`."""
    text = decode_text(data, source)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise _reject(
            source,
            None,
            None,
            f"filen er tom; første linje skal være overskriftene {_quote_all(required)}",
        )
    delimiter = _detect_delimiter(first)
    sep = re.fullmatch(r'"?sep=([;,\t|])"?\s*', lines[0], re.IGNORECASE)
    if sep:
        # Excel honours and hides a first line "sep=;", so the header is still its line 1.
        delimiter = sep.group(1)
        rest = text[len(lines[0]) :]
        text = rest[2:] if rest.startswith("\r\n") else rest[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)

    header: list[str] | None = None
    header_map = HeaderMap([])
    header_line = 0
    records: list[_Record] = []
    errors: list[InputError] = []
    line = 0
    while True:
        line += 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(
                InputError(
                    source,
                    line,
                    None,
                    "linjen kan ikke leses som CSV (et felt er "
                    "altfor langt, eller et anførselstegn står feil)",
                )
            )
            break
        if not any(f.strip() for f in fields):
            continue
        if header is None:
            header, header_line = [_column_key(f) for f in fields], line
            if kind:
                header_map = resolve_header(kind, header, fields)
                header = header_map.header
                if notes is not None:
                    notes.extend(_shown(n) for n in header_map.notes)
            continue
        values = {}
        for name, value in zip(header, fields, strict=False):
            if name and name not in values:
                values[name] = unescape_cell(value.strip())
        records.append(_Record(line, header_map.derive(values)))

    if header is None:
        raise _reject(source, None, None, "filen er tom")
    header_errors: list[InputError] = []
    missing = [c for c in required if c not in header]
    if missing:
        found = ", ".join(h for h in header if h) or "ingen"
        what = "kolonnen" if len(missing) == 1 else "kolonnene"
        header_errors.append(
            InputError(
                source,
                header_line,
                None,
                f"mangler {what} {_quote_all(missing)} (fant: {found}; "
                f"påkrevde kolonner: {', '.join(required)})",
            )
        )
    for name in dict.fromkeys(header):
        if header.count(name) > 1 and name in (*required, *optional):
            header_errors.append(InputError(source, header_line, name, "kolonnen står to ganger"))
    errors = header_errors + errors
    if errors:
        raise InputErrors(source, errors)
    return records


def header_notes(data: bytes | str, source: str, kind: str) -> list[str]:
    """Which of the file's columns were taken for which of ours («Elevnummer» brukt som
    elev_id); empty when the file uses our names (or cannot be read: the import says why)."""
    notes: list[str] = []
    try:
        _read_table(data, source, (), kind=kind, notes=notes)
    except InputErrors:
        return []
    return notes


class _Checker:
    """Collects every problem in a file; `done()` raises them together (all-or-nothing)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[InputError] = []

    def fail(self, record: _Record, column: str | None, problem: str) -> None:
        # A message quotes the bad value: never let it carry a control character to a terminal
        self.errors.append(InputError(self.source, record.line, column, _shown(problem)))

    def required(self, record: _Record, column: str) -> str | None:
        value = record[column]
        if not value:
            self.fail(record, column, "mangler verdi")
            return None
        return value

    def parse(self, record: _Record, column: str, parser: Callable[[str], T]) -> T | None:
        """Run `parser` on the field; a ValueError's text becomes the error for that field."""
        try:
            return parser(record[column])
        except ValueError as exc:
            self.fail(record, column, str(exc))
            return None

    def done(self) -> None:
        if self.errors:
            raise InputErrors(self.source, self.errors)


def _reject(source: str, line: int | None, column: str | None, problem: str) -> InputErrors:
    return InputErrors(source, [InputError(source, line, column, _shown(problem))])


def _shown(problem: str) -> str:
    return visible(problem, limit=None)


def _quote_all(names: Iterable[str]) -> str:
    quoted = [f"«{n}»" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " og " + quoted[-1]


# ---------------------------------------------------------------------------------------------
# Field parsers: return the value or raise ValueError with a Norwegian message


def _class_name(text: str) -> str:
    name = "".join(text.split())
    if not name:
        raise ValueError("mangler verdi")
    if "," in name or "|" in name:
        raise ValueError(f"«{text}»: et klassenavn kan ikke inneholde komma eller |")
    return check_class_name(name)


def _class_list(text: str) -> tuple[str, ...]:
    """A staff member's classes: separated by space, comma or |, or none."""
    names = (check_class_name(c) for c in _CLASS_SEPARATORS.split(text) if c)
    return tuple(dict.fromkeys(names))


def _id(what: str) -> Callable[[str], str]:
    return lambda text: check_id(text, what)


def _name(what: str, required: bool = True) -> Callable[[str], str]:
    def parse(text: str) -> str:
        return check_name(text, what) if text or required else text

    return parse


def _period(text: str) -> int:
    if not _ASCII_DIGITS.fullmatch(text) or not 1 <= int(text) <= MAX_PERIOD:
        raise ValueError(f"«{text}» er ikke et timenummer (et helt tall fra 1 til {MAX_PERIOD})")
    return int(text)


def _weekday(text: str) -> int:
    day = _WEEKDAYS.get(_column_key(text).rstrip("."))
    if day is None:
        raise ValueError(f"«{text}» er ikke en ukedag (bruk 1–5, man–fre eller mandag–fredag)")
    if day > 5:
        raise ValueError(f"{WEEKDAY_NAMES[day - 1]} er ikke en skoledag (bruk 1–5 eller man–fre)")
    return day


def _clock(text: str) -> dt.time:
    match = _CLOCK.fullmatch(text)
    if match:
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour < 24 and minute < 60 and second == 0:
            return dt.time(hour, minute)
    raise ValueError(f"«{text}» er ikke et klokkeslett (bruk TT:MM, f.eks. 08:15)")


def _date(text: str) -> dt.date:
    # Prefilter: parse_date would let huge numbers through to an OverflowError.
    if not (_ISO_DATE.fullmatch(text) or _NORWEGIAN_DATE.fullmatch(text)):
        raise ValueError(f"«{text}» er ikke en gyldig dato (bruk dd.mm.åååå eller åååå-mm-dd)")
    return parse_date(text)


def _coded(text: str, table: Mapping[str, T], what: str, allowed: str) -> T:
    value = table.get(_column_key(text))
    if value is None:
        raise ValueError(f"ukjent {what} «{text}» (bruk {allowed})")
    return value


def _role(text: str) -> Role:
    return _coded(
        text,
        _ROLES,
        "rolle",
        "faglaerer, kontaktlaerer, avdelingsleder, rektor, drift eller miljopersonale",
    )


def _kind(text: str) -> MarkType:
    return _coded(text, _KINDS, "type", "fravaer, sent eller forlot")


def _remark(text: str) -> Remark | None:
    if not text:
        return None
    allowed = ", ".join(r.code for r in Remark)
    return _coded(text, _REMARKS, "merknad", f"{allowed} eller tomt felt")


def _validity(text: str) -> Validity | None:
    if not text:
        return None
    return _coded(text, _VALIDITIES, "gyldighet", "gyldig, ugyldig, ikke_meldt eller tomt felt")


def _reason(text: str) -> Reason | None:
    if not text:
        return None
    return _coded(text, _REASONS, "årsak", "sykdom, lege, permisjon, annet eller tomt felt")


def _minutes(text: str) -> int | None:
    """A whole number of minutes; whether it fits the lesson is `domain.marks`' rule."""
    if not text:
        return None
    if not _ASCII_DIGITS.fullmatch(text):
        raise ValueError(f"«{text}» er ikke et gyldig antall minutter (et helt tall)")
    return int(text)


def _phone(text: str) -> str:
    if text and not (_PHONE.fullmatch(text) and any(ch.isdigit() for ch in text)):
        raise ValueError(f"«{text}» er ikke et telefonnummer")
    return text


def _email(text: str) -> str:
    local, at, domain = text.partition("@")
    if text and not (
        at
        and local
        and domain
        and len(text) <= 254
        and not any(ch.isspace() or not ch.isprintable() for ch in text)
    ):
        raise ValueError(f"«{text}» er ikke en e-postadresse")
    return text


def _username(text: str) -> str:
    if not text:
        raise ValueError("mangler verdi")
    if any(ch.isspace() for ch in text):
        raise ValueError(f"«{text}»: et brukernavn kan ikke inneholde mellomrom")
    return check_id(text, "brukernavn")


# ---------------------------------------------------------------------------------------------
# Parsers


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


# ---------------------------------------------------------------------------------------------
# Absences ↔ registrations


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


# ---------------------------------------------------------------------------------------------
# Writing


# A spreadsheet runs a cell starting with one of these as a formula (OWASP, «CSV injection»).
# Apostrophes before one are escaped too, so that unescaping is exact: "'=x" → "''=x" → "'=x".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_ESCAPE = re.compile(r"'*[=+\-@\t\r]")


def safe_cell(value: object) -> str:
    """A cell that no spreadsheet runs as a formula: a leading `'` where one could start."""
    text = "" if value is None else str(value)
    return "'" + text if _NEEDS_ESCAPE.match(text) else text


def unescape_cell(text: str) -> str:
    """The value `safe_cell` was given: our importers read our exports back exactly."""
    if text.startswith("'") and _NEEDS_ESCAPE.match(text, 1):
        return text[1:]
    return text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str) -> str:
    """Every CSV the app writes goes through here: CRLF, and every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def excel_bytes(text: str) -> bytes:
    """UTF-8 with a BOM: what Excel needs to show æøå right when it opens a CSV file."""
    return _UTF8_BOM + text.encode("utf-8")


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
