"""The `fravaer` command's contract, run in process (and once as the installed script)."""

from __future__ import annotations

import datetime as dt
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fravaer_tui.application.school import open_school, run_check
from fravaer_tui.cli import main
from fravaer_tui.domain.model import MarkType
from fravaer_tui.domain.schoolcalendar import school_year_name
from fravaer_tui.store.store import access_problem
from tests.conftest import DEMO_UNTIL

NOW = "2026-11-20 15:00"  # the CLI's clock in these tests (the demo's last school day)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--now", NOW, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def register(capsys: pytest.CaptureFixture[str], data: Path, *argv: str) -> tuple[int, str, str]:
    """`fravaer --data DATA register ARGV…`."""
    return run(capsys, "--data", str(data), "register", *argv)


def a_lesson(data: Path) -> tuple[str, dt.date, int, list[str]]:
    school = open_school(data)
    klasse = school.roster.classes[0]
    dato = DEMO_UNTIL
    period = school.roster.slots(klasse, dato.isoweekday())[0].time
    students = [s.id for s in school.roster.students_in(klasse)]
    return klasse, dato, period, students


def test_demo_is_deterministic_and_private(tmp_path: Path, capsys) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        code, out, _ = run(
            capsys,
            "--data",
            str(folder),
            "demo",
            "--students",
            "50",
            "--seed",
            "9",
            "--until",
            "2026-10-01",
        )
        assert code == 0
        assert "50 elever" in out
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.json"))
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*.json"))
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes()
        assert stat.S_IMODE((a / rel).stat().st_mode) == 0o600
    assert stat.S_IMODE(a.stat().st_mode) == 0o700


def test_demo_refuses_a_real_school(demo_dir: Path, capsys) -> None:
    config = demo_dir / "skole.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("demo = true", ""), "utf-8")
    before = sorted(p.name for p in demo_dir.rglob("*"))
    code, _, err = run(capsys, "--data", str(demo_dir), "demo")
    assert code == 1
    assert "ekte skole" in err
    assert sorted(p.name for p in demo_dir.rglob("*")) == before


def test_register_saves_exactly_the_lesson_and_replaces_it(demo_dir: Path, capsys) -> None:
    klasse, dato, period, students = a_lesson(demo_dir)
    teacher = open_school(demo_dir).roster.staff[0].id
    code, out, err = register(
        capsys,
        demo_dir,
        "--class",
        klasse,
        "--date",
        dato.strftime("%d.%m.%Y"),
        "--period",
        str(period),
        "--absent",
        f"{students[0]},{students[1]}",
        "--late",
        f"{students[2]}:7",
        "--user",
        teacher,
    )
    assert code == 0, err
    assert "2 fravær, 1 sent" in out
    reg = open_school(demo_dir).store.load_class(school_year_name(dato), klasse)
    saved = next(r for r in reg.registrations if r.dato == dato and r.time == period)
    assert saved.av == teacher
    assert {(m.elev, m.kind, m.minutter) for m in saved.marks} == {
        (students[0], MarkType.FRAVAER, None),
        (students[1], MarkType.FRAVAER, None),
        (students[2], MarkType.SENT, 7),
    }
    code, out, _ = register(
        capsys,
        demo_dir,
        "--class",
        klasse,
        "--date",
        dato.isoformat(),
        "--period",
        str(period),
        "--left",
        students[3],
        "--user",
        teacher,
    )
    assert code == 0 and "endret" in out
    reg = open_school(demo_dir).store.load_class(school_year_name(dato), klasse)
    saved = [r for r in reg.registrations if r.dato == dato and r.time == period]
    assert len(saved) == 1
    assert [(m.elev, m.kind) for m in saved[0].marks] == [(students[3], MarkType.FORLOT)]
    audit = open_school(demo_dir).store.log.read()
    assert [e["hva"] for e in audit[-2:]] == ["registrering_endret", "registrering_endret"]
    assert audit[-1]["for"]["marks"] and audit[-1]["etter"]["marks"][0]["type"] == "forlot"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--class", "9Z"], "Ukjent klasse «9Z»"),
        (["--date", "2026-11-15"], "ikke en skoledag (helg)"),
        (["--date", "2026-09-30"], "ikke en skoledag (Høstferie)"),
        (["--period", "9"], "ingen 9. time"),
        (["--absent", "E9999"], "går ikke i"),
        (["--late", "{s}:abc"], "MINUTTER"),
        (["--late", "{s}:500"], "Minutter for sent må være"),
        (["--user", "nobody"], "Fant ingen ansatt"),
    ],
)
def test_register_user_errors(demo_dir: Path, capsys, args: list[str], message: str) -> None:
    klasse, dato, period, students = a_lesson(demo_dir)
    base = {
        "--class": klasse,
        "--date": dato.isoformat(),
        "--period": str(period),
        "--user": open_school(demo_dir).roster.staff[0].id,
    }
    extra = {}
    for key, value in zip(args[::2], args[1::2], strict=True):
        (base if key in base else extra)[key] = value.format(s=students[0])
    argv = ["--data", str(demo_dir), "register"]
    for key, value in {**base, **extra}.items():
        argv += [key, value]
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert message in err
    assert "Traceback" not in err


