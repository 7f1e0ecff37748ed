"""Issue 9, "Trust that holds": every attack the issue lists, as a test.

Each test names the attack and asserts what happens now. The school is the small demo
school made *real* (`demo = true` removed): `--user` and `--now` then mean nothing, and who
you are is the OS login (set here with monkeypatch on getpass) or the SSH forced command's
`identity`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from fravaer_tui.app import run_app
from fravaer_tui.application.csvdata import import_file
from fravaer_tui.application.identity import identify
from fravaer_tui.application.school import School, open_school
from fravaer_tui.application.session import Session
from fravaer_tui.cli import main
from fravaer_tui.domain.model import Role, Staff
from fravaer_tui.errors import AccessDenied, StoreError
from fravaer_tui.store import Store
from fravaer_tui.store.files import UnsafeEntryError
from tests.conftest import DEMO_UNTIL, clock
from tests.forked import Forked
from tests.unit import trust_worker

NOW = dt.datetime(2026, 11, 20, 15, 0)
NOT_DATA = {"audit", ".locks", ".cache", "sikkerhetskopier", ".journal"}


def make_real(folder: Path) -> Path:
    config = folder / "skole.toml"
    config.write_text(config.read_text("utf-8").replace("demo = true", ""), "utf-8")
    return folder


@pytest.fixture
def real(demo_dir: Path) -> Path:
    return make_real(demo_dir)


def data_tree(folder: Path) -> dict[str, bytes]:
    """The school's data files, byte for byte (not the log, locks, caches or backups)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not NOT_DATA & set(p.relative_to(folder).parts)
        and not p.name.endswith(".tmp")
    }


def everything(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not {".locks", ".cache"} & set(p.parts)
    }


def person(school: School, rolle: Role, **where: object) -> Staff:
    return next(s for s in school.roster.staff if s.rolle is rolle)


def a_faglaerer(school: School) -> tuple[Staff, set[str]]:
    """A faglærer who teaches some classes but not all, with the classes they teach."""
    for staff in school.roster.staff:
        if staff.rolle is Role.FAGLAERER:
            taught = {s.klasse for s in school.roster.timetable if s.laerer == staff.id}
            if taught and taught != set(school.roster.classes):
                return staff, taught
    raise AssertionError("the demo has no faglærer teaching only some classes")


def cli(capsys, monkeypatch, login: str, *argv: str, identity: str | None = None):
    monkeypatch.setattr("getpass.getuser", lambda: login)
    code = main(list(argv), identity=identity)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# ---------------------------------------------------------------------------
# "The CLI bypasses every role"


