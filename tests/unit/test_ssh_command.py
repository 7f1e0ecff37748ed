"""`fravaer ssh ANSATT_ID`, the forced command, run in process with SSH_ORIGINAL_COMMAND set
as sshd sets it. (The same through a real sshd: test_ssh.py.)"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from fravaer_tui.app import run_app
from fravaer_tui.application.school import open_school
from fravaer_tui.cli import main
from fravaer_tui.domain.model import Role, Staff
from fravaer_tui.domain.sshkeys import ENV_VAR
from tests.unit.sshkit import real_school


@pytest.fixture
def school_dir(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "ssh" / "authorized_keys"))
    monkeypatch.chdir(tmp_path)  # sshd starts the command in the account's home
    return real_school(demo_template, tmp_path / "data")


def staff_of(data: Path, role: Role) -> Staff:
    return next(s for s in open_school(data).roster.staff if s.rolle is role)


def forced(
    capsys, monkeypatch, data: Path, who: str, request: str | None, stdin: bytes = b""
) -> tuple[int, str, str]:
    """What sshd runs: `fravaer --data DATA ssh WHO`, with the client's request."""
    if request is None:
        monkeypatch.delenv("SSH_ORIGINAL_COMMAND", raising=False)
    else:
        monkeypatch.setenv("SSH_ORIGINAL_COMMAND", request)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    try:
        code = main(["--data", str(data), "ssh", who])
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".locks" not in p.parts and ".cache" not in p.parts
    }


REFUSED = [
    ("bash", "«bash» er ikke en kommando"),
    ("sh -c id", "«sh» er ikke en kommando"),
    ("check; id", "«check;» er ikke en kommando"),
    ("demo", "«demo» er ikke en kommando"),
    ("bench", "«bench» er ikke en kommando"),
    ("ssh A001", "«ssh» er ikke en kommando"),
    ("--data /tmp check", "«--data» er ikke en kommando"),
    ("check --user A001", "«--user»"),
    ("check --user=A001", "«--user=A001»"),
    ("check --us A001", "«--us»"),
    ("check --data /tmp/annen", "«--data»"),
    ("check --data=/tmp/annen", "«--data=/tmp/annen»"),
    ("check --da /tmp/annen", "«--da»"),
    ("check --now '2026-11-20 10:00'", "«--now»"),
    ("check --n=2026-11-20", "«--n=2026-11-20»"),
    ("check 'unclosed", "anførselstegn"),
    ("check --profile /etc/passwd", "ikke et navn"),
    ("check --profile ../../etc/x.toml", "ikke et navn"),
    ("check --profile ~root/x.toml", "ikke et navn"),
    ("restore ../../../tmp/x", "ikke et navn"),
    ("restore .hidden", "ikke et navn"),
    ("import staff /etc/passwd", "er en fil på serveren"),
    ("import staff ansatte.csv", "er en fil på serveren"),
    ("export absences --out /tmp/f.csv", "--out"),
    ("export absences --out -", "--out"),
    ("export vedlegg 1 --student E0001 --out /tmp", "--out"),
    ("keys add A001 /root/.ssh/id_ed25519.pub", "er en fil på serveren"),
    ("keys --authorized-keys /tmp/x list", "fil eller mappe på serveren"),
    ("", None),  # no command and no terminal: never a shell
]


@pytest.mark.parametrize(("request_", "message"), REFUSED)
def test_requests_outside_the_rules_are_refused_and_change_nothing(
    school_dir, capsys, monkeypatch, tmp_path, request_, message
) -> None:
    rektor = staff_of(school_dir, Role.REKTOR)
    before = snapshot(tmp_path)
    code, out, err = forced(capsys, monkeypatch, school_dir, rektor.id, request_)
    assert code == 2 and out == ""
    assert err.startswith("fravaer: ikke tillatt over SSH:")
    assert message is None or message in err
    assert snapshot(tmp_path) == before  # nothing written: no data, no file, no folder


@pytest.mark.parametrize("request_", ["check && id", "check | sh", "check --no-such-option"])
def test_a_usage_error_is_argparses_and_runs_nothing(
    school_dir, capsys, monkeypatch, tmp_path, request_
) -> None:
    before = snapshot(tmp_path)
    code, out, err = forced(capsys, monkeypatch, school_dir, "A001", request_)
    assert code == 2 and out == "" and "feil i kommandoen" in err
    assert snapshot(tmp_path) == before