def test_check_json_has_the_contract_fields(demo_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "--data", str(demo_dir), "check", "--date", "2026-11-20", "--json")
    assert code == 0
    alerts = json.loads(out)
    assert alerts, "the demo school should have students over the thresholds"
    for alert in alerts:
        assert {"elev_id", "regel", "dato", "antall", "klasse"} <= alert.keys()
        assert alert["antall"] >= alert["terskel"]
        assert alert["dato"] <= "2026-11-20"
    assert {a["regel"] for a in alerts} >= {"ugyldig_fravaer", "hoyt_fravaer"}


def test_check_table_and_profiles(demo_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "--data", str(demo_dir), "check", "--date", "20.11.2026")
    assert code == 0
    assert "Varsler per 20.11.2026" in out and "Strand kommune" in out
    code, hole, _ = run(
        capsys,
        "--data",
        str(demo_dir),
        "check",
        "--date",
        "20.11.2026",
        "--profile",
        "hole",
        "--json",
    )
    assert code == 0
    assert "sammenhengende_uten_melding" not in {a["regel"] for a in json.loads(hole)}
    code, _, err = run(capsys, "--data", str(demo_dir), "check", "--profile", "oslo")
    assert code == 1 and "Fant ikke regelprofilen «oslo»" in err


def test_a_melding_clears_ugyldig_fravaer(demo_dir: Path, capsys) -> None:
    klasse, dato, period, students = a_lesson(demo_dir)
    school = open_school(demo_dir)

    def ugyldig(elev: str) -> list[dict]:
        _, out, _ = run(
            capsys, "--data", str(demo_dir), "check", "--date", dato.isoformat(), "--json"
        )
        return [
            a for a in json.loads(out) if a["elev_id"] == elev and a["regel"] == "ugyldig_fravaer"
        ]

    elev = next(s for s in students if not ugyldig(s))
    register(
        capsys,
        demo_dir,
        "--class",
        klasse,
        "--date",
        dato.isoformat(),
        "--period",
        str(period),
        "--absent",
        elev,
        "--user",
        school.roster.staff[0].id,
    )
    alerts = ugyldig(elev)
    assert alerts and alerts[0]["dato"] == dato.isoformat() and alerts[0]["antall"] == 1

    from fravaer_tui.domain.model import Melding, Reason

    school.store.add_meldinger(
        school_year_name(dato),
        klasse,
        [Melding("T1", elev, dato, dato, Reason.SYKDOM, av="test")],
        dt.datetime(2026, 11, 20, 12),
    )
    assert ugyldig(elev) == []