def test_a_faglaerer_on_a_real_school_sees_only_his_classes_and_no_reasons(
    real: Path, capsys, monkeypatch
) -> None:
    school = open_school(real)
    faglaerer, taught = a_faglaerer(school)
    code, out, err = cli(
        capsys, monkeypatch, faglaerer.brukernavn, "--data", str(real), "check", "--json"
    )
    assert code == 0, err
    alerts = json.loads(out)
    assert alerts, "the demo has alerts in the classes he teaches"
    assert {a["klasse"] for a in alerts} <= taught
    assert all(e["aarsak"] is None for a in alerts for e in a["bevis"])
    # A kontaktlærer of one of those classes sees the reasons the faglærer does not.
    kontakt = next(
        s for s in school.roster.staff if s.rolle is Role.KONTAKTLAERER and set(s.klasser) & taught
    )
    _, out, _ = cli(capsys, monkeypatch, kontakt.brukernavn, "--data", str(real), "check", "--json")
    assert any(e["aarsak"] for a in json.loads(out) for e in a["bevis"])


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "absences"],
        ["export", "report", "--class", "8A"],
        ["export", "vedlegg", "1", "--student", "E0001"],
        ["audit"],
        ["audit", "--innsyn"],
        ["backup"],
        ["backup", "--list"],
        ["restore", "2026-11-20", "--force"],
        ["import", "staff", "{staff_csv}"],
        ["import", "students", "{staff_csv}"],
        ["import", "absences", "{staff_csv}"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_faglaerer_is_refused_the_admin_commands_and_nothing_is_written(
    real: Path, tmp_path: Path, capsys, monkeypatch, argv: list[str]
) -> None:
    school = open_school(real)
    faglaerer, _ = a_faglaerer(school)
    staff_csv = tmp_path / "ansatte.csv"
    staff_csv.write_text(  # the attack: make himself rektor
        "ansatt_id,navn,rolle,klasser,brukernavn\n"
        f"{faglaerer.id},{faglaerer.navn},rektor,,{faglaerer.brukernavn}\n",
        "utf-8",
    )
    before = everything(real)
    argv = [a.replace("{staff_csv}", str(staff_csv)) for a in argv]
    code, out, err = cli(capsys, monkeypatch, faglaerer.brukernavn, "--data", str(real), *argv)
    assert code == 1
    assert "har ikke" in err and faglaerer.navn in err
    assert everything(real) == before
    assert open_school(real).roster.staff_member(faglaerer.id).rolle is Role.FAGLAERER


def test_user_and_now_do_not_make_a_faglaerer_rektor_on_a_real_school(
    real: Path, capsys, monkeypatch
) -> None:
    school = open_school(real)
    faglaerer, _ = a_faglaerer(school)
    rektor = person(school, Role.REKTOR)
    before = everything(real)
    for argv in (
        ["--user", rektor.id, "audit"],
        ["--user", rektor.brukernavn, "backup"],
        ["--now", "2026-11-20 10:00", "check"],
    ):
        code, _, err = cli(capsys, monkeypatch, faglaerer.brukernavn, "--data", str(real), *argv)
        assert code == 1 and "bare brukes på demoskolen" in err
    # The forced command fixes the person: --user cannot pick another.
    code, _, err = cli(
        capsys,
        monkeypatch,
        "fravaer",
        "--data",
        str(real),
        "--user",
        rektor.id,
        "audit",
        identity=faglaerer.id,
    )
    assert code == 1 and "kan ikke velge en annen" in err
    assert everything(real) == before


def test_a_login_not_on_the_staff_list_is_refused_everything(
    real: Path, capsys, monkeypatch
) -> None:
    before = everything(real)
    for argv in (
        ["check"],
        ["register", "--class", "8A", "--date", "2026-11-20", "--period", "1"],
        ["export", "absences"],
        ["audit", "--verify"],
        ["backup", "--list"],
    ):
        code, _, err = cli(capsys, monkeypatch, "inntrenger", "--data", str(real), *argv)
        assert code == 1 and "«inntrenger»" in err and "ansattlisten" in err
    code, _, err = cli(
        capsys, monkeypatch, "fravaer", "--data", str(real), "check", identity="A999"
    )
    assert code == 1 and "«A999»" in err
    assert everything(real) == before


def test_drift_runs_the_machinery_but_sees_no_child(real: Path, capsys, monkeypatch) -> None:
    school = open_school(real)
    rektor = person(school, Role.REKTOR)
    staff_csv = real.parent / "ansatte.csv"
    rows = [
        f"{s.id},{s.navn},{s.rolle.value},{' '.join(s.klasser)},{s.brukernavn}"
        for s in school.roster.staff
    ]
    staff_csv.write_text(
        "ansatt_id,navn,rolle,klasser,brukernavn\n"
        + "\n".join([*rows, "D001,Drift Driftesen,drift,,driftesen"])
        + "\n",
        "utf-8",
    )
    code, _, err = cli(
        capsys,
        monkeypatch,
        rektor.brukernavn,
        "--data",
        str(real),
        "import",
        "staff",
        str(staff_csv),
    )
    assert code == 0, err
    for argv in (["backup"], ["backup", "--list"], ["audit", "--verify"]):
        code, out, err = cli(capsys, monkeypatch, "driftesen", "--data", str(real), *argv)
        assert code == 0, err
    for argv in (["check"], ["audit"], ["export", "absences"]):
        code, _, err = cli(capsys, monkeypatch, "driftesen", "--data", str(real), *argv)
        assert code == 1 and ("ikke tilgang til elevenes data" in err or "har ikke lov" in err)
    monkeypatch.setattr("getpass.getuser", lambda: "driftesen")
    assert run_app(real, None) == 1
    assert "ikke tilgang til elevenes data" in capsys.readouterr().err


def test_a_staff_list_without_rektor_or_drift_is_refused(real: Path, capsys, monkeypatch) -> None:
    school = open_school(real)
    rektor = person(school, Role.REKTOR)
    staff_csv = real.parent / "ansatte.csv"
    staff_csv.write_text(
        f"ansatt_id,navn,rolle,klasser,brukernavn\n{rektor.id},{rektor.navn},faglaerer,,x\n",
        "utf-8",
    )
    before = everything(real)
    code, _, err = cli(
        capsys,
        monkeypatch,
        rektor.brukernavn,
        "--data",
        str(real),
        "import",
        "staff",
        str(staff_csv),
    )
    assert code == 1 and "ingen rektor" in err
    assert everything(real) == before


def test_staff_import_is_audited_with_who_was_added_removed_and_changed(real: Path) -> None:
    school = open_school(real)
    rektor = person(school, Role.REKTOR)
    session = Session(school, rektor)
    keep = [s for s in school.roster.staff if s.id != "A017"]
    staff_csv = real.parent / "ansatte.csv"
    lines = [
        f"{s.id},{s.navn},{'avdelingsleder' if s.id == 'A016' else s.rolle.value},"
        f"{' '.join(s.klasser)},{s.brukernavn}"
        for s in keep
    ]
    staff_csv.write_text(
        "ansatt_id,navn,rolle,klasser,brukernavn\n"
        + "\n".join([*lines, "A099,Ny Lærer,faglaerer,,ny.laerer"])
        + "\n",
        "utf-8",
    )
    session.admin.import_file("staff", staff_csv, NOW)
    entry = [e for e in school.store.log.read() if e.get("type") == "staff"][-1]
    assert entry["av"] == rektor.id and entry["fil"] == str(staff_csv)
    assert [d["id"] for d in entry["lagt_til"]] == ["A099"]
    assert [d["id"] for d in entry["fjernet"]] == ["A017"]
    assert [(c["for"]["rolle"], c["etter"]["rolle"]) for c in entry["endret"]] == [
        ("faglaerer", "avdelingsleder")
    ]


def test_check_and_overviews_show_the_same_due_steps(demo_school: School) -> None:
    """`services.due_steps` and `Session.due_steps` disagreed; now there is one."""
    from fravaer_tui.application import session as door

    assert not hasattr(door, "due_steps")
    import fravaer_tui.application as application

    assert not (Path(application.__file__).parent / "services.py").exists()


# ---------------------------------------------------------------------------
# "Nothing followed": planted symlinks


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside the data folder that a planted link points at (e.g. ~/.bashrc)."""
    home = tmp_path / "hjemme"
    home.mkdir()
    target = home / "bashrc"
    target.write_text("# mine\n", "utf-8")
    return target


def save_as(school: School, staff_id: str, klasse: str = "8A") -> None:
    staff = school.roster.staff_member(staff_id)
    assert staff is not None
    period = school.roster.slots(klasse, DEMO_UNTIL.isoweekday())[0].time
    Session(school, staff).save_registration(klasse, DEMO_UNTIL, period, [], NOW)


@pytest.mark.parametrize(
    "where",
    [
        "audit/2026-11.jsonl",
        ".locks/2026-2027__8A__2026-11.json.lock",
        ".locks/skole.lock",
        "2026-2027/8A/2026-11.json",
        "2026-2027/8A",
    ],
)
def test_a_planted_link_is_refused_and_its_target_untouched(
    demo_dir: Path, victim: Path, where: str
) -> None:
    link = demo_dir / where
    if link.is_dir() and not link.is_symlink():
        os.rename(link, link.with_name(link.name + "-flyttet"))
        target = victim.parent / "klasse"
        target.mkdir()
        (target / "2026-11.json").write_text("{}", "utf-8")
    else:
        link.parent.mkdir(parents=True, exist_ok=True)
        link.unlink(missing_ok=True)
        target = victim
    link.symlink_to(target)
    before = everything(victim.parent)
    with pytest.raises(UnsafeEntryError) as error:
        save_as(open_school(demo_dir), "A001")
    assert str(link) in error.value.message and "symbolsk lenke" in error.value.message
    assert everything(victim.parent) == before


def test_a_planted_temp_file_link_is_never_written_through(demo_dir: Path, victim: Path) -> None:
    month = demo_dir / "2026-2027" / "8A" / "2026-11.json"
    for pid in range(os.getpid() - 5, os.getpid() + 5):  # the temp names a writer would use
        month.with_name(f".{month.name}.{pid}.tmp").symlink_to(victim)
    save_as(open_school(demo_dir), "A001")
    assert victim.read_text("utf-8") == "# mine\n"


def test_a_planted_backup_folder_link_is_refused(demo_dir: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "andre"
    elsewhere.mkdir()
    backups = demo_dir / "sikkerhetskopier"
    if backups.exists():
        os.rename(backups, tmp_path / "gamle")
    backups.symlink_to(elsewhere)
    store = Store(demo_dir, clock=lambda: dt.datetime(2026, 11, 23, 8))
    with pytest.raises(UnsafeEntryError):
        store.backups.snapshot("manuell")
    with pytest.raises(UnsafeEntryError):  # the day's first save takes a backup first
        save_as(open_school(demo_dir, clock=lambda: dt.datetime(2026, 11, 23, 8)), "A001")
    assert list(elsewhere.iterdir()) == []


def test_a_planted_elevmappe_link_is_refused(demo_dir: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "andre"
    elsewhere.mkdir()
    (demo_dir / "elevmapper").symlink_to(elsewhere)
    school = open_school(demo_dir)
    session = Session(school, person(school, Role.REKTOR))
    student = school.roster.students_in("8A")[0]
    with pytest.raises(UnsafeEntryError):
        session.export_report(student.id, None, DEMO_UNTIL, None, NOW)
    assert list(elsewhere.iterdir()) == []


def test_a_foreign_owned_data_file_is_refused(demo_dir: Path) -> None:
    if os.geteuid() != 0:
        pytest.fail("chown needs root; CI runs as root")
    month = demo_dir / "2026-2027" / "8A" / "2026-11.json"
    before = month.read_bytes()
    os.chown(month, 65534, 65534)
    with pytest.raises(UnsafeEntryError) as error:
        save_as(open_school(demo_dir), "A001")
    assert "eid av en annen bruker" in error.value.message
    assert month.read_bytes() == before


# ---------------------------------------------------------------------------
# "The audit log is not evidence"


def audit_file(folder: Path) -> Path:
    return sorted((folder / "audit").glob("*.jsonl"))[-1]


@pytest.fixture
def logged(demo_dir: Path) -> Path:
    school = open_school(demo_dir)
    for period in (1, 2, 3):
        staff = school.roster.staff_member("A001")
        Session(school, staff).save_registration("8A", DEMO_UNTIL, period, [], NOW)
    assert Store(demo_dir).log.verify().ok
    return demo_dir


def test_audit_verify_says_whole(logged: Path, capsys, monkeypatch) -> None:
    code, out, _ = cli(
        capsys, monkeypatch, "nina.andreassen", "--data", str(logged), "audit", "--verify"
    )
    count = len(Store(logged).log.read())
    assert code == 0 and f"hel ({count} oppføringer)" in out


@pytest.mark.parametrize("attack", ["edit", "drop", "swap", "truncate"])
def test_audit_verify_names_the_first_broken_line(
    logged: Path, capsys, monkeypatch, attack: str
) -> None:
    path = audit_file(logged)
    lines = path.read_bytes().splitlines(keepends=True)
    n = len(lines)
    # `broken`: the first line (1-based) whose link to the one before is wrong
    if attack == "edit":  # change who did it on the second-to-last line
        lines[n - 2] = lines[n - 2].replace(b'"av":"A001"', b'"av":"A002"')
        broken = n  # the line after the edited one no longer links to it
    elif attack == "drop":
        del lines[n - 2]
        broken = n - 1
    elif attack == "swap":
        lines[n - 2], lines[n - 1] = lines[n - 1], lines[n - 2]
        broken = n - 1
    else:  # the newest line cut off the end: only the head file knows
        del lines[n - 1]
        broken = n - 1
    path.write_bytes(b"".join(lines))
    code, out, _ = cli(
        capsys, monkeypatch, "nina.andreassen", "--data", str(logged), "audit", "--verify"
    )
    assert code == 1
    assert "IKKE hel" in out and str(path) in out and f"linje {broken}" in out
    if attack == "edit":  # the edited line itself is never among those said to be whole
        whole = n - 2  # the lines before the edited one
        assert ("Den første oppføringen er hel." if whole == 1 else f"De {whole} første") in out


def test_restore_does_not_rewind_the_log_and_records_itself(logged: Path) -> None:
    store = Store(logged, clock=lambda: dt.datetime(2026, 11, 21, 9))
    name = store.backups.snapshot("manuell")
    save_as(open_school(logged), "A001")
    before = store.log.read()
    kept = store.backups.restore(name, force=True, user="A001", now=NOW)
    after = store.log.read()
    assert after[: len(before)] == before
    assert after[-1]["hva"] == "gjenoppretting" and after[-1]["tatt_vare_pa"] == kept
    assert store.log.verify().ok


def test_reads_of_a_students_case_and_reasons_are_logged_once_a_day(
    demo_school: School, capsys, monkeypatch
) -> None:
    school = demo_school
    kontakt = next(s for s in school.roster.staff if s.rolle is Role.KONTAKTLAERER)
    elev = school.roster.students_in(kontakt.klasser[0])[0].id
    for day in (NOW, NOW, NOW + dt.timedelta(days=1)):
        session = Session(school, kontakt, clock=lambda d=day: d)
        session.student_page(elev, DEMO_UNTIL)
        session.meldinger(elev, DEMO_UNTIL)
    reads = [e for e in school.store.log.read() if e["hva"] == "innsyn"]
    assert [(e["av"], e["elev"], e["tid"][:10]) for e in reads] == [
        (kontakt.id, elev, "2026-11-20"),
        (kontakt.id, elev, "2026-11-21"),
    ]
    code, out, _ = cli(
        capsys, monkeypatch, "x", "--data", str(school.store.root), "audit", "--innsyn", "--json"
    )
    assert code == 0 and len(out.splitlines()) == 2


# ---------------------------------------------------------------------------
# "Restore and import can lose the school"


def spawn(*args: object, env: dict[str, str] | None = None) -> Forked:
    """trust_worker.py's `main` in a process of its own (forked: no Python start to pay)."""
    return Forked(trust_worker.main, args, env=env, cwd=Path(__file__).parents[2])


def test_24_saves_racing_a_restore_lose_nothing(demo_dir: Path) -> None:
    school = open_school(demo_dir)
    store = Store(demo_dir, clock=clock)
    snapshot = store.backups.snapshot("manuell")
    lessons = []
    for klasse in school.roster.classes:
        students = school.roster.students_in(klasse)
        for day in (DEMO_UNTIL - dt.timedelta(days=d) for d in range(0, 15)):
            for slot in school.roster.slots(klasse, day.isoweekday()):
                if school.calendar.is_school_day(day):
                    lessons.append((klasse, day, slot.time, students[0].id))
    random.Random(9).shuffle(lessons)
    savers = [
        spawn("save", demo_dir, k, d.isoformat(), t, e, f"lagring-{n}")
        for n, (k, d, t, e) in enumerate(lessons[:24])
    ]
    restorer = spawn("restore", demo_dir, snapshot)
    for proc in [*savers, restorer]:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", (
            proc.stderr.read() if proc.stderr else ""
        )
    for proc in [*savers[:12], restorer, *savers[12:]]:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [proc.communicate(timeout=120) for proc in [*savers, restorer]]
    assert restorer.returncode == 0, results[-1][1]
    kept = results[-1][0].split()[-1]
    live, replaced = Store(demo_dir), Store(store.backups.root / kept)
    whole = open_school(demo_dir)  # the school is whole: settings, roster, a year of data
    assert whole.roster.students and whole.config.navn
    saved = 0
    for n, ((out, err), proc) in enumerate(zip(results[:-1], savers, strict=True)):
        if proc.returncode != 0:
            assert "error" in out, err  # refused in words, never a crash
            continue
        saved += 1
        klasse, day, period, elev = lessons[n]
        tag = f"lagring-{n}"

        found = [
            any(
                r.dato == day and r.time == period and any(m.merknad == tag for m in r.marks)
                for r in store.month_registrations(klasse, day)
            )
            for store in (live, replaced)
        ]
        assert any(found), f"lagring {n} ({klasse} {day} {period}) er borte"
    assert saved >= 20
    assert live.log.verify().ok