def test_an_allowed_command_runs_with_the_keys_folder(school_dir, capsys, monkeypatch) -> None:
    code, out, _ = forced(
        capsys, monkeypatch, school_dir, "A001", "check --json --date 20.11.2026 --profile hole"
    )
    assert code == 0 and isinstance(json.loads(out), list)
    code, out, _ = forced(capsys, monkeypatch, school_dir, "A001", "export absences")
    assert code == 0 and out.startswith("elev_id")


def test_the_person_is_the_keys_and_reaches_the_command(school_dir, capsys, monkeypatch) -> None:
    rektor = staff_of(school_dir, Role.REKTOR)
    teacher = staff_of(school_dir, Role.FAGLAERER)
    code, out, _ = forced(capsys, monkeypatch, school_dir, rektor.id, "keys list")
    assert code == 0 and "Ingen nøkler" in out
    code, _, err = forced(capsys, monkeypatch, school_dir, teacher.id, "keys list")
    assert code == 1 and teacher.navn in err and "Bare rektor og drift" in err


def test_someone_no_longer_on_the_staff_list_gets_nothing(school_dir, capsys, monkeypatch):
    for request in (None, "check", "help"):
        code, out, err = forced(capsys, monkeypatch, school_dir, "A999", request)
        assert code == 1 and out == "" and "«A999»" in err and "ansattlisten" in err


def test_drift_gets_commands_but_not_the_app(school_dir, capsys, monkeypatch) -> None:
    school = open_school(school_dir)
    drift = Staff("D001", "Dag Drift", Role.DRIFT, (), "dag")
    school.store.write_roster(staff=[*school.roster.staff, drift])
    code, _, err = forced(capsys, monkeypatch, school_dir, drift.id, None)
    assert code == 1 and "drift" in err and "ingen tilgang til elevdata" in err
    code, out, _ = forced(capsys, monkeypatch, school_dir, drift.id, "keys list")
    assert code == 0


def test_help_lists_what_is_allowed(school_dir, capsys, monkeypatch) -> None:
    code, out, _ = forced(capsys, monkeypatch, school_dir, "A001", "help")
    assert code == 0 and "check" in out and "import staff -" in out


def test_an_import_over_ssh_reads_standard_input_and_leaves_no_file(
    school_dir, capsys, monkeypatch
) -> None:
    roster = open_school(school_dir).roster.staff
    rows = ["ansatt_id;navn;rolle;klasser;brukernavn"] + [
        f"{s.id};{s.navn};{s.rolle.value};{' '.join(s.klasser)};{s.brukernavn}" for s in roster
    ]
    rows.append("D001;Dag Drift;drift;;dag")
    data = ("\n".join(rows) + "\n").encode()
    code, out, err = forced(capsys, monkeypatch, school_dir, "A001", "import staff -", data)
    assert code == 0, err
    assert f"{len(roster) + 1} ansatte" in out
    assert open_school(school_dir).roster.staff_member("D001").rolle is Role.DRIFT
    assert not list(school_dir.glob(".ssh-inn-*"))
    code, _, err = forced(capsys, monkeypatch, school_dir, "A001", "import staff -", b"x;y\n1;2\n")
    assert code == 1 and "standard-inn.csv" in err
    assert not list(school_dir.glob(".ssh-inn-*"))


def test_an_import_over_ssh_has_a_size_limit(school_dir, capsys, monkeypatch) -> None:
    from fravaer_tui.cli import ssh

    monkeypatch.setattr(ssh, "MAX_STDIN", 100)  # the limit itself, not our code, is swapped
    before = open_school(school_dir).roster.staff
    code, _, err = forced(capsys, monkeypatch, school_dir, "A001", "import staff -", b"x" * 101)
    assert code == 1 and "større enn" in err
    assert open_school(school_dir).roster.staff == before
    assert not list(school_dir.glob(".ssh-inn-*"))


def test_the_forced_command_itself_takes_no_identity_options(school_dir, capsys) -> None:
    code = main(["--data", str(school_dir), "--user", "A002", "ssh", "A001"])
    _, err = capsys.readouterr()
    assert code == 2 and "--user" in err


def test_the_app_opens_as_exactly_the_keys_person_or_not_at_all(school_dir, capsys) -> None:
    code = run_app(school_dir, None, None, identity="A999")
    _, err = capsys.readouterr()
    assert code == 1 and "«A999»" in err and "ansattlisten" in err
