"""`fravaer keys`: staff SSH keys in an authorized_keys file, with real keys and real files."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shlex
import shutil
import stat
from pathlib import Path

import pytest

from fravaer_tui.application.keys import (
    ENV_VAR,
    AuthorizedKeys,
    add_key,
    fravaer_program,
)
from fravaer_tui.application.school import open_school
from fravaer_tui.cli import main
from fravaer_tui.domain.access import Admin, may_admin, may_use_children_data
from fravaer_tui.domain.model import Role, Staff
from fravaer_tui.domain.sshkeys import forced_command, parse_entry, parse_public_key
from fravaer_tui.errors import InputError, UserError
from tests.unit.sshkit import fingerprint, keygen, random_ed25519, real_school

NOW = dt.datetime(2026, 11, 20, 15, 0)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real key pairs from ssh-keygen, made once."""
    folder = tmp_path_factory.mktemp("keys")
    return {
        "ed25519": keygen(folder / "kari", comment="kari@laptop"),
        "ed25519b": keygen(folder / "ola", comment="ola@pc"),
        "rsa": keygen(folder / "rsa", "rsa", 2048, "rsa@pc"),
        "rsa1024": keygen(folder / "rsa1024", "rsa", 1024),
        "ecdsa": keygen(folder / "ecdsa", "ecdsa", 384, "ecdsa@pc"),
    }


@pytest.fixture
def school_dir(demo_template: Path, tmp_path: Path) -> Path:
    return real_school(demo_template, tmp_path / "data")