def absences_csv(school: School, path: Path) -> Path:
    """An import touching every class in every month Aug–Nov: many files in one change."""
    rows = ["elev_id,dato,time,type,minutter,gyldighet,aarsak"]
    for klasse in school.roster.classes:
        elev = school.roster.students_in(klasse)[-1].id
        for month in (8, 9, 10, 11):
            day = dt.date(2026, month, 20)
            while not school.calendar.is_school_day(day):
                day -= dt.timedelta(days=1)
            rows.append(f"{elev},{day.isoformat()},,fravaer,,gyldig,sykdom")
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


@pytest.fixture
def an_import(demo_dir: Path, tmp_path: Path) -> tuple[Path, dict, dict, int]:
    """The CSV, the data before and after a whole import, and the audit entries it makes."""
    school = open_school(demo_dir)
    csv_file = absences_csv(school, tmp_path / "fravaer.csv")
    before = data_tree(demo_dir)
    done = tmp_path / "etter"
    shutil.copytree(demo_dir, done)
    import_file(open_school(done), "absences", csv_file, "A001", NOW)
    after = {**before, **data_tree(done)}
    entries = sum(1 for e in Store(done).log.read() if e.get("hva") == "import")
    assert sum(1 for k in after if after[k] != before.get(k)) >= 8  # a change to many files
    return csv_file, before, after, entries