def test_export_import_round_trip(demo_dir: Path, tmp_path: Path, capsys) -> None:
    out_file = tmp_path / "fravaer.csv"
    code, _, _ = run(capsys, "--data", str(demo_dir), "export", "absences", "--out", str(out_file))
    assert code == 0
    exported = out_file.read_bytes().decode("utf-8")
    assert exported.startswith("elev_id,dato,time,type,minutter,gyldighet,aarsak")

    fresh = tmp_path / "fresh"
    fresh.mkdir(mode=0o700)
    shutil.copy(demo_dir / "skole.toml", fresh / "skole.toml")
    shutil.copy(demo_dir / "skole.json", fresh / "skole.json")
    code, out, err = run(capsys, "--data", str(fresh), "import", "absences", str(out_file))
    assert code == 0, err
    imported = [e for e in open_school(fresh).store.log.read() if e["hva"] == "import"]
    assert imported and all(e["etter"]["marks"] for e in imported if "etter" in e)
    code, again, _ = run(capsys, "--data", str(fresh), "export", "absences")
    assert code == 0
    assert again == exported

    code, a, _ = run(capsys, "--data", str(demo_dir), "check", "--date", "2026-11-20", "--json")
    code, b, _ = run(capsys, "--data", str(fresh), "check", "--date", "2026-11-20", "--json")
    strip = lambda rows: [(r["elev_id"], r["regel"], r["antall"]) for r in json.loads(rows)]  # noqa: E731
    # meldinger are not part of the absence export, so compare the validity-free rules only
    keep = {"hoyt_fravaer", "forsentkomming", "forlater_skolen"}
    assert [r for r in strip(a) if r[1] in keep] == [r for r in strip(b) if r[1] in keep]


def test_import_bad_file_is_rejected_whole(demo_dir: Path, tmp_path: Path, capsys) -> None:
    school = open_school(demo_dir)
    elev = school.roster.students[0].id
    bad = tmp_path / "fravaer.csv"
    bad.write_text(
        "elev_id;dato;time;type;minutter;gyldighet;aarsak\n"
        f"{elev};19.11.2026;1;fravaer;;;\n"
        "E9999;19.11.2026;1;fravaer;;;\n",
        encoding="utf-8",
    )
    before = {p: p.read_bytes() for p in demo_dir.rglob("*.json") if ".cache" not in p.parts}
    code, _, err = run(capsys, "--data", str(demo_dir), "import", "absences", str(bad))
    assert code == 1
    assert str(bad) in err and "linje 3" in err and "elev_id" in err
    after = {p: p.read_bytes() for p in demo_dir.rglob("*.json") if ".cache" not in p.parts}
    assert after == before


