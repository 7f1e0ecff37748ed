"""The command line speaks Norwegian, help and errors alike (issue 12, point 5), and imports
take the columns schools already have (point 8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fravaer_tui.cli import main
from fravaer_tui.domain.csvio import header_notes, parse_staff, parse_students

ENGLISH = re.compile(
    r"usage|options|positional arguments|show this help|invalid choice|the following arguments"
    r"|unrecognized|expected one|error:|argument |ambiguous|\bDATE\b|\bDATA\b|\bUSER\b|\bPERIOD\b",
)


def run(capsys, *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["register", "--help"],
        ["import", "nope", "x.csv"],
        ["register"],
        ["chek"],
        ["check", "--dat", "x"],
        ["demo", "--seed", "x"],
        ["check", "--bogus"],
        ["case", "step", "--help"],
    ],
    ids=" ".join,
)
def test_no_english_reaches_the_user(capsys, argv: list[str]) -> None:
    code, text = run(capsys, *argv)
    assert code in (0, 2)
    assert text.startswith("bruk: ") and not ENGLISH.search(text), text


def test_the_errors_say_what_was_wrong(capsys) -> None:
    assert "dette mangler: --class, --date, --period" in run(capsys, "register")[1]
    assert "ukjent valg «nope» (velg blant students" in run(capsys, "import", "nope", "x.csv")[1]
    assert "ukjent i kommandoen: --bogus" in run(capsys, "check", "--bogus")[1]
    assert "«x» er ikke et helt tall" in run(capsys, "demo", "--seed", "x")[1]


STUDENTS = (
    "Elevnummer;Etternavn, Fornavn;Klassenavn;Foresatt;Mobil;E-post\n"
    "E1;Nordmann, Ola Kristian;8A;Kari Nordmann;912 34 567;kari@example.com\n"
    "E2;Hansen, Per;8B;;;\n"
)


def test_the_columns_student_systems_and_excel_use_are_taken_and_named() -> None:
    students = parse_students(STUDENTS.encode(), "elever.csv")
    ola = students[0]
    assert (ola.id, ola.fornavn, ola.etternavn, ola.klasse) == (
        "E1",
        "Ola Kristian",
        "Nordmann",
        "8A",
    )
    assert ola.foresatte[0].telefon == "912 34 567" and ola.foresatte[0].epost
    notes = header_notes(STUDENTS.encode(), "elever.csv", "students")
    assert (
        "«Elevnummer» brukt som elev_id" in notes and "«Mobil» brukt som foresatt_telefon" in notes
    )
    assert any("«Etternavn, Fornavn» delt i fornavn og etternavn" in n for n in notes)
    whole = parse_students(b"elev_id;Navn;Basisgruppe\nE3;Anne Marie Olsen;9C\n", "x.csv")
    assert (whole[0].fornavn, whole[0].etternavn, whole[0].klasse) == ("Anne Marie", "Olsen", "9C")
    ours = "elev_id;fornavn;etternavn;klasse;klassenavn\nE4;Ida;Berg;8A;9Z\n"
    assert parse_students(ours.encode(), "x.csv")[0].klasse == "8A"  # our name wins
    staff = parse_staff(
        b"Ansattnummer;Fornavn;Etternavn;Stilling;Kontaktklasse;Brukernavn\n"
        b"A1;Frode;Rektor;rektor;;frode\n",
        "ansatte.csv",
    )
    assert (staff[0].id, staff[0].navn, staff[0].rolle.value) == ("A1", "Frode Rektor", "rektor")


def test_a_dry_run_writes_nothing_and_says_what_would_happen(
    capsys, tmp_path: Path, demo_dir: Path
) -> None:
    csv = tmp_path / "elever.csv"
    csv.write_text(STUDENTS, encoding="utf-8")
    empty = tmp_path / "ny"
    code, text = run(capsys, "--data", str(empty), "import", "students", str(csv), "--dry-run")
    assert code == 0 and not empty.exists()  # no school made by a dry run
    assert "prøvekjøring, ingenting er lagret" in text and "2 elever i 2 klasser" in text
    assert "Kolonne: «Klassenavn» brukt som klasse." in text
    before = sorted((p, p.stat().st_mtime_ns) for p in demo_dir.rglob("*") if p.is_file())
    code, text = run(
        capsys,
        "--data",
        str(demo_dir),
        "import",
        "students",
        str(csv),
        "--dry-run",
        "--user",
        "A001",
    )
    assert code == 0 and "ikke i filen (går ikke lenger på skolen): 75" in text
    after = sorted((p, p.stat().st_mtime_ns) for p in demo_dir.rglob("*") if p.is_file())
    assert after == before