def check_before_or_after(trial: Path, an_import: tuple[Path, dict, dict, int]) -> str:
    _, before, after, entries = an_import
    opened = open_school(trial)  # the next process to open the school finishes or ignores
    state = data_tree(trial)
    assert state in (before, after), "an import half applied"
    took = state == after
    logged = [e for e in opened.store.log.read() if e.get("hva") == "import"]
    assert len(logged) == (entries if took else 0)  # audited exactly when it took, once
    assert opened.store.log.verify().ok
    assert not opened.store.journals.pending()
    return "after" if took else "before"


def test_an_import_killed_at_every_rename_leaves_before_or_after(
    demo_dir: Path, tmp_path: Path, an_import: tuple[Path, dict, dict, int]
) -> None:
    csv_file, before, after, _ = an_import
    files = sum(1 for k in after if after[k] != before.get(k))
    outcomes = set()
    for kill_before in range(1, files + 4):  # before the first rename, between two, after all
        trial = tmp_path / f"forsøk-{kill_before}"
        shutil.copytree(demo_dir, trial)
        proc = spawn("import", trial, csv_file, env={"KILL_BEFORE": str(kill_before)})
        proc.communicate(timeout=60)
        outcomes.add(check_before_or_after(trial, an_import))
    assert outcomes == {"before", "after"}