@pytest.fixture
def ak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The authorized_keys file the commands use (as an admin would point to it)."""
    path = tmp_path / "home" / ".ssh" / "authorized_keys"
    (tmp_path / "home").mkdir(mode=0o700)
    monkeypatch.setenv(ENV_VAR, str(path))
    return path


def keys_cmd(capsys, data: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--data", str(data), "keys", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def staff_of(data: Path, role: Role) -> Staff:
    return next(s for s in open_school(data).roster.staff if s.rolle is role)


# -- the key itself ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["ed25519", "rsa", "ecdsa"])
def test_keys_from_ssh_keygen_are_read_with_ssh_keygens_fingerprint(keys, kind) -> None:
    pub = keys[kind]
    key = parse_public_key(pub.read_text(), str(pub))
    assert pub.read_text().split()[:2] == [key.type, key.blob]
    assert key.fingerprint == fingerprint(pub)
    assert key.comment == pub.read_text().split(" ", 2)[2].strip()


def _line(keys: dict[str, Path], kind: str = "ed25519") -> str:
    return keys[kind].read_text().strip()


BAD = {
    "empty": (lambda k: "\n\n", "ingen nøkkel"),
    "two keys": (lambda k: _line(k) + "\n" + _line(k, "rsa") + "\n", "én offentlig nøkkel"),
    "forced command smuggled": (
        lambda k: 'command="/bin/sh" ' + _line(k),
        "valg foran nøkkelen",
    ),
    "restrict undone": (lambda k: 'no-pty,permitopen="*:*" ' + _line(k), "valg foran"),
    "bare option word": (lambda k: "port-forwarding " + _line(k), "valg foran nøkkelen"),
    "unknown type": (lambda k: "ssh-foo " + _line(k).split()[1], "ukjent nøkkeltype"),
    "dsa": (lambda k: "ssh-dss " + _line(k).split()[1], "ukjent nøkkeltype"),
    "type and blob differ": (
        lambda k: "ssh-rsa " + _line(k).split()[1],
        "av typen «ssh-ed25519», ikke «ssh-rsa»",
    ),
    "cut short": (lambda k: " ".join([*_line(k).split()[:1], _line(k).split()[1][:40]]), "kuttet"),
    "not base64": (lambda k: "ssh-ed25519 AAAA$$$$ x", "ikke base64"),
    "no blob": (lambda k: "ssh-ed25519", "mangler"),
    "quote in comment": (lambda k: _line(k) + ' "x"', "kommentaren"),
    "control in comment": (lambda k: _line(k) + " a\x1b[2Jb", "kommentaren"),
    "carriage return in comment": (lambda k: _line(k) + " a\rb", "kommentaren"),
    "private key": (lambda k: k["ed25519"].with_suffix("").read_text(), "privat nøkkel"),
    "certificate": (
        lambda k: "ssh-ed25519-cert-v01@openssh.com " + _line(k).split()[1],
        "sertifikat",
    ),
    "short rsa": (lambda k: _line(k, "rsa1024"), "1024 bit"),
    "putty": (lambda k: "---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2", "SSH2"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_anything_but_one_plain_public_key_is_refused(keys, case) -> None:
    make, message = BAD[case]
    with pytest.raises(InputError) as caught:
        parse_public_key(make(keys), "kari.pub")
    assert message in caught.value.message and caught.value.message.startswith("kari.pub")


def test_the_comment_is_kept_with_its_words_and_nothing_else(keys) -> None:
    kind, blob = _line(keys).split()[:2]
    key = parse_public_key(f"{kind}\t{blob}   Kari  Nordmann på jobb\r\n", "x")
    assert key.comment == "Kari Nordmann på jobb"


# -- the line we write ---------------------------------------------------------


@pytest.mark.parametrize(
    "ansatt_id", ["", "-x", ".x", "a b", 'a"b', "a;b", "a$b", "a/b", "x" * 65, "å", "a\nb"]
)
def test_an_id_that_could_break_out_of_the_command_is_refused(ansatt_id) -> None:
    with pytest.raises(UserError, match="kan ikke brukes i en SSH-nøkkel"):
        forced_command(["/opt/fravaer/bin/fravaer"], "/srv/fravaer", ansatt_id)


@pytest.mark.parametrize(
    ("program", "data"),
    [
        (['/opt/"x"/fravaer'], "/srv/fravaer"),
        (["/opt/fravaer"], '/srv/a"b'),
        (["/opt/fravaer"], "/srv/a\\b"),
        (["/opt/fravaer"], "/srv/a\nb"),
        (["/opt/fravaer"], "srv/relative"),
    ],
)
def test_paths_that_could_break_out_of_the_line_are_refused(program, data) -> None:
    with pytest.raises(UserError):
        forced_command(program, data, "A001")


def test_a_path_with_spaces_and_shell_characters_is_quoted_for_the_shell() -> None:
    command = forced_command(["/opt/my $(x) fravaer/bin/fravaer"], "/srv/skole; rm -rf", "A.b@c")
    assert shlex.split(command) == [
        "/opt/my $(x) fravaer/bin/fravaer",
        "--data",
        "/srv/skole; rm -rf",
        "ssh",
        "A.b@c",
    ]
    line = f'restrict,pty,command="{command}" ssh-ed25519 AAAA c'
    entry = parse_entry(line, 1)
    assert entry is not None and entry.ansatt_id == "A.b@c"
    assert entry.data_dir == "/srv/skole; rm -rf"


def test_the_program_is_this_installation_absolute() -> None:
    program = fravaer_program()
    assert os.path.isabs(program[0]) and os.access(program[0], os.X_OK)


# -- fravaer keys add / list / remove ------------------------------------------


def test_add_writes_the_forced_command_line_private_and_keeps_other_lines(
    school_dir, ak, keys, capsys
) -> None:
    kari = staff_of(school_dir, Role.KONTAKTLAERER)
    ak.parent.mkdir(mode=0o700)
    other = (
        b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFOO admin@host\r\n# \xff not utf-8\nlast-no-newline"
    )
    ak.write_bytes(other)
    code, out, _ = keys_cmd(capsys, school_dir, "add", kari.id, str(keys["ed25519"]))
    assert code == 0 and kari.navn in out and fingerprint(keys["ed25519"]) in out
    data = ak.read_bytes()
    assert data.startswith(other + b"\n")  # untouched, in place; our line after it
    ours = data[len(other) + 1 :].decode()
    key_type, blob, comment = keys["ed25519"].read_text().split()
    program = " ".join(shlex.quote(p) for p in fravaer_program())
    assert ours == (
        f'restrict,pty,command="{program} --data {school_dir} ssh {kari.id}" '
        f"{key_type} {blob} {comment}\n"
    )
    assert stat.S_IMODE(ak.stat().st_mode) == 0o600
    entry = open_school(school_dir).store.log.read()[-1]
    assert entry["hva"] == "nokkel_lagt_til" and entry["ansatt"] == kari.id
    assert fingerprint(keys["ed25519"]) in entry["nokkel"]


def test_add_makes_a_private_ssh_folder(school_dir, ak, keys, capsys) -> None:
    code, _, _ = keys_cmd(capsys, school_dir, "add", "A001", str(keys["ed25519"]))
    assert code == 0
    assert stat.S_IMODE(ak.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(ak.stat().st_mode) == 0o600


def test_one_key_belongs_to_one_person(school_dir, ak, keys, capsys) -> None:
    keys_cmd(capsys, school_dir, "add", "A001", str(keys["ed25519"]))
    before = ak.read_bytes()
    code, out, _ = keys_cmd(capsys, school_dir, "add", "A001", str(keys["ed25519"]))
    assert code == 0 and "allerede" in out and ak.read_bytes() == before
    code, _, err = keys_cmd(capsys, school_dir, "add", "A002", str(keys["ed25519"]))
    assert code == 1 and "linje 1" in err and "«A001»" in err
    ak.write_bytes(before + keys["ed25519b"].read_bytes())  # the admin's own, unrestricted
    code, _, err = keys_cmd(capsys, school_dir, "add", "A002", str(keys["ed25519b"]))
    assert code == 1 and "ikke lagt inn av fravaer" in err
    assert ak.read_bytes() == before + keys["ed25519b"].read_bytes()


@pytest.mark.parametrize("ansatt_id", ["A999", "../A001", "-h-", "A001 x"])
def test_add_refuses_someone_not_on_the_staff_list(school_dir, ak, keys, capsys, ansatt_id):
    code, _, err = keys_cmd(capsys, school_dir, "add", "--", ansatt_id, str(keys["ed25519"]))
    assert code == 1 and "Fant ingen ansatt" in err
    assert not ak.exists()


def test_add_reads_standard_input(school_dir, ak, keys, capsys, monkeypatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(keys["rsa"].read_bytes())))
    code, out, _ = keys_cmd(capsys, school_dir, "add", "A001", "-")
    assert code == 0 and fingerprint(keys["rsa"]) in out


def test_list_and_remove_see_only_this_data_folders_lines(
    school_dir, ak, keys, capsys, tmp_path
) -> None:
    other_school = real_school(school_dir, tmp_path / "annen")
    keys_cmd(capsys, school_dir, "add", "A001", str(keys["ed25519"]))
    keys_cmd(capsys, school_dir, "add", "A001", str(keys["ecdsa"]))
    keys_cmd(capsys, other_school, "add", "A001", str(keys["ed25519b"]))
    keys_cmd(capsys, school_dir, "add", "A002", str(keys["rsa"]))
    code, _, err = keys_cmd(capsys, school_dir, "add", "A002", str(keys["ed25519b"]))
    assert code == 1 and f"«A001» ved datamappen {other_school}" in err  # one key, one person
    code, out, _ = keys_cmd(capsys, school_dir, "list")
    assert code == 0
    listed = out.splitlines()
    assert fingerprint(keys["ed25519b"]) not in out  # the other school's
    for name in ("ed25519", "ecdsa", "rsa"):
        assert fingerprint(keys[name]) in out
    assert sum("A001" in line for line in listed) == 2
    code, out, _ = keys_cmd(capsys, school_dir, "remove", "A001")
    assert code == 0 and out.count("Fjernet") == 2
    text = ak.read_text()
    assert keys["ed25519"].read_text().split()[1] not in text
    assert keys["ecdsa"].read_text().split()[1] not in text
    assert keys["ed25519b"].read_text().split()[1] in text  # same id, other school: kept
    assert keys["rsa"].read_text().split()[1] in text
    code, _, err = keys_cmd(capsys, school_dir, "remove", "A001")
    assert code == 1 and "ingen nøkler" in err
    entries = [e for e in open_school(school_dir).store.log.read() if e["hva"] == "nokkel_fjernet"]
    assert {e["ansatt"] for e in entries} == {"A001"} and len(entries) == 2


def test_a_symlinked_file_or_folder_is_never_followed(school_dir, ak, keys, capsys, tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text("precious\n")
    ak.parent.mkdir(mode=0o700)
    ak.symlink_to(target)
    code, _, err = keys_cmd(capsys, school_dir, "add", "A001", str(keys["ed25519"]))
    assert code == 1 and "symbolsk lenke" in err
    assert target.read_text() == "precious\n" and ak.is_symlink()
    shutil.rmtree(ak.parent)
    real_folder = tmp_path / "real-ssh"
    real_folder.mkdir(mode=0o700)
    ak.parent.symlink_to(real_folder)
    code, _, err = keys_cmd(capsys, school_dir, "add", "A001", str(keys["ed25519"]))
    assert code == 1 and "symbolsk lenke" in err and list(real_folder.iterdir()) == []


def test_a_folder_others_can_write_to_is_refused(school_dir, ak, keys, capsys) -> None:
    ak.parent.mkdir(mode=0o700)
    ak.parent.chmod(0o777)
    code, _, err = keys_cmd(capsys, school_dir, "add", "A001", str(keys["ed25519"]))
    assert code == 1 and "chmod 700" in err and not ak.exists()


def test_a_temp_file_left_by_a_killed_writer_is_cleaned_up(school_dir, ak, keys, capsys):
    ak.parent.mkdir(mode=0o700)
    stale = ak.parent / ".authorized_keys.99999.tmp"
    stale.write_text("half")
    code, _, _ = keys_cmd(capsys, school_dir, "add", "A001", str(keys["ed25519"]))
    assert code == 0 and not stale.exists()


def _add_many(data: str, path: str, ansatt_id: str, count: int) -> None:
    school = open_school(data)
    for n in range(count):
        add_key(school, None, ansatt_id, random_ed25519(f"{ansatt_id}-{n}"), "x", NOW, Path(path))


def test_two_admins_adding_at_once_lose_nothing(school_dir, ak) -> None:
    ak.parent.mkdir(mode=0o700)
    ak.write_text("# the account's own line\n")
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_add_many, args=(str(school_dir), str(ak), who, 25))
        for who in ("A001", "A002")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    entries = AuthorizedKeys(ak, school_dir).entries()
    assert len(entries) == 50
    assert {e.key.comment for e in entries} == {
        f"{w}-{n}" for w in ("A001", "A002") for n in range(25)
    }
    assert ak.read_text().startswith("# the account's own line\n")


# -- who may -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "manage", "app"),
    [
        (Role.FAGLAERER, False, True),
        (Role.KONTAKTLAERER, False, True),
        (Role.AVDELINGSLEDER, False, True),
        (Role.REKTOR, True, True),
        (Role.DRIFT, True, False),
    ],
)
def test_keys_are_managed_by_rektor_and_drift(role, manage, app) -> None:
    person = Staff("X1", "X", role)
    assert may_admin(person, Admin.KEYS) is manage and may_use_children_data(person) is app
    assert not Role.DRIFT.is_ledelse and Role.DRIFT.label == "drift"


def test_over_ssh_a_teacher_may_not_touch_keys(school_dir, ak, keys, capsys) -> None:
    teacher = staff_of(school_dir, Role.FAGLAERER)
    code = main(
        ["--data", str(school_dir), "keys", "add", teacher.id, str(keys["ed25519"])],
        identity=teacher.id,
    )
    _, err = capsys.readouterr()
    assert code == 1 and "Bare rektor og drift" in err and not ak.exists()
    rektor = staff_of(school_dir, Role.REKTOR)
    code = main(["--data", str(school_dir), "keys", "list"], identity=rektor.id)
    assert code == 0


def test_a_staff_import_removes_the_keys_of_people_who_left(
    school_dir, ak, keys, capsys, tmp_path
) -> None:
    roster = open_school(school_dir).roster.staff
    leaving, staying = roster[-1], roster[0]
    keys_cmd(capsys, school_dir, "add", leaving.id, str(keys["ed25519"]))
    keys_cmd(capsys, school_dir, "add", staying.id, str(keys["rsa"]))
    csv = tmp_path / "ansatte.csv"
    rows = ["ansatt_id;navn;rolle;klasser;brukernavn"] + [
        f"{s.id};{s.navn};{s.rolle.value};{' '.join(s.klasser)};{s.brukernavn}" for s in roster[:-1]
    ]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rektor = staff_of(school_dir, Role.REKTOR)  # staff imports are rektor's (or drift's)
    code = main(["--data", str(school_dir), "import", "staff", str(csv)], identity=rektor.id)
    out, err = capsys.readouterr()
    assert code == 0 and "1 SSH-nøkkel fjernet" in out and leaving.id in out, err
    listed = {e.ansatt_id for e in AuthorizedKeys(ak, school_dir).entries()}
    assert listed == {staying.id}
    removed = [e for e in open_school(school_dir).store.log.read() if e["hva"] == "nokkel_fjernet"]
    assert [e["ansatt"] for e in removed] == [leaving.id]
