"""Vedlegg 1–4 and the year-end report exported to the elevmappe, read back with python-docx."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import os
import random
import shutil
import signal
import stat
import threading
import time
import tomllib
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from fravaer_tui.application import exports
from fravaer_tui.application.school import School, open_school, run_check
from fravaer_tui.application.session import AccessDenied, Session
from fravaer_tui.cli import main
from fravaer_tui.documents.filling import read_text
from fravaer_tui.documents.forms import FORMS, initialer
from fravaer_tui.domain.followup import Tiltak
from fravaer_tui.domain.model import Foresatt, MarkType, Role, Staff, Student
from fravaer_tui.domain.schoolcalendar import school_year_name
from fravaer_tui.domain.yearreport import KANDIDAT_MERKNAD, report_rows, year_report
from tests.conftest import DEMO_UNTIL, clock
from tests.forked import Forked

TODAY = DEMO_UNTIL
NOW = dt.datetime(2026, 11, 20, 12, 0)
YEAR = school_year_name(TODAY)
REPO = Path(__file__).resolve().parents[2]

FORNAVN = "Åse-Marie"
ETTERNAVN = "O'Brien Lærdal"
NAVN = f"{FORNAVN} {ETTERNAVN}"
FORESATTE = (Foresatt("Siri Lærdal", "012 34 567"), Foresatt("Tom Nilsen-Bø", "098 76 543"))
NAME_PARTS = ("Åse", "Marie", "O'Brien", "Lærdal", "Siri", "Nilsen-Bø", NAVN)


def staff(school: School, role: Role, klasse: str | None = None) -> Staff:
    return next(
        s
        for s in school.roster.staff
        if s.rolle is role and (klasse is None or klasse in s.klasser)
    )


def answers() -> dict[str, str]:
    found = {}
    for nr in (1, 2):
        for q in FORMS[nr].questions:
            found[q.id] = f"Svar {q.id}: «{q.number}» & <ok>\nandre linje"
    found["sted"] = "Møterom «Fjord»"
    found["ledelsen_tilbakemelding"] = f"Avdelingsleder snakker med {NAVN} og Siri Lærdal."
    found["plan_a_sted"] = "Hovedinngangen"
    found["plan_b_avtaler"] = "Foresatte ringer før 08:15"
    return found


class Setup:
    def __init__(self, demo_dir: Path) -> None:
        school = open_school(demo_dir, clock=clock)
        result = run_check(school, TODAY)
        alert = next(a for a in result.alerts if a.regel == "hoyt_fravaer")
        # The flagged student gets a name with æøå, a hyphen and an apostrophe.
        students = [
            replace(s, fornavn=FORNAVN, etternavn=ETTERNAVN, foresatte=FORESATTE)
            if s.id == alert.elev
            else s
            for s in school.roster.students
        ]
        school.store.write_roster(students=students)
        self.dir = demo_dir
        self.school = school = open_school(demo_dir, clock=clock)
        self.student: Student = school.roster.student(alert.elev)
        self.klasse = self.student.klasse
        self.kontakt = staff(school, Role.KONTAKTLAERER, self.klasse)
        session = Session(school, self.kontakt)
        case = session.open_case(alert, TODAY, NOW)
        case = session.set_fields(case, answers(), TODAY, NOW)
        case = session.add_tiltak(
            case,
            Tiltak("T1", "Møte eleven i skolegården", self.kontakt.id, TODAY, 2, True),
            TODAY,
            NOW,
        )
        case = session.add_tiltak(
            case, Tiltak("T2", "Fast leggetid", "Siri Lærdal (mor)", TODAY, 3), TODAY, NOW
        )
        self.case = session.record_step(case, "kontakt_hjem", TODAY, NOW, "ringte mor")
        self.folder = (
            demo_dir / "elevmapper" / YEAR / self.klasse / f"{ETTERNAVN} {FORNAVN} ({alert.elev})"
        )

    def export(self, nr: int, **kwargs):
        return exports.export_vedlegg(
            self.school, self.kontakt, self.student.id, nr, TODAY, now=NOW, **kwargs
        )


@pytest.fixture
def setup(demo_dir: Path) -> Setup:
    return Setup(demo_dir)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def layout(document: DocxDocument) -> list[tuple[str, ...]]:
    """Every table row of the body as its cells' texts (a merged cell once), in order."""
    rows = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    if not cells or cells[-1][0] is not cell._tc:
                        cells.append((cell._tc, cell.text))
                rows.append(tuple(text for _, text in cells))
        else:
            assert isinstance(block, Paragraph)
    return rows