def test_ten_imports_killed_at_random_instants_leave_before_or_after(
    demo_dir: Path, tmp_path: Path, an_import: tuple[Path, dict, dict, int]
) -> None:
    csv_file = an_import[0]
    rng = random.Random(11)
    for trial_no in range(10):
        trial = tmp_path / f"forsøk-{trial_no}"
        shutil.copytree(demo_dir, trial)
        proc = spawn("import", trial, csv_file)
        # the instant of the kill is the point: random, within the import's tenth of a
        # second or so (the worker is forked, it starts at once)
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        check_before_or_after(trial, an_import)


def test_a_restore_killed_at_every_rename_leaves_the_old_school_or_the_restored_one(
    demo_dir: Path, tmp_path: Path
) -> None:
    store = Store(demo_dir, clock=clock)
    snapshot = store.backups.snapshot("manuell")
    save_as(open_school(demo_dir), "A001")  # the live school differs from the snapshot
    live = data_tree(demo_dir)
    restored = data_tree(store.backups.root / snapshot)
    assert live != restored
    renames = 0
    for kill_before in range(1, 40):
        trial = tmp_path / f"forsøk-{kill_before}"
        shutil.copytree(demo_dir, trial, symlinks=True)
        proc = spawn("restore-now", trial, snapshot, env={"KILL_BEFORE": str(kill_before)})
        out, err = proc.communicate(timeout=60)
        Store(trial).recover()
        state = data_tree(trial)
        assert state in (live, restored), f"halvveis etter {kill_before} rename: {err[-300:]}"
        assert open_school(trial).roster.students
        if proc.returncode == 0:
            renames = kill_before
            break
    assert renames > 3  # the restore was killed at each of its renames before it finished


