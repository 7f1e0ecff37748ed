"""CSV import/export: encodings, delimiters, every error kind with line and field, round trips."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fravaer_tui.domain.csvio import (
    ABSENCE_COLUMNS,
    STAFF_COLUMNS,
    STUDENT_COLUMNS,
    TIMETABLE_COLUMNS,
    AbsenceRow,
    absences_to_registrations,
    decode_text,
    excel_bytes,
    format_absences_csv,
    format_staff_csv,
    format_students_csv,
    format_timetable_csv,
    parse_absences,
    parse_staff,
    parse_students,
    parse_timetable,
    registrations_to_rows,
)
from fravaer_tui.domain.model import (
    Foresatt,
    Holiday,
    Mark,
    MarkType,
    Reason,
    Registration,
    Role,
    Roster,
    Slot,
    Staff,
    Student,
    Validity,
)
from fravaer_tui.domain.schoolcalendar import SchoolCalendar
from fravaer_tui.errors import InputError, InputErrors

MONDAY = dt.date(2026, 10, 12)
FRIDAY = dt.date(2026, 10, 16)
SATURDAY = dt.date(2026, 10, 17)
IN_AUTUMN_BREAK = dt.date(2026, 10, 7)
CHRISTMAS_DAY = dt.date(2026, 12, 25)  # a Friday
NOW = dt.datetime(2026, 10, 20, 8, 5)

SRC = "fil.csv"


def _slots() -> tuple[Slot, ...]:
    slots = []
    for ukedag in range(1, 6):
        periods = 3 if ukedag == 5 else 4
        for time in range(1, periods + 1):
            start = dt.time(8 + time, 0)
            slots.append(Slot("8A", ukedag, time, start, dt.time(8 + time, 45), "Norsk", "T1"))
    # 9B has lessons Monday to Thursday only.
    for ukedag in range(1, 5):
        slots.append(Slot("9B", ukedag, 1, dt.time(8, 15), dt.time(9, 0), "Matte", "T2"))
    return tuple(slots)


STUDENTS = (
    Student("1001", "Ola", "Nordmann", "8A", (Foresatt("Kari Nordmann", "+47 912 34 567"),)),
    Student("1002", "Kari", "Ødegård-Ås", "8A"),
    Student("1003", "Per", "O'Brien", "8A"),
    Student("2001", "Åse", "Sæther", "9B"),
)
STAFF = (
    Staff("T1", "Lise Lærer", Role.FAGLAERER, ("8A",), "lise"),
    Staff("T2", "Trond Kontakt", Role.KONTAKTLAERER, ("8A", "9B"), "trond"),
)
ROSTER = Roster(students=STUDENTS, staff=STAFF, timetable=_slots())
CALENDAR = SchoolCalendar(
    ferier=(Holiday("Høstferie", dt.date(2026, 10, 5), dt.date(2026, 10, 9)),)
)


def errors_of(call: Callable[[], object]) -> list[InputError]:
    with pytest.raises(InputErrors) as info:
        call()
    return info.value.errors


def where(errors: list[InputError]) -> list[tuple[int | None, str | None]]:
    return [(e.line, e.field) for e in errors]


def as_marks(regs: list[Registration]) -> dict[tuple[str, dt.date, int], dict[str, Mark]]:
    """Lesson → student → mark: the order of marks in a lesson carries no meaning."""
    return {(r.klasse, r.dato, r.time): {m.elev: m for m in r.marks} for r in regs}


def absences(text: str) -> list[AbsenceRow]:
    return parse_absences(text.encode(), SRC, ROSTER, CALENDAR)


def absence_errors(*rows: str) -> list[InputError]:
    text = "\n".join(("elev_id;dato;time;type;minutter;gyldighet;aarsak", *rows))
    return errors_of(lambda: absences(text))


# --- encodings, delimiters, headers ------------------------------------------------------------


STUDENTS_TEXT = "elev_id;fornavn;etternavn;klasse\n1;Åse;Sæther;8A\n2;Øystein;Ødegård-Ås;9B\n"


@pytest.mark.parametrize(
    "data",
    [
        STUDENTS_TEXT.encode(),
        b"\xef\xbb\xbf" + STUDENTS_TEXT.encode(),
        STUDENTS_TEXT.replace(";", ",").encode(),
        b"\xef\xbb\xbf" + STUDENTS_TEXT.replace(";", ",").replace("\n", "\r\n").encode(),
        STUDENTS_TEXT.encode("cp1252"),
        STUDENTS_TEXT.replace(";", ",").encode("cp1252"),
        STUDENTS_TEXT.replace(";", "\t").encode(),
        ("sep=;\n" + STUDENTS_TEXT).encode("cp1252"),
        "\ufeff" + STUDENTS_TEXT,
    ],
    ids=["utf8", "bom", "comma", "bom-comma-crlf", "cp1252", "cp1252-comma", "tab", "sep", "str"],
)
def test_students_in_every_encoding_and_delimiter(data: bytes | str) -> None:
    assert parse_students(data, SRC) == [
        Student("1", "Åse", "Sæther", "8A"),
        Student("2", "Øystein", "Ødegård-Ås", "9B"),
    ]


def test_sep_line_is_hidden_like_excel_does() -> None:
    errors = errors_of(
        lambda: parse_students(b"sep=;\nelev_id;fornavn;etternavn;klasse\n1;;X;8A", SRC)
    )
    assert where(errors) == [(2, "fornavn")]


def test_not_utf8_and_not_plausible_cp1252_asks_for_utf8() -> None:
    data = "elev_id;fornavn;etternavn;klasse\n1;Åse;Sæther;8A\n".encode() + b"2;\x81\x8d\x02;X;8A\n"
    (error,) = errors_of(lambda: parse_students(data, "elever.csv"))
    assert error.line == 3
    assert "UTF-8" in error.message and error.message.startswith("elever.csv, linje 3: ")


def test_bom_with_broken_utf8_is_not_guessed_as_cp1252() -> None:
    data = b"\xef\xbb\xbfelev_id;fornavn;etternavn;klasse\n1;\xc5se;S;8A\n"
    (error,) = errors_of(lambda: parse_students(data, SRC))
    assert "UTF-8" in error.problem and error.line == 2


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04rest-of-a-zip", "Excel-arbeidsbok"),
        ("elev_id;fornavn".encode("utf-16"), "UTF-16"),
        (b"elev_id\x00;fornavn\x00", "NUL"),
        (b"", "tom"),
        (b"\n \n;;;\n", "tom"),
    ],
)
def test_files_that_are_not_csv_text(data: bytes, words: str) -> None:
    (error,) = errors_of(lambda: parse_students(data, SRC))
    assert words in error.problem


def test_decode_text_accepts_str_and_strips_bom() -> None:
    assert decode_text("\ufeffa;b", SRC) == "a;b"
    assert decode_text("a;b".encode("utf-8-sig"), SRC) == "a;b"


def test_headers_are_case_insensitive_trimmed_and_extra_columns_ignored() -> None:
    text = " Elev_ID ;FORNAVN;Etternavn ;Fødselsdato;Klasse;Merknad\n7;Nora;Berg;01.02.2013;10C;x\n"
    assert parse_students(text.encode(), SRC) == [Student("7", "Nora", "Berg", "10C")]


def test_missing_columns_are_named() -> None:
    data = b"elev_id;kallenavn;klasse\n1;Ola;8A\n"  # «navn» would be split (csvheaders)
    (error,) = errors_of(lambda: parse_students(data, "elever.csv"))
    assert (error.line, error.field) == (1, None)
    assert "«fornavn» og «etternavn»" in error.problem
    assert error.message.startswith("elever.csv, linje 1: mangler kolonnene")


def test_a_column_twice_is_an_error() -> None:
    errors = errors_of(lambda: parse_students(b"elev_id;fornavn;etternavn;klasse;Klasse\n", SRC))
    assert where(errors) == [(1, "klasse")]


def test_blank_lines_are_skipped_but_keep_their_line_numbers() -> None:
    text = "\n\nelev_id;fornavn;etternavn;klasse\n\n1;Ola;Nordmann;8A\n;;;\n\n2;;Berg;8A\n"
    errors = errors_of(lambda: parse_students(text.encode(), SRC))
    assert where(errors) == [(8, "fornavn")]


def test_fewer_fields_than_header_reads_as_empty() -> None:
    errors = errors_of(lambda: parse_students(b"elev_id,fornavn,etternavn,klasse\n1,Ola\n", SRC))
    assert where(errors) == [(2, "etternavn"), (2, "klasse")]


# --- students -------------------------------------------------------------------------------


def test_students_with_foresatt() -> None:
    text = (
        "elev_id;fornavn;etternavn;klasse;foresatt_navn;foresatt_telefon;foresatt_epost\n"
        "1;Ola;Nordmann;8 A;Kari Nordmann;+47 912 34 567;kari@example.no\n"
        "2;Per;O'Brien;8A;;;\n"
    )
    assert parse_students(text.encode(), SRC) == [
        Student(
            "1",
            "Ola",
            "Nordmann",
            "8A",
            (Foresatt("Kari Nordmann", "+47 912 34 567", "kari@example.no"),),
        ),
        Student("2", "Per", "O'Brien", "8A"),
    ]


def test_student_errors_are_all_reported_with_line_and_field() -> None:
    text = (
        "elev_id;fornavn;etternavn;klasse;foresatt_navn;foresatt_telefon;foresatt_epost\n"
        "1;Ola;Nordmann;8A;;;\n"
        ";Per;Berg;8A;;;\n"
        "1;Ola;Igjen;8A;;;\n"
        "3;Kari;Berg;8A,9B;;;\n"
        "4;Nils;Berg;8A;;;nils@example.no\n"
        "5;Eva;Berg;8A;Mor;ring meg;mor.example.no\n"
    )
    errors = errors_of(lambda: parse_students(text.encode(), "elever.csv"))
    assert where(errors) == [
        (3, "elev_id"),
        (4, "elev_id"),
        (5, "klasse"),
        (6, "foresatt_navn"),
        (7, "foresatt_telefon"),
        (7, "foresatt_epost"),
    ]
    assert errors[1].message == (
        "elever.csv, linje 4, felt «elev_id»: "
        "eleven «1» står allerede på linje 2 (én linje per elev)"
    )


# --- staff ----------------------------------------------------------------------------------


def test_staff_roles_and_class_lists() -> None:
    text = (
        "ansatt_id,navn,rolle,klasser,brukernavn\n"
        'T1,Lise Lærer,Faglærer,"8A, 9B|10C 8A",lise\n'
        "T2,Trond,kontaktlærer,8A,trond\n"
        "T3,Anne,KONTAKTLAERER,,anne\n"
        "R,Rita,rektor,,rita\n"
        "A,Arne,avdelingsleder,,arne\n"
    )
    assert parse_staff(text.encode(), SRC) == [
        Staff("T1", "Lise Lærer", Role.FAGLAERER, ("8A", "9B", "10C"), "lise"),
        Staff("T2", "Trond", Role.KONTAKTLAERER, ("8A",), "trond"),
        Staff("T3", "Anne", Role.KONTAKTLAERER, (), "anne"),
        Staff("R", "Rita", Role.REKTOR, (), "rita"),
        Staff("A", "Arne", Role.AVDELINGSLEDER, (), "arne"),
    ]


def test_staff_errors() -> None:
    text = (
        "ansatt_id;navn;rolle;klasser;brukernavn\n"
        "T1;Lise;lærer;8A;lise\n"
        "T2;Trond;rektor;;LISE\n"
        "T2;Tone;rektor;;tone\n"
        "T4;;rektor;;to ord\n"
    )
    errors = errors_of(lambda: parse_staff(text.encode(), "ansatte.csv"))
    assert where(errors) == [
        (2, "rolle"),
        (3, "brukernavn"),
        (4, "ansatt_id"),
        (5, "navn"),
        (5, "brukernavn"),
    ]
    assert errors[0].message == (
        "ansatte.csv, linje 2, felt «rolle»: ukjent rolle «lærer» "
        "(bruk faglaerer, kontaktlaerer, avdelingsleder, rektor, drift eller miljopersonale)"
    )


# --- timetable ------------------------------------------------------------------------------

TIMETABLE_HEADER = "klasse;ukedag;time;start;slutt;fag;laerer"


@pytest.mark.parametrize(
    ("ukedag", "expected"),
    [
        ("1", 1),
        ("man", 1),
        ("Mandag", 1),
        ("TIR", 2),
        ("onsdag", 3),
        ("tors", 4),
        ("fre.", 5),
        ("5", 5),
    ],
)
def test_weekday_spellings(ukedag: str, expected: int) -> None:
    text = f"{TIMETABLE_HEADER}\n8A;{ukedag};1;08:15;09:00;Norsk;T1\n"
    assert parse_timetable(text.encode(), SRC)[0].ukedag == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("08:15", dt.time(8, 15)),
        ("8:15", dt.time(8, 15)),
        ("08.15", dt.time(8, 15)),
        ("8:15:00", dt.time(8, 15)),
    ],
)
def test_clock_spellings(start: str, expected: dt.time) -> None:
    text = f"{TIMETABLE_HEADER}\n8A;1;1;{start};09:00;Norsk;T1\n"
    assert parse_timetable(text.encode(), SRC)[0].start == expected


def test_timetable_errors() -> None:
    text = (
        f"{TIMETABLE_HEADER}\n"
        "8A;man;1;08:15;09:00;Norsk;T1\n"
        "8A;1;1;09:15;10:00;Matte;T1\n"
        "8A;lørdag;2;08:15;09:00;Norsk;T1\n"
        "8A;tir;0;08:15;09:00;Norsk;T1\n"
        "8A;tir;2;09:00;09:00;Norsk;T1\n"
        "8A;tir;3;25:00;9;Norsk;T1\n"
        "8A;tir;4;10:00;10:45;Norsk;XX\n"
        "8A;tir;5;10:00;10:45;;T1\n"
    )
    errors = errors_of(lambda: parse_timetable(text.encode(), "timeplan.csv", staff_ids={"T1"}))
    assert where(errors) == [
        (3, "time"),
        (4, "ukedag"),
        (5, "time"),
        (6, "slutt"),
        (7, "start"),
        (7, "slutt"),
        (8, "laerer"),
        (9, "fag"),
    ]
    assert (
        errors[0].message
        == "timeplan.csv, linje 3, felt «time»: 8A har allerede time 1 på mandag (linje 2)"
    )
    assert "lørdag er ikke en skoledag" in errors[1].problem
    assert errors[3].problem == "sluttid 09:00 er ikke etter starttid 09:00"
    assert "ukjent lærer «XX»" in errors[6].problem


def test_unknown_teacher_is_fine_without_staff_ids() -> None:
    text = f"{TIMETABLE_HEADER}\n8A;1;1;08:15;09:00;Norsk;XX\n"
    assert parse_timetable(text.encode(), SRC) == [
        Slot("8A", 1, 1, dt.time(8, 15), dt.time(9), "Norsk", "XX")
    ]


# --- absences -------------------------------------------------------------------------------


def test_absences_parse() -> None:
    text = (
        "elev_id,dato,time,type,minutter,gyldighet,aarsak\n"
        "1001,2026-10-12,2,sent,10,,\n"
        "1001,12.10.2026,3,Fravær,,,\n"
        "1002,16.10.2026,,fravaer,,ikke meldt,\n"
        "1003,2026-10-12,1,forlot,,ugyldig,annet\n"
        "2001,2026-10-12,,fravaer,,,lege/tannlege\n"
        "1003,2026-10-13,1,fravaer,,gyldig,\n"
    )
    assert absences(text) == [
        AbsenceRow(2, "1001", MONDAY, 2, MarkType.SENT, 10, None, None),
        AbsenceRow(3, "1001", MONDAY, 3, MarkType.FRAVAER, None, None, None),
        AbsenceRow(4, "1002", FRIDAY, None, MarkType.FRAVAER, None, Validity.IKKE_MELDT, None),
        AbsenceRow(5, "1003", MONDAY, 1, MarkType.FORLOT, None, Validity.UGYLDIG, Reason.ANNET),
        AbsenceRow(6, "2001", MONDAY, None, MarkType.FRAVAER, None, Validity.GYLDIG, Reason.LEGE),
        AbsenceRow(
            7, "1003", dt.date(2026, 10, 13), 1, MarkType.FRAVAER, None, Validity.GYLDIG, None
        ),
    ]


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ("9999;2026-10-12;1;fravaer;;;", "elev_id", "ukjent elev «9999»"),
        (";2026-10-12;1;fravaer;;;", "elev_id", "mangler verdi"),
        ("1001;12/10/2026;1;fravaer;;;", "dato", "ikke en gyldig dato"),
        ("1001;31.02.2026;1;fravaer;;;", "dato", "ikke en gyldig dato"),
        ("1001;99999999999999.1.2026;1;fravaer;;;", "dato", "ikke en gyldig dato"),
        ("1001;2026-10-17;1;fravaer;;;", "dato", "17.10.2026 er en lørdag, ikke en skoledag"),
        ("1001;2026-10-07;1;fravaer;;;", "dato", "07.10.2026 er ikke en skoledag (Høstferie)"),
        ("1001;2026-12-25;1;fravaer;;;", "dato", "(Første juledag)"),
        (
            "1001;2026-10-16;4;fravaer;;;",
            "time",
            "8A har ingen time 4 på fredager (timeplanen har time 1, 2, 3)",
        ),
        ("2001;2026-10-16;;fravaer;;;", "dato", "9B har ingen timer på fredager"),
        ("1001;2026-10-12;x;fravaer;;;", "time", "ikke et timenummer"),
        (
            "1001;2026-10-12;1;borte;;;",
            "type",
            "ukjent type «borte» (bruk fravaer, sent eller forlot)",
        ),
        ("1001;2026-10-12;1;sent;;;", "minutter", "sent må ha antall minutter"),
        ("1001;2026-10-12;1;sent;0;;", "minutter", "fra 1 til 45 (timen varer 45 minutter)"),
        ("1001;2026-10-12;1;sent;46;;", "minutter", "fra 1 til 45 (timen varer 45 minutter)"),
        ("1001;2026-10-12;1;sent;2,5;;", "minutter", "«2,5» er ikke et gyldig antall minutter"),
        ("1001;2026-10-12;1;fravaer;5;;", "minutter", "bare fylles ut for type sent"),
        ("1001;2026-10-12;;sent;5;;", "time", "type sent gjelder én time"),
        ("1001;2026-10-12;1;fravaer;;kanskje;", "gyldighet", "ukjent gyldighet «kanskje»"),
        ("1001;2026-10-12;1;fravaer;;;ferie", "aarsak", "ukjent årsak «ferie»"),
        (
            "1001;2026-10-12;1;fravaer;;ikke_meldt;sykdom",
            "aarsak",
            "ikke stå sammen med gyldighet ikke_meldt",
        ),
    ],
)
def test_each_absence_error_names_line_and_field(row: str, field: str, words: str) -> None:
    errors = absence_errors("1002;2026-10-12;1;fravaer;;;", row)
    assert where(errors) == [(3, field)]
    assert words in errors[0].problem
    assert errors[0].message.startswith(f"{SRC}, linje 3, felt «{field}»: ")


@pytest.mark.parametrize(
    ("first", "second", "words"),
    [
        (
            "1001;2026-10-12;1;fravaer;;;",
            "1001;12.10.2026;1;forlot;;;",
            "rad for 12.10.2026 time 1 på linje 2",
        ),
        (
            "1001;2026-10-12;;fravaer;;;",
            "1001;2026-10-12;3;fravaer;;;",
            "rad for 12.10.2026 hele dagen på linje 2; en rad for hele dagen kan ikke",
        ),
        (
            "1001;2026-10-12;3;fravaer;;;",
            "1001;2026-10-12;;fravaer;;;",
            "rad for 12.10.2026 time 3 på linje 2; en rad for hele dagen kan ikke",
        ),
        (
            "1001;2026-10-12;;fravaer;;;",
            "1001;2026-10-12;;forlot;;;",
            "rad for 12.10.2026 hele dagen på linje 2",
        ),
    ],
)
def test_the_same_lesson_twice_is_an_error_on_the_later_line(
    first: str, second: str, words: str
) -> None:
    errors = absence_errors(first, second)
    assert where(errors) == [(3, "time")]
    assert words in errors[0].problem


def test_absences_are_all_or_nothing_and_every_bad_row_is_reported() -> None:
    errors = absence_errors(
        "1001;2026-10-12;1;fravaer;;;",
        "1002;2026-10-17;1;fravaer;;;",
        "1003;2026-10-12;1;fravaer;;;",
        "9999;2026-10-12;1;fravaer;;;",
        "1003;2026-10-12;2;sent;;;",
    )
    assert where(errors) == [(3, "dato"), (5, "elev_id"), (6, "minutter")]
    with pytest.raises(InputErrors) as info:
        absences("elev_id;dato;time;type;minutter;gyldighet;aarsak\n9999;2026-10-12;1;x;;;\n")
    assert str(info.value).startswith(
        f"{SRC} ble avvist, ingenting er lagret (2 feil):\n  {SRC}, linje 2"
    )


def test_absence_file_must_have_every_column() -> None:
    (error,) = errors_of(lambda: absences("elev_id;dato;type\n1001;2026-10-12;fravaer\n"))
    assert "«time», «minutter», «gyldighet» og «aarsak»" in error.problem


# --- merging into registrations ---------------------------------------------------------------


def test_whole_day_rows_expand_to_every_period_of_the_day() -> None:
    rows = [
        AbsenceRow(
            2,
            "1002",
            FRIDAY,
            None,
            MarkType.FRAVAER,
            validity=Validity.GYLDIG,
            reason=Reason.SYKDOM,
        )
    ]
    regs = absences_to_registrations(rows, ROSTER, {}, "trond", NOW)
    assert [(r.klasse, r.dato, r.time, r.av, r.tid) for r in regs] == [
        ("8A", FRIDAY, t, "trond", NOW) for t in (1, 2, 3)
    ]
    assert all(
        r.marks == (Mark("1002", MarkType.FRAVAER, validity=Validity.GYLDIG, reason=Reason.SYKDOM),)
        for r in regs
    )


def test_merge_keeps_other_marks_remarks_and_who_registered() -> None:
    earlier = dt.datetime(2026, 10, 12, 9, 1)
    existing = {
        ("8A", MONDAY, 1): Registration(
            "8A",
            MONDAY,
            1,
            "lise",
            earlier,
            (Mark("1001", None, merknad="mangler utstyr"), Mark("1003", MarkType.SENT, 5)),
        ),
        ("8A", MONDAY, 2): Registration(
            "8A", MONDAY, 2, "lise", earlier, (Mark("1001", MarkType.FRAVAER),)
        ),
    }
    rows = [
        AbsenceRow(2, "1001", MONDAY, 1, MarkType.FRAVAER),
        AbsenceRow(3, "1002", MONDAY, 1, MarkType.SENT, 7),
        AbsenceRow(4, "1001", MONDAY, 2, MarkType.FRAVAER),  # no change
        AbsenceRow(5, "1001", MONDAY, 3, MarkType.FORLOT),  # new lesson
    ]
    regs = absences_to_registrations(rows, ROSTER, existing, "trond", NOW)
    assert regs == [
        Registration(
            "8A",
            MONDAY,
            1,
            "lise",
            earlier,
            (
                Mark("1001", MarkType.FRAVAER, merknad="mangler utstyr"),
                Mark("1003", MarkType.SENT, 5),
                Mark("1002", MarkType.SENT, 7),
            ),
        ),
        Registration("8A", MONDAY, 3, "trond", NOW, (Mark("1001", MarkType.FORLOT),)),
    ]


# --- export and round trips -----------------------------------------------------------------


def test_registrations_to_rows_sorts_and_skips_free_remarks() -> None:
    regs = [
        Registration("9B", MONDAY, 1, "t", NOW, (Mark("2001", MarkType.FRAVAER),)),
        Registration(
            "8A",
            MONDAY,
            2,
            "t",
            NOW,
            (
                Mark("1001", MarkType.SENT, 4),
                Mark("1003", None, merknad="x"),
                Mark("1002", MarkType.FORLOT),
            ),
        ),
        Registration(
            "8A", MONDAY, 1, "t", NOW, (Mark("1003", MarkType.FRAVAER, validity=Validity.UGYLDIG),)
        ),
    ]
    rows = registrations_to_rows(regs, ROSTER)
    assert [(r.line, r.elev, r.time) for r in rows] == [
        (2, "1003", 1),
        (3, "1001", 2),  # Nordmann before Ødegård-Ås
        (4, "1002", 2),
        (5, "2001", 1),  # 8A before 9B
    ]
    assert format_absences_csv(rows) == (  # issue 13: a merknad column, empty here
        "elev_id,dato,time,type,minutter,gyldighet,aarsak,merknad\r\n"
        "1003,2026-10-12,1,fravaer,,ugyldig,,\r\n"
        "1001,2026-10-12,2,sent,4,,,\r\n"
        "1002,2026-10-12,2,forlot,,,,\r\n"
        "2001,2026-10-12,1,fravaer,,,,\r\n"
    )


def test_export_import_onto_an_empty_store_reproduces_the_marks() -> None:
    regs = absences_to_registrations(
        absences(
            "elev_id;dato;time;type;minutter;gyldighet;aarsak\n"
            "1001;2026-10-12;;fravaer;;gyldig;sykdom\n"
            "1002;2026-10-12;2;sent;12;;\n"
            "1003;2026-10-13;4;forlot;;ugyldig;\n"
            "2001;2026-10-15;;fravaer;;ikke_meldt;\n"
        ),
        ROSTER,
        {},
        "trond",
        NOW,
    )
    text = format_absences_csv(registrations_to_rows(regs, ROSTER))
    again = absences_to_registrations(absences(text), ROSTER, {}, "trond", NOW)
    assert as_marks(again) == as_marks(regs)
    assert all((r.av, r.tid) == ("trond", NOW) for r in again)


def test_excel_bytes_have_a_bom_and_parse_back() -> None:
    rows = [AbsenceRow(2, "1002", MONDAY, 1, MarkType.FRAVAER)]
    data = excel_bytes(format_absences_csv(rows, delimiter=";"))
    assert data.startswith(b"\xef\xbb\xbfelev_id;dato;")
    assert parse_absences(data, SRC, ROSTER, CALENDAR) == rows


TRICKY_STUDENTS = [
    Student(
        "1",
        "Åse-Marie",
        "O'Brien Ødegård",
        "8A",
        (Foresatt('Kjell "Kjelle" Æsland, far', "+47 900 00 000", "k@e.no"),),
    ),
    Student("2", "Jean-Luc", "D’Artagnan; Sæther", "10C"),
    Student("3", "Øyvind", "Lie", "9B"),
]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_students_round_trip_with_tricky_names(delimiter: str) -> None:
    text = format_students_csv(TRICKY_STUDENTS, delimiter=delimiter)
    assert text.splitlines()[0] == delimiter.join(
        (*STUDENT_COLUMNS, "foresatt_navn", "foresatt_telefon", "foresatt_epost")
    )
    parsed = parse_students(excel_bytes(text), SRC)
    assert sorted(parsed, key=lambda s: s.id) == TRICKY_STUDENTS
    assert sorted(parse_students(text.encode("cp1252"), SRC), key=lambda s: s.id) == TRICKY_STUDENTS


def test_staff_and_timetable_round_trip() -> None:
    assert format_staff_csv(STAFF).splitlines()[0] == ",".join(STAFF_COLUMNS)
    assert parse_staff(format_staff_csv(STAFF).encode(), SRC) == list(STAFF)
    text = format_timetable_csv(ROSTER.timetable, delimiter=";")
    assert text.splitlines()[0] == ";".join(TIMETABLE_COLUMNS)
    assert sorted(
        parse_timetable(text.encode(), SRC, {"T1", "T2"}),
        key=lambda s: (s.klasse, s.ukedag, s.time),
    ) == sorted(ROSTER.timetable, key=lambda s: (s.klasse, s.ukedag, s.time))


# --- property tests -------------------------------------------------------------------------

PARSERS: dict[str, tuple[tuple[str, ...], Callable[[bytes], object]]] = {
    "students": (
        (*STUDENT_COLUMNS, "foresatt_navn", "foresatt_telefon", "foresatt_epost"),
        lambda data: parse_students(data, SRC),
    ),
    "staff": (STAFF_COLUMNS, lambda data: parse_staff(data, SRC)),
    "timetable": (TIMETABLE_COLUMNS, lambda data: parse_timetable(data, SRC, {"T1", "T2"})),
    "absences": (ABSENCE_COLUMNS, lambda data: parse_absences(data, SRC, ROSTER, CALENDAR)),
}
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Values that reach the deep checks, mixed with garbage.
PLAUSIBLE = st.sampled_from(
    [
        "",
        "1001",
        "1002",
        "2001",
        "9999",
        "8A",
        "9B",
        "T1",
        "T2",
        "1",
        "2",
        "4",
        "0",
        "-1",
        "10",
        "241",
        "2026-10-12",
        "16.10.2026",
        "2026-10-17",
        "2026-10-07",
        "2026-02-30",
        "1.1.0000",
        "man",
        "fredag",
        "lørdag",
        "08:15",
        "8.45",
        "24:00",
        "fravaer",
        "fravær",
        "sent",
        "forlot",
        "gyldig",
        "ugyldig",
        "ikke meldt",
        "sykdom",
        "lege/tannlege",
        "rektor",
        "faglærer",
        "8A 9B|10C",
        "a@b",
        "+47 1",
        "Ola",
        "Ødegård",
        '"',
        "sep=;",
    ]
)
FIELD = st.one_of(PLAUSIBLE, st.text(max_size=12))


@pytest.mark.parametrize("kind", PARSERS)
@FAST
@given(data=st.binary(max_size=300))
def test_random_bytes_only_ever_raise_input_errors(kind: str, data: bytes) -> None:
    _, parse = PARSERS[kind]
    with contextlib.suppress(InputErrors):
        parse(data)


@pytest.mark.parametrize("kind", PARSERS)
@FAST
@given(data=st.data())
def test_random_rows_only_ever_raise_input_errors(kind: str, data: st.DataObject) -> None:
    columns, parse = PARSERS[kind]
    header = data.draw(st.permutations(columns)) + data.draw(
        st.lists(st.sampled_from(["x", "Elev_ID", " type "]), max_size=2)
    )
    delimiter = data.draw(st.sampled_from([",", ";"]))
    rows = data.draw(st.lists(st.lists(FIELD, min_size=0, max_size=len(header) + 1), max_size=6))
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    raw = "\n".join(lines).encode(encoding, errors="replace")
    try:
        result = parse(raw)
    except InputErrors as errors:
        assert errors.errors and all(isinstance(e, InputError) for e in errors.errors)
    else:
        assert isinstance(result, list)


SCHOOL_DAYS = list(CALENDAR.school_days(dt.date(2026, 8, 17), dt.date(2026, 12, 22)))


@st.composite
def absence_rows(draw: st.DrawFn) -> AbsenceRow:
    student = draw(st.sampled_from(STUDENTS))
    dato = draw(
        st.sampled_from(SCHOOL_DAYS).filter(lambda d: student.klasse == "8A" or d.isoweekday() < 5)
    )
    periods = [s.time for s in ROSTER.slots(student.klasse, dato.isoweekday())]
    kind = draw(st.sampled_from(MarkType))
    time = draw(
        st.sampled_from(periods) if kind is MarkType.SENT else st.sampled_from([None, *periods])
    )
    minutter = draw(st.integers(1, 45)) if kind is MarkType.SENT else None  # the lesson's length
    reason = draw(st.none() | st.sampled_from(Reason))
    if reason is None:
        validity = draw(st.none() | st.sampled_from(Validity))
    else:
        validity = draw(st.sampled_from([Validity.GYLDIG, Validity.UGYLDIG]))
    return AbsenceRow(0, student.id, dato, time, kind, minutter, validity, reason)


@FAST
@given(
    rows=st.lists(absence_rows(), max_size=25, unique_by=lambda r: (r.elev, r.dato)),
    delimiter=st.sampled_from([",", ";"]),
)
def test_valid_absence_rows_round_trip(rows: list[AbsenceRow], delimiter: str) -> None:
    numbered = [
        AbsenceRow(line, r.elev, r.dato, r.time, r.kind, r.minutter, r.validity, r.reason)
        for line, r in enumerate(rows, start=2)
    ]
    text = format_absences_csv(numbered, delimiter=delimiter)
    assert parse_absences(excel_bytes(text), SRC, ROSTER, CALENDAR) == numbered
    regs = absences_to_registrations(numbered, ROSTER, {}, "u", NOW)
    exported = registrations_to_rows(regs, ROSTER)
    again = absences_to_registrations(absences(format_absences_csv(exported)), ROSTER, {}, "u", NOW)
    assert as_marks(again) == as_marks(regs)