def fact(rows: list[tuple[str, ...]], label: str) -> str:
    [value] = [row[1] for row in rows if len(row) == 2 and row[0] == label]
    return value


def box(rows: list[tuple[str, ...]], label_start: str) -> str:
    [i] = [i for i, row in enumerate(rows) if len(row) == 1 and row[0].startswith(label_start)]
    return rows[i + 1][0]


def answer(rows: list[tuple[str, ...]], number: int, question: str) -> str:
    [value] = [
        row[2]
        for row in rows
        if len(row) == 3 and row[0] == str(number) and row[1].startswith(question)
    ]
    return value


# ---------------------------------------------------------------------------
# Vedlegg 1–4


def test_all_four_are_filled_from_the_case_where_each_value_belongs(setup: Setup) -> None:
    values = exports.vedlegg_values(setup.school, setup.kontakt, setup.student, setup.case, TODAY)
    typed = answers()
    kontaktlaerer = setup.kontakt.navn
    foresatte = "Siri Lærdal (tlf. 012 34 567)\nTom Nilsen-Bø (tlf. 098 76 543)"
    assert values["foresatte"] == foresatte
    assert values["kontaktlaerer"] == kontaktlaerer
    assert values["elev_initialer"] == initialer(NAVN) == "ÅMOL"
    summary = values["fravaer_sammendrag"]
    assert summary.startswith("Høstsemesteret 2026 (01.08.2026–20.11.2026): fravær i ")
    assert "Høyt fravær:" in summary and "timer (à 60 minutter)" in summary
    tiltak = values["tiltak"]
    assert tiltak.splitlines() == [
        f"a. Møte eleven i skolegården (ansvar: {kontaktlaerer}; fra 20.11.2026; "
        "prøves i 2 uker, til 03.12.2026)",
        "b. Fast leggetid (ansvar: Siri Lærdal (mor); fra 20.11.2026; "
        "prøves i 3 uker, til 10.12.2026)",
    ]
    # Strand: the plan is tried 2 weeks from the meeting; not held yet, so from today.
    assert values["plan_evalueringsdato"] == "04.12.2026"

    for nr, spec in FORMS.items():
        path, report = setup.export(nr)
        assert report.complete, report
        assert set(report.filled) == set(spec.placeholders)
        text = read_text(path)
        assert "{{" not in text and "}}" not in text
        document = docx.Document(str(path))
        rows = layout(document)
        header = document.sections[0].header.paragraphs[0].text
        assert header.startswith(setup.school.config.navn + "\t")
        assert fact(rows, "Dato") == "20.11.2026"
        if nr in (1, 2):
            assert fact(rows, "Intervjuers navn") == kontaktlaerer
            assert fact(rows, "Elevens navn") == NAVN
            assert fact(rows, "Klasse") == setup.klasse
            assert fact(rows, "Elevens kontaktlærer") == kontaktlaerer
            assert fact(rows, "Sted for intervju") == "Møterom «Fjord»"
            assert fact(rows, "Skole") == setup.school.config.navn
            assert fact(rows, "Foresatte" if nr == 1 else "Foresattes navn") == foresatte
            for q in spec.questions:
                assert answer(rows, q.number, q.text) == typed[q.id], q.id
            assert box(rows, "Tiltak – hvem") == tiltak
        if nr in (1, 2, 3):
            assert box(rows, "Omfanget av fraværet") == values["fravaer_sammendrag"]
        if nr == 4:
            assert fact(rows, "Elev") == NAVN
            assert fact(rows, "Kontaktlærer") == kontaktlaerer
            assert fact(rows, "Foresatt") == foresatte
            assert fact(rows, "Sted") == "Hovedinngangen"
            assert fact(rows, "Dato for evaluering:") == "04.12.2026"
            assert [r[1] for r in rows if r[0] == "Andre avtaler:"] == [
                "Foresatte ringer før 08:15",
                "",
            ]