def test_two_backups_in_the_same_second_do_not_collide_and_stay_private(demo_dir: Path) -> None:
    store = Store(demo_dir, clock=lambda: dt.datetime(2026, 11, 23, 8, 0, 0))
    first, second = store.backups.snapshot("manuell"), store.backups.snapshot("manuell")
    assert first != second and {first, second} <= set(store.backups.names())
    for name in (first, second):
        folder = store.backups.root / name
        assert folder.stat().st_mode & 0o777 == 0o700
        assert {p.stat().st_mode & 0o777 for p in folder.rglob("*") if p.is_file()} == {0o600}
        assert {p.stat().st_mode & 0o777 for p in folder.rglob("*") if p.is_dir()} == {0o700}


def test_a_restore_of_a_snapshot_that_is_not_a_school_changes_nothing(demo_dir: Path) -> None:
    store = Store(demo_dir, clock=clock)
    (store.backups.root / "tom").mkdir(parents=True)
    before = data_tree(demo_dir)
    with pytest.raises(StoreError, match="ikke en hel skole"):
        store.backups.restore("tom", force=True)
    with pytest.raises(StoreError, match="Fant ingen sikkerhetskopi"):
        store.backups.restore("../..", force=True)
    assert data_tree(demo_dir) == before


def test_identify_takes_the_forced_identity_over_the_login(real: Path) -> None:
    school = open_school(real)
    assert identify(school, identity="A005", login="nina.andreassen").id == "A005"
    with pytest.raises(AccessDenied):
        identify(school, identity="A005", user="A001")


def test_nothing_someone_typed_reaches_a_terminal_as_an_escape_sequence(
    real: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """A file name or note with ESC in it (clear the screen, set the title …) is printed
    as <U+001B> by every command, in its result as in its errors."""
    school = open_school(real)
    rektor = person(school, Role.REKTOR)
    csv_file = tmp_path / "ansatte\x1b[2J\x1b]0;eid\x07.csv"
    rows = [
        f"{s.id},{s.navn},{s.rolle.value},{' '.join(s.klasser)},{s.brukernavn}"
        for s in school.roster.staff
    ]
    csv_file.write_text("ansatt_id,navn,rolle,klasser,brukernavn\n" + "\n".join(rows) + "\n")
    code, out, err = cli(
        capsys,
        monkeypatch,
        rektor.brukernavn,
        "--data",
        str(real),
        "import",
        "staff",
        str(csv_file),
    )
    assert code == 0, err
    code, audit, _ = cli(capsys, monkeypatch, rektor.brukernavn, "--data", str(real), "audit")
    for text in (out, audit):
        assert "\x1b" not in text and "\x07" not in text
        assert "<U+001B>[2J" in text