def test_import_into_an_empty_folder_creates_the_school(tmp_path: Path, capsys) -> None:
    students = tmp_path / "elever.csv"
    students.write_bytes(
        "\ufeffelev_id;fornavn;etternavn;klasse\nE1;Åse;Ødegård-Li;8A\nE2;Liam;O'Neill;8A\n".encode()
    )
    data = tmp_path / "skole"
    # a real school: no --now; its first imports are made by the folder's owner
    code = main(["--data", str(data), "import", "students", str(students)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Opprettet en ny skole" in out
    names = {s.navn for s in open_school(data).roster.students}
    assert names == {"Åse Ødegård-Li", "Liam O'Neill"}


def test_missing_school_and_corrupt_file_give_clear_errors(
    demo_dir: Path, tmp_path, capsys
) -> None:
    code, _, err = run(capsys, "--data", str(tmp_path / "ingen"), "check")
    assert code == 1 and "Fant ingen skole" in err
    victim = next((demo_dir / "2026-2027").glob("*/2026-11.json"))
    victim.write_bytes(victim.read_bytes()[:-40])
    damaged = victim.read_bytes()
    code, _, err = run(capsys, "--data", str(demo_dir), "check")
    assert code == 1 and str(victim) in err and "skadet" in err
    assert victim.read_bytes() == damaged


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--date", "31.02.2026"])
    assert exit_info.value.code == 2
    assert "ikke en gyldig dato" in capsys.readouterr().err


def test_installed_script_reports_without_traceback(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("fravaer")
    env = {**os.environ, "FRAVAER_DATA": str(tmp_path / "tom")}
    done = subprocess.run([str(script), "check"], capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert "Fant ingen skole" in done.stderr and "Traceback" not in done.stderr


def test_audit_lists_every_kind_of_change_and_filters(demo_dir: Path, capsys) -> None:
    """An audit entry exists for every kind of change made through the CLI and services."""
    from fravaer_tui.application.lessons import add_melding, judge_absence
    from fravaer_tui.application.session import Session
    from fravaer_tui.domain.model import Reason, Validity

    klasse, dato, period, students = a_lesson(demo_dir)
    school = open_school(demo_dir)
    kontakt = school.roster.kontaktlaerere(klasse)[0]
    teacher = school.roster.staff[0].id
    register(
        capsys,
        demo_dir,
        "--class",
        klasse,
        "--date",
        dato.isoformat(),
        "--period",
        str(period),
        "--absent",
        students[0],
        "--user",
        teacher,
    )
    now = dt.datetime(2026, 11, 20, 13, 0)
    add_melding(school, kontakt, students[0], dato, dato, Reason.LEGE, Validity.GYLDIG, now)
    judge_absence(school, kontakt, klasse, dato, period, students[0], Validity.UGYLDIG, None, now)
    session = Session(school, kontakt, clock=lambda: now)
    result = run_check(school, dato)
    alert = next(a for a in result.alerts if a.klasse == klasse)
    case = session.open_case(alert, dato, now)
    session.record_step(case, school.profile.steps[0].id, dato, now, "ringt")
    session.log_contact(alert.elev, "ringt foresatte", "ikke svar", "", now)
    students_csv = demo_dir.parent / "elever.csv"
    run(capsys, "--data", str(demo_dir), "export", "absences", "--out", str(students_csv))
    kinds = {e["hva"] for e in school.store.log.read()}
    assert {"registrering_endret", "melding", "vurdering", "sak", "sak_endret", "kontakt"} <= kinds

    code, out, _ = run(capsys, "--data", str(demo_dir), "audit", "--student", students[0])
    assert code == 0
    student = school.roster.student(students[0])
    assert f"{student.navn} ({students[0]}): til stede → fravær" in out  # words, not codes
    assert "melding fra foresatte" in out and "fravaer" not in out
    code, out, _ = run(
        capsys, "--data", str(demo_dir), "audit", "--staff", kontakt.id, "--since", "2026-11-20"
    )
    assert "fravær vurdert" in out and "time ført" not in out and "føring rettet" not in out
    code, out, _ = run(capsys, "--data", str(demo_dir), "audit", "--json", "--student", "E9999")
    assert out == ""
    code, out, _ = run(capsys, "--data", str(demo_dir), "audit", "--json", "--student", students[0])
    lines = [json.loads(line) for line in out.splitlines()]
    changed = next(e for e in lines if e["hva"] == "registrering_endret")
    assert "elever" in changed["etter"] and "marks" not in changed["etter"]  # one vocabulary


def test_backup_and_restore_from_the_cli(demo_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "--data", str(demo_dir), "backup")
    assert code == 0 and "Sikkerhetskopi tatt" in out
    name = out.split("/")[-1].split()[0]
    klasse, dato, period, students = a_lesson(demo_dir)
    before = open_school(demo_dir).store.load_class("2026-2027", klasse)
    register(
        capsys,
        demo_dir,
        "--class",
        klasse,
        "--date",
        dato.isoformat(),
        "--period",
        str(period),
        "--absent",
        students[1],
        "--user",
        open_school(demo_dir).roster.staff[0].id,
    )
    code, _, err = run(capsys, "--data", str(demo_dir), "restore", name)
    assert code == 1 and "--force" in err
    code, out, _ = run(capsys, "--data", str(demo_dir), "restore", name, "--force")
    assert code == 0 and "tatt vare på" in out
    assert open_school(demo_dir).store.load_class("2026-2027", klasse) == before
    code, _, err = run(capsys, "--data", str(demo_dir), "restore", "finnes-ikke")
    assert code == 1 and "Fant ingen sikkerhetskopi" in err


@pytest.mark.parametrize("mode", [0o755, 0o750, 0o2770, 0o710, 0o701, 0o2700])
def test_a_data_folder_others_can_reach_is_refused(demo_dir: Path, capsys, mode: int) -> None:
    # The group-shared set-up (2770) is retired: the folder belongs to one service account.
    demo_dir.chmod(mode)
    before = sorted(p.name for p in demo_dir.rglob("*"))
    code, out, err = run(capsys, "--data", str(demo_dir), "backup")
    assert code == 1 and out == ""
    assert f"{mode:04o}" in err and "Skoleserver med tjenestekonto" in err
    assert "fravaer keys add" in err and f"chmod -R u=rwX,go=,g-s {demo_dir}" in err
    assert sorted(p.name for p in demo_dir.rglob("*")) == before  # no backup was taken


def test_only_the_account_that_owns_the_data_folder_may_use_it(tmp_path: Path) -> None:
    # Run as root (the usual slip on a server), files would become root's and lock the
    # service account out; run as someone else, the answer is SSH. A plain function of the
    # folder's mode and owner and the running uid, so any uid can be tried.
    other = next(uid for uid in range(4242, 5000) if not _has_account(uid))
    owner = tmp_path.stat().st_uid
    assert access_problem(tmp_path, 0o40700, owner, owner) == ""
    as_root = access_problem(tmp_path, 0o40700, other, 0)
    assert f"eies av «{other}», men du kjører som «root»" in as_root
    assert f"sudo -u {other} fravaer --data {tmp_path}" in as_root
    as_staff = access_problem(tmp_path, 0o40700, other, other + 1)
    assert "over SSH" in as_staff and "sudo" not in as_staff
    shared = access_problem(tmp_path, 0o42770, other, other + 1)
    assert "en gruppe" in shared  # the retired set-up gets the message on how to move


def _has_account(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


def test_a_private_data_folder_gets_private_files_whatever_the_umask(demo_dir, capsys) -> None:
    demo_dir.chmod(0o700)
    klasse, dato, period, students = a_lesson(demo_dir)
    old = os.umask(0)
    try:
        code, _, _ = register(
            capsys,
            demo_dir,
            "--class",
            klasse,
            "--date",
            dato.isoformat(),
            "--period",
            str(period),
            "--absent",
            students[2],
            "--user",
            open_school(demo_dir).roster.staff[0].id,
        )
    finally:
        os.umask(old)
    assert code == 0
    month = open_school(demo_dir).store.lesson_path(klasse, dato)
    assert stat.S_IMODE(month.stat().st_mode) == 0o600
    assert stat.S_IMODE(month.parent.stat().st_mode) == 0o700
    locks = demo_dir / ".locks"
    assert {stat.S_IMODE(p.stat().st_mode) for p in locks.iterdir()} == {0o600}


@pytest.mark.parametrize(
    ("dato", "message"), [("2026-11-27", "fram i tid"), ("2024-11-20", "utenfor skoleårene")]
)
def test_register_refuses_dates_outside_the_school_years(demo_dir, capsys, dato, message) -> None:
    klasse, _, period, students = a_lesson(demo_dir)
    code, _, err = register(
        capsys,
        demo_dir,
        "--class",
        klasse,
        "--date",
        dato,
        "--period",
        str(period),
        "--user",
        open_school(demo_dir).roster.staff[0].id,
    )
    assert code == 1 and message in err


def test_students_in_a_class_without_a_timetable_are_refused(demo_dir, tmp_path, capsys) -> None:
    csv_file = tmp_path / "elever.csv"
    csv_file.write_text(
        "elev_id;fornavn;etternavn;klasse\nE9001;Åse;Ødegård;8A\nE9002;Per;Ås;8Q\n",
        encoding="utf-8",
    )
    before = open_school(demo_dir).roster.students
    code, _, err = run(capsys, "--data", str(demo_dir), "import", "students", str(csv_file))
    assert code == 1 and "«8Q»" in err and "E9002" in err and str(csv_file) in err
    assert open_school(demo_dir).roster.students == before