def test_vedlegg3_carries_the_initials_and_no_name(setup: Setup) -> None:
    path, report = setup.export(3)
    assert report.complete
    assert path.name == "2026-11-20 Vedlegg 3 Oppfølging av fravær til ledelsen.docx"
    text = read_text(path)
    for part in NAME_PARTS:
        assert part not in text, part
    rows = layout(docx.Document(str(path)))
    assert fact(rows, "Elevens initialer") == "ÅMOL"
    # typed text that named the student and a foresatt now carries initials
    assert answer(rows, 3, "Tilbakemelding") == "Avdelingsleder snakker med ÅMOL og SL."
    assert "b. Fast leggetid (ansvar: SL (mor);" in answer(rows, 1, "Kontaktlærer noterer")
    assert "Vedlegg 3 – ÅMOL" in docx.Document(str(path)).sections[0].footer.paragraphs[0].text


def test_form_values_keeps_names_out_of_vedlegg3_only(setup: Setup) -> None:
    values = exports.vedlegg_values(setup.school, setup.kontakt, setup.student, setup.case, TODAY)
    v3 = exports.form_values(3, values, setup.student)
    assert "elev_navn" not in v3 and "foresatte" not in v3
    assert not any(NAVN in v or FORNAVN in v or ETTERNAVN in v for v in v3.values())
    assert exports.form_values(1, values, setup.student)["ledelsen_tilbakemelding"].count(NAVN)


def test_files_go_to_the_elevmappe_private_and_never_overwrite(setup: Setup) -> None:
    first, _ = setup.export(1)
    assert first == setup.folder / "2026-11-20 Vedlegg 1 Kartleggingssamtale med elev.docx"
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    for folder in (setup.folder, *list(setup.folder.parents)[:3]):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert setup.folder.parents[2] == setup.dir / "elevmapper"
    before = first.read_bytes()
    second, _ = setup.export(1)
    third, _ = setup.export(1)
    assert second.name == "2026-11-20 Vedlegg 1 Kartleggingssamtale med elev (2).docx"
    assert third.name == "2026-11-20 Vedlegg 1 Kartleggingssamtale med elev (3).docx"
    assert first.read_bytes() == before
    assert stat.S_IMODE(second.stat().st_mode) == 0o600
    assert not list(setup.folder.glob(".*"))  # no temp files left
    audit = [e for e in setup.school.store.log.read() if e["hva"] == "eksport"]
    assert [(e["vedlegg"], e["fil"], e["av"]) for e in audit] == [
        (1, str(p), setup.kontakt.id) for p in (first, second, third)
    ]
    assert audit[0]["sak"] == setup.case.id and audit[0]["elev"] == setup.student.id


def test_the_root_comes_from_skole_toml_and_out_overrides_it(setup: Setup, tmp_path: Path):
    store = setup.school.store
    store.write_config(replace(setup.school.config, elevmapper="arkiv/elevmapper"))
    school = open_school(setup.dir, clock=clock)
    assert exports.elevmappe_root(school) == setup.dir / "arkiv" / "elevmapper"
    path, _ = exports.export_vedlegg(school, setup.kontakt, setup.student.id, 2, TODAY, now=NOW)
    assert path.parent == (
        setup.dir / "arkiv" / "elevmapper" / YEAR / setup.klasse / setup.folder.name
    )
    out = tmp_path / "ut" / "her"
    path, _ = exports.export_vedlegg(
        school, setup.kontakt, setup.student.id, 3, TODAY, out, now=NOW
    )
    assert path.parent == out and stat.S_IMODE(out.stat().st_mode) == 0o700
    assert path.name == (
        f"2026-11-20 Vedlegg 3 Oppfølging av fravær til ledelsen – ÅMOL ({setup.student.id}).docx"
    )
    path, _ = exports.export_vedlegg(
        school, setup.kontakt, setup.student.id, 1, TODAY, out, now=NOW
    )
    assert path.name == (
        f"2026-11-20 Vedlegg 1 Kartleggingssamtale med elev – {ETTERNAVN} {FORNAVN} "
        f"({setup.student.id}).docx"
    )


def test_names_keep_their_letters_only_slash_and_control_characters_go() -> None:
    assert exports.safe_name("O'Brien Lærdal Åse-Marie (E1)") == "O'Brien Lærdal Åse-Marie (E1)"
    assert exports.safe_name("A/S Bø\x00\n ") == "AS Bø"
    assert exports.safe_name("..") == exports.safe_name("/") == "_"


def test_taking_a_name_is_atomic_under_concurrency(tmp_path: Path) -> None:
    got: list[Path] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            path = exports.write_new_file(tmp_path, "2026-11-20 Vedlegg 1", ".docx", b"PK")
            with lock:
                got.append(path)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == len(set(got)) == 40
    assert (tmp_path / "2026-11-20 Vedlegg 1 (40).docx") in got


def test_a_folder_without_hard_links_still_gets_each_export_under_a_name_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some network shares (an elevmappe on a school's file server) refuse hard links."""

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", refused)
    first = exports.write_new_file(tmp_path, "2026-11-20 Vedlegg 1", ".docx", b"first")
    second = exports.write_new_file(tmp_path, "2026-11-20 Vedlegg 1", ".docx", b"second")
    assert (first.name, first.read_bytes()) == ("2026-11-20 Vedlegg 1.docx", b"first")
    assert (second.name, second.read_bytes()) == ("2026-11-20 Vedlegg 1 (2).docx", b"second")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, second.name])
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


@pytest.mark.parametrize("links", [True, False], ids=["hard links", "no hard links"])
def test_a_folder_with_every_name_taken_is_refused_in_words_and_gets_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: bool
) -> None:
    """After 999 exports of one form on one day the next is refused, saying so; nothing is
    overwritten and no temporary file is left behind, with or without hard links."""
    stem = "=2026-11-20 Vedlegg 1"  # a name starting with «=» is a name like any other
    taken = {f"{stem}.docx", *(f"{stem} ({n}).docx" for n in range(2, exports.MAX_VERSIONS + 1))}
    for name in taken:
        (tmp_path / name).write_bytes(b"old")
    if not links:

        def refused(*args: object, **kwargs: object) -> None:
            raise PermissionError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(os, "link", refused)
    with pytest.raises(exports.UserError, match=f"{exports.MAX_VERSIONS} versjoner"):
        exports.write_new_file(tmp_path, stem, ".docx", b"new")
    assert {p.name for p in tmp_path.iterdir()} == taken
    assert {p.read_bytes() for p in tmp_path.iterdir()} == {b"old"}


def test_exports_killed_at_random_instants_leave_no_empty_or_half_document(
    demo_dir: Path, tmp_path: Path
) -> None:
    """kill -9 while a class's year reports are written (a careless admin, a server going
    down): every file under an export's name is a whole document. An empty file under its
    name was left before, when the process died between taking the name and writing it.
    The next export into the folder takes the killed ones' temporary files away."""
    out = tmp_path / "ut"
    argv = ["--data", str(demo_dir), "--user", "A001", "export", "report", "--class", "8A"]
    argv += ["--date", "20.11.2026", "--out", str(out)]
    rng = random.Random(5)
    for _ in range(6):
        proc = Forked(main, argv, cwd=REPO)
        time.sleep(rng.uniform(0.05, 0.6))  # the class's 25 reports take a second or two
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    done = Forked(main, argv, cwd=REPO)
    _, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    files = sorted(out.iterdir())
    assert files and not [p.name for p in files if p.name.startswith(".")]
    for path in files:
        if path.suffix == ".docx":
            docx.Document(str(path))  # opens: a whole document, neither empty nor cut
        else:
            assert path.suffix == ".csv" and path.read_bytes().startswith(b"\xef\xbb\xbf")


def _restyled(source: Path, target: Path, extra: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for spec in FORMS.values():
        shutil.copy(source / spec.file_name, target / spec.file_name)
    document = docx.Document(str(target / FORMS[1].file_name))
    paragraph = document.add_paragraph("Underskrift: ")
    for piece in ("{{", "rektor_", "signatur", "}}"):  # split over runs, as Word does
        paragraph.add_run(piece).bold = True
    paragraph.add_run(f" {extra}")
    document.save(str(target / FORMS[1].file_name))


def test_a_restyled_template_with_an_unknown_placeholder_is_filled_and_reported(
    setup: Setup, tmp_path: Path, capsys
) -> None:
    # the school's own copy in <data>/maler wins over the shipped one
    _restyled(exports.templates_dir(), setup.dir / "maler", "Elev: {{elev_navn}}")
    path, report = setup.export(1)
    assert report.unknown == ("rektor_signatur",)
    assert not report.complete
    text = read_text(path)
    assert "{{rektor_signatur}}" in text and f"Elev: {NAVN}" in text
    warning = exports.fill_warning(report)
    assert "{{rektor_signatur}}" in warning and warning.startswith("Advarsel")
    entry = setup.school.store.log.read()[-1]
    assert entry["ukjente_felt"] == ["rektor_signatur"]
    assert entry["mal"] == str(setup.dir / "maler" / FORMS[1].file_name)

    # or a folder given by the caller
    other = tmp_path / "maler"
    _restyled(exports.templates_dir(), other, "")
    _, report = setup.export(1, templates=other)
    assert report.unknown == ("rektor_signatur",)

    # the CLI exports and warns
    code, out, err = run(
        capsys,
        "--data",
        str(setup.dir),
        "export",
        "vedlegg",
        "1",
        "--student",
        setup.student.id,
        "--user",
        setup.kontakt.id,
        "--date",
        "2026-11-20",
    )
    assert code == 0
    assert "er lagret i" in out and "(3).docx" in out
    assert "Advarsel" in err and "{{rektor_signatur}}" in err


def test_the_shipped_templates_are_found_and_go_into_the_wheel() -> None:
    folder = exports.templates_dir()
    assert all((folder / spec.file_name).is_file() for spec in FORMS.values())
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    include = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include["templates"] == "fravaer_tui/templates"


def test_only_the_kontaktlaerer_and_ledelsen_may_export(setup: Setup, capsys) -> None:
    school = setup.school
    faglaerer = staff(school, Role.FAGLAERER)
    other_kontakt = next(
        s for s in school.roster.staff if s.rolle is Role.KONTAKTLAERER and s.id != setup.kontakt.id
    )
    for user in (faglaerer, other_kontakt):
        with pytest.raises(AccessDenied):
            exports.export_vedlegg(school, user, setup.student.id, 1, TODAY, now=NOW)
        with pytest.raises(AccessDenied):
            exports.export_report(school, user, elev=setup.student.id, dato=TODAY, now=NOW)
        with pytest.raises(AccessDenied):
            exports.vedlegg_values(school, user, setup.student, None, TODAY)
    assert not (setup.dir / "elevmapper").exists()
    code, out, err = run(
        capsys,
        "--data",
        str(setup.dir),
        "export",
        "vedlegg",
        "2",
        "--student",
        setup.student.id,
        "--user",
        faglaerer.id,
    )
    assert code == 1 and out == ""
    assert "har ikke tilgang" in err and "Traceback" not in err
    rektor = staff(school, Role.REKTOR)
    path, _ = exports.export_vedlegg(school, rektor, setup.student.id, 4, TODAY, now=NOW)
    assert path.is_file()


def test_a_student_without_a_case_gets_the_facts_and_empty_answers(setup: Setup) -> None:
    other = next(s for s in setup.school.roster.students_in(setup.klasse) if s != setup.student)
    path, report = exports.export_vedlegg(setup.school, setup.kontakt, other.id, 1, TODAY, now=NOW)
    assert report.complete
    rows = layout(docx.Document(str(path)))
    assert fact(rows, "Elevens navn") == other.navn
    assert answer(rows, 1, FORMS[1].questions[0].text) == ""
    assert box(rows, "Tiltak – hvem") == ""


# ---------------------------------------------------------------------------
# The CLI


def test_cli_exports_each_vedlegg_and_says_where(setup: Setup, tmp_path: Path, capsys) -> None:
    base = ["--data", str(setup.dir), "export", "vedlegg"]
    for nr in ("1", "2", "3", "4"):
        code, out, err = run(
            capsys, *base, nr, "--student", setup.student.id, "--user", setup.kontakt.id
        )
        assert code == 0, err
        assert out.startswith(f"Vedlegg {nr} for {NAVN} ({setup.student.id}) er lagret i ")
        path = Path(out.strip().split(" er lagret i ", 1)[1])
        assert path.is_file() and path.parent.name == setup.folder.name
    code, out, _ = run(
        capsys,
        *base,
        "2",
        "--student",
        setup.student.id,
        "--out",
        str(tmp_path / "ut"),
        "--user",
        setup.kontakt.brukernavn,
    )
    assert code == 0
    assert str(tmp_path / "ut") in out and len(list((tmp_path / "ut").iterdir())) == 1
    code, _, err = run(capsys, *base, "1", "--student", "E9999", "--user", setup.kontakt.id)
    assert code == 1 and "Ukjent elev «E9999»" in err
    with pytest.raises(SystemExit) as usage:
        main([*base, "5", "--student", setup.student.id])
    assert usage.value.code == 2


def test_cli_on_a_real_school_refuses_a_login_not_on_the_staff_list(
    setup: Setup, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    config = setup.dir / "skole.toml"
    config.write_text(config.read_text("utf-8").replace("demo = true", ""), "utf-8")
    monkeypatch.setattr("getpass.getuser", lambda: "driftsadmin")
    for argv in (
        ["vedlegg", "1", "--student", setup.student.id],
        ["report", "--class", setup.klasse],
    ):
        code, out, err = run(capsys, "--data", str(setup.dir), "export", *argv)
        assert code == 1 and out == ""
        assert "«driftsadmin»" in err and "ansattlisten" in err
        rektor = staff(setup.school, Role.REKTOR)
        code, out, err = run(capsys, "--data", str(setup.dir), "export", *argv, "--user", rektor.id)
        assert code == 1 and "--user kan bare brukes på demoskolen" in err


def test_cli_export_absences_is_unchanged(setup: Setup, tmp_path: Path, capsys) -> None:
    code, to_screen, _ = run(capsys, "--data", str(setup.dir), "export", "absences")
    assert code == 0 and to_screen.startswith("elev_id,dato,time,type")
    target = tmp_path / "fravaer.csv"
    code, _, err = run(capsys, "--data", str(setup.dir), "export", "absences", "--out", str(target))
    assert code == 0 and "eksportert til" in err
    assert target.read_bytes().decode("utf-8") == to_screen
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    again = tmp_path / "igjen.csv"
    code, _, _ = run(capsys, "--data", str(setup.dir), "export", "--out", str(again), "absences")
    assert code == 0 and again.read_bytes().decode("utf-8") == to_screen


# ---------------------------------------------------------------------------
# The year-end report


def _whole_days_by_hand(school: School, student: Student) -> int:
    """Days the student was marked absent (fravær/forlot) in every timetable lesson."""
    data = school.store.load_class(YEAR, student.klasse)
    absent: dict[dt.date, set[int]] = {}
    for reg in data.registrations:
        mark = reg.mark_for(student.id)
        if reg.dato <= TODAY and mark is not None and mark.kind is not MarkType.SENT:
            absent.setdefault(reg.dato, set()).add(reg.time)
    whole = 0
    for dato, times in absent.items():
        slots = {s.time for s in school.roster.slots(student.klasse, dato.isoweekday())}
        if school.calendar.is_school_day(dato) and slots and slots <= times:
            whole += 1
    return whole


def _csv_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads æøå right only with the BOM
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_year_report_for_a_student_matches_yearreport(setup: Setup) -> None:
    school, student = setup.school, setup.student
    paths = exports.export_report(school, setup.kontakt, elev=student.id, dato=TODAY, now=NOW)
    document, table = paths
    assert document == setup.folder / f"2026-11-20 Fraværsrapport {YEAR}.docx"
    assert table == setup.folder.parent / (
        f"2026-11-20 Fraværsrapport {YEAR} {ETTERNAVN} {FORNAVN} ({student.id}).csv"
    )
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    data = school.store.load_class(YEAR, student.klasse)
    expected = year_report(
        student, school.roster, school.calendar, data.registrations, data.meldinger, YEAR, TODAY
    )
    whole = _whole_days_by_hand(school, student)
    assert whole == expected.year.days > 0  # the hand count agrees with yearreport

    rows = layout(docx.Document(str(document)))
    assert fact(rows, "Elev") == NAVN and fact(rows, "Klasse") == student.klasse
    year_row = next(r for r in rows if r[0] == "Skoleåret")
    hours = f"{expected.year.minutes / 60:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    assert year_row[1:5] == (
        str(whole),
        hours,
        str(expected.year.partial_days),
        f"{expected.year.lessons_absent} av {expected.year.lessons_held}",
    )
    host_row = next(r for r in rows if r[0] == "Høst")
    assert host_row[1] == str(expected.host.days)
    assert next(r for r in rows if r[0] == "Vår")[1] == "–"  # the spring has not begun
    text = read_text(document)
    assert f"{expected.vitnemal_days} dager og {hours} timer" in text
    assert KANDIDAT_MERKNAD in text
    assert f"20.11.2026 Kontakt med foresatte ({setup.kontakt.navn})" in text
    candidates = [
        r for r in rows if len(r) == 3 and r[2] in ("ja", "nei, over grensen på 10 dager")
    ]
    assert len(candidates) == len(expected.candidates)

    [row] = _csv_rows(table)
    assert row["Elev"] == NAVN
    assert row["Skoleår fraværsdager"] == str(whole)
    step = f"20.11.2026 Kontakt med foresatte ({setup.kontakt.navn})"
    assert row == report_rows([replace(expected, steps=(step,))])[0]
    audit = [e for e in school.store.log.read() if e["hva"] == "eksport"]
    assert [e["fil"] for e in audit] == [str(p) for p in paths]


def test_year_report_for_a_whole_class(setup: Setup, tmp_path: Path, capsys) -> None:
    school = setup.school
    students = school.roster.students_in(setup.klasse)
    paths = exports.export_report(
        school, staff(school, Role.REKTOR), klasse=setup.klasse, dato=TODAY, now=NOW
    )
    assert len(paths) == len(students) + 1
    class_dir = setup.dir / "elevmapper" / YEAR / setup.klasse
    for student, path in zip(students, paths, strict=False):
        assert path.parent == class_dir / exports.student_folder_name(student)
    assert paths[-1] == class_dir / f"2026-11-20 Fraværsrapport {YEAR} {setup.klasse}.csv"
    rows = _csv_rows(paths[-1])
    assert [r["Elev-ID"] for r in rows] == [s.id for s in students]
    mine = next(r for r in rows if r["Elev-ID"] == setup.student.id)
    assert mine["Skoleår fraværsdager"] == str(_whole_days_by_hand(school, setup.student))

    out = tmp_path / "rapporter"
    code, printed, err = run(
        capsys,
        "--data",
        str(setup.dir),
        "export",
        "report",
        "--class",
        setup.klasse,
        "--out",
        str(out),
        "--user",
        setup.kontakt.id,
        "--date",
        "20.11.2026",
    )
    assert code == 0, err
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == len(students) + 1
    assert (
        f"2026-11-20 Fraværsrapport {YEAR} – {ETTERNAVN} {FORNAVN} ({setup.student.id}).docx"
        in (files)
    )
    assert printed.count("Årsrapport lagret i ") == len(students)
    assert f"CSV for Excel lagret i {out}" in printed
    assert f"{len(students)} årsrapporter for klasse {setup.klasse}" in printed

    code, _, err = run(
        capsys, "--data", str(setup.dir), "export", "report", "--class", "7Z", "--user", "A001"
    )
    assert code == 1 and "Ukjent klasse «7Z»" in err
    faglaerer = staff(school, Role.FAGLAERER)
    code, _, err = run(
        capsys,
        "--data",
        str(setup.dir),
        "export",
        "report",
        "--student",
        setup.student.id,
        "--user",
        faglaerer.id,
    )
    assert code == 1 and "har ikke tilgang" in err


def test_vedlegg_3_replaces_single_given_names_and_a_parents_name() -> None:
    from fravaer_tui.application.exports import form_values
    from fravaer_tui.domain.model import Foresatt, Student

    student = Student("E1", "Ola Jakob", "Nordmann", "8A", (Foresatt("Kari Nordmann"),))
    text = "Ola har vært borte. Jakob sier at mor Kari ringte."
    values = form_values(3, {"ledelsen_tilbakemelding": text, "skole": "X"}, student)
    assert values["ledelsen_tilbakemelding"] == "OJN har vært borte. OJN sier at mor KN ringte."
