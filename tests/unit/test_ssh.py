"""End to end through a real OpenSSH server: staff keys land in the app as their owners, and
a key can do nothing else (issue 9, "Trust that holds").

The test starts its own `sshd -D -e` on 127.0.0.1 (free port, own host key, own config,
`AuthorizedKeysFile` the test's file), logs in as the user running the tests (root in CI:
`PermitRootLogin forced-commands-only`, exactly our model) and stops it afterwards, also on
failure. Forwarding is *allowed* in the server's config, so what refuses it is the key's
`restrict`. A missing OpenSSH fails the test with what to do (never a skip).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pwd
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from fravaer_tui.application.school import open_school
from fravaer_tui.domain.model import Role, Staff
from fravaer_tui.domain.sshkeys import ENV_VAR
from tests.unit.sshkit import HOW, keygen, real_school, tool

BOUND = 60.0  # seconds: a bound on waits that end as soon as the awaited thing happens
ANSI = re.compile(
    rb"\x1b\[[0-9;?$>=<]*[A-Za-z~]|\x1b[()][0-9A-Za-z]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[=>]"
)


class Lines(threading.Thread):
    """Reads a process's output into lines as it comes, so a test can wait for one."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.lines: list[str] = []
        self.done = False
        self.changed = threading.Condition()
        self.start()

    def run(self) -> None:
        for raw in self.stream:
            with self.changed:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.done = True
            self.changed.notify_all()

    def mark(self) -> int:
        with self.changed:
            return len(self.lines)

    def wait_for(self, text: str, since: int = 0, timeout: float = BOUND) -> str | None:
        """The first line from `since` on that holds `text`, or None if the stream ended."""

        def found() -> str | None:
            return next((line for line in self.lines[since:] if text in line), None)

        with self.changed:
            self.changed.wait_for(lambda: found() is not None or self.done, timeout)
            return found()

    def text(self) -> str:
        with self.changed:
            return "\n".join(self.lines)


@dataclass
class Server:
    port: int
    user: str
    data: Path
    school: str
    authorized_keys: Path
    known_hosts: Path
    home: Path
    log: Lines
    keys: dict[str, Path]  # ansatt id -> private key
    people: dict[str, Staff]  # "rektor", "kontaktlaerer", "faglaerer", "faglaerer2"

    def ssh_args(self, key: Path, *extra: str) -> list[str]:
        """ssh's own options for this server; `extra` first, as ssh keeps the first value."""
        return [
            tool("ssh"),
            *extra,
            "-F",
            "/dev/null",
            "-p",
            str(self.port),
            "-i",
            str(key),
            "-o",
            f"UserKnownHostsFile={self.known_hosts}",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "IdentityAgent=none",
            "-o",
            "ConnectTimeout=30",
            f"{self.user}@127.0.0.1",
        ]

    def env(self, **more: str) -> dict[str, str]:
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.home), **more}

    def ssh(
        self, who: str, *command: str, extra: tuple[str, ...] = (), stdin: bytes = b""
    ) -> subprocess.CompletedProcess[str]:
        """`ssh -i <who's key> [extra] fravaer@host COMMAND` with nothing on a terminal."""
        return self.many(who, [" ".join(command)], extra, stdin)[0]

    def many(
        self, who: str, requests: list[str], extra: tuple[str, ...] = (), stdin: bytes = b""
    ) -> list[subprocess.CompletedProcess[str]]:
        """Several requests at once (each its own connection), in order."""
        with contextlib.ExitStack() as stack:
            running = [
                stack.enter_context(
                    subprocess.Popen(
                        [*self.ssh_args(self.keys[who], "-T", *extra), *([r] if r else [])],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        env=self.env(),
                    )
                )
                for r in requests
            ]
            results = [proc.communicate(stdin, timeout=BOUND) for proc in running]
        return [
            subprocess.CompletedProcess(proc.args, proc.returncode, out.decode(), err.decode())
            for proc, (out, err) in zip(running, results, strict=True)
        ]

    def fravaer(self, *argv: str) -> subprocess.CompletedProcess[str]:
        """The installed `fravaer` script, as the admin runs it on the server."""
        script = Path(sys.executable).with_name("fravaer")
        return subprocess.run(
            [str(script), "--data", str(self.data), *argv],
            capture_output=True,
            text=True,
            env={**os.environ, ENV_VAR: str(self.authorized_keys)},
            timeout=BOUND,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def sshd(folder: Path, authorized_keys: Path, user: str) -> Iterator[tuple[int, Path, Lines]]:
    """A private sshd on a free port; stopped on the way out, whatever happened."""
    binary = tool("sshd")
    host_key = folder / "host_ed25519"
    keygen(host_key)
    root = os.geteuid() == 0
    if root and not os.path.isdir("/run/sshd"):
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # what the service unit makes
    for _attempt in range(5):
        port = free_port()
        config = folder / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    "ListenAddress 127.0.0.1",
                    f"Port {port}",
                    f"HostKey {host_key}",
                    "PidFile none",
                    "UsePAM no",
                    "StrictModes no",  # the test's files live under /tmp
                    f"AuthorizedKeysFile {authorized_keys}",
                    "AuthenticationMethods publickey",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    f"PermitRootLogin {'forced-commands-only' if root else 'no'}",
                    f"AllowUsers {user}",
                    # Allowed here on purpose: what must refuse them is the key's `restrict`.
                    "AllowTcpForwarding yes",
                    "AllowAgentForwarding yes",
                    "X11Forwarding yes",
                    "PermitTunnel yes",
                    "PermitTTY yes",
                    "Subsystem sftp internal-sftp",
                    # SHLVL=1: the service account's shell is /bin/sh (README), which reads
                    # no file before the forced command; bash, the shell of whoever runs these
                    # tests, sources ~/.bashrc when sshd starts it (Debian's build), unless it
                    # is a nested shell. On this machine that was 0.13 s a login (pyenv init).
                    f"SetEnv {ENV_VAR}={authorized_keys} SHLVL=1",
                    "LogLevel DEBUG1",
                    "MaxStartups 100:30:200",  # the tests connect many times at once
                    "",
                ]
            )
        )
        dump = subprocess.run(
            [binary, "-T", "-f", str(config)], capture_output=True, text=True, timeout=BOUND
        )
        if "persourcepenalties" in dump.stdout:  # OpenSSH >= 9.8 would shut out 127.0.0.1
            with config.open("a") as more:  # after the refused logins these tests make
                more.write("PerSourcePenalties no\n")
        proc = subprocess.Popen(
            [binary, "-D", "-e", "-f", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        log = Lines(proc.stderr)  # type: ignore[arg-type]
        try:
            if log.wait_for(f"Server listening on 127.0.0.1 port {port}") is not None:
                yield port, host_key.with_suffix(".pub"), log
                return
            if "Address already in use" in log.text():
                continue  # another process took the port between our probe and sshd
            pytest.fail(f"sshd did not start:\n{log.text()}\n{HOW}", pytrace=False)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    pytest.fail("sshd found no free port in 5 tries")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Iterator[Server]:
    for name in ("ssh", "ssh-keygen", "ssh-agent", "sshd"):
        tool(name)
    folder = tmp_path_factory.mktemp("sshd")
    home = folder / "home"
    home.mkdir(mode=0o700)
    data = real_school(demo_template, folder / "data")
    school = open_school(data)
    staff = school.roster.staff
    teachers = [s for s in staff if s.rolle is Role.FAGLAERER]
    people = {
        "rektor": next(s for s in staff if s.rolle is Role.REKTOR),
        "kontaktlaerer": next(s for s in staff if s.rolle is Role.KONTAKTLAERER),
        "faglaerer": teachers[0],
        "faglaerer2": teachers[1],
    }
    keys = {
        p.id: keygen(folder / f"key-{p.id}", comment=f"{p.id}@pc").with_suffix("")
        for p in people.values()
    }
    authorized_keys = folder / "authorized_keys"
    user = pwd.getpwuid(os.geteuid()).pw_name
    with sshd(folder, authorized_keys, user) as (port, host_pub, log):
        known_hosts = folder / "known_hosts"
        key_type, blob = host_pub.read_text().split()[:2]
        known_hosts.write_text(f"[127.0.0.1]:{port} {key_type} {blob}\n")
        srv = Server(
            port,
            user,
            data,
            school.config.navn,
            authorized_keys,
            known_hosts,
            home,
            log,
            keys,
            people,
        )
        for person in (people["rektor"], people["kontaktlaerer"]):  # the admin's two staff keys
            added = srv.fravaer("keys", "add", person.id, str(keys[person.id]) + ".pub")
            assert added.returncode == 0, added.stderr
        try:
            yield srv
        finally:  # the logins started the session server: it goes with the test
            srv.fravaer("serve", "--stop")


def open_app(server: Server, who: str) -> str:
    """Log in with a terminal (`ssh -tt`, a real pty), wait for the app's header, quit with
    ctrl+q; returns the name the header shows."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(
        server.ssh_args(server.keys[who], "-tt"),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=server.env(TERM="xterm-256color"),
        start_new_session=True,
    )
    os.close(slave)
    header = re.compile(re.escape(f"{server.school} – ").encode() + rb"(\S+(?: \S+)*)  ")
    seen = b""
    name = None
    try:
        while name is None:
            ready, _, _ = select.select([master], [], [], BOUND)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: ssh exited and the pty closed
                break
            if not chunk:
                break
            seen += chunk
            found = header.search(ANSI.sub(b"", seen))
            name = found.group(1).decode() if found else None
        deadline = time.monotonic() + BOUND
        while proc.poll() is None and time.monotonic() < deadline:
            os.write(master, b"\x11")  # ctrl+q (again, if the app asks whether to quit)
            end = time.monotonic() + 2
            while proc.poll() is None and time.monotonic() < end:  # a terminal is read to
                ready, _, _ = select.select([master], [], [], 0.1)  # the end, as sshd does
                if ready:
                    try:
                        seen += os.read(master, 65536)
                    except OSError:
                        break
        code = proc.wait(5)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    plain = ANSI.sub(b"", seen).decode("utf-8", "replace")
    assert name is not None, f"no header in what ssh showed:\n{plain[-2000:]}"
    assert code == 0, plain[-2000:]
    return name


# -- done when: two staff keys land in the app as two different people ---------


def test_two_staff_keys_land_in_the_app_as_two_different_people(server: Server) -> None:
    rektor, kontakt = server.people["rektor"], server.people["kontaktlaerer"]
    assert open_app(server, rektor.id) == rektor.navn
    assert open_app(server, kontakt.id) == kontakt.navn


# -- a key cannot run a shell, forward a port or pick another person ------------


def test_a_key_runs_no_shell_and_no_other_command(server: Server, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    requests = [  # every refusal in detail: test_ssh_command.py; here: no shell behind them
        "bash",
        f"check; touch {marker}",
        f"check $(touch {marker})",
        f"check `touch {marker}`",
        f"check\ntouch {marker}",
        "demo",
        "ssh " + server.people["rektor"].id,
    ]
    who = server.people["kontaktlaerer"].id
    for request, done in zip(requests, server.many(who, requests), strict=True):
        assert done.returncode == 2, (request, done.stderr)
        assert "fravaer: " in done.stderr and done.stdout == "", request  # our command answered
    assert not marker.exists()
    no_terminal = server.ssh(who)  # no command and no terminal: still not a shell
    assert no_terminal.returncode == 2 and "trenger en terminal" in no_terminal.stderr
    sftp = server.ssh(who, "sftp", extra=("-s",))
    assert sftp.returncode != 0
    copy = subprocess.run(
        [
            tool("scp"),
            "-F",
            "/dev/null",
            "-P",
            str(server.port),
            "-i",
            str(server.keys[who]),
            "-o",
            f"UserKnownHostsFile={server.known_hosts}",
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "IdentityAgent=none",
            f"{server.user}@127.0.0.1:/etc/passwd",
            str(tmp_path / "passwd"),
        ],
        capture_output=True,
        env=server.env(),
        timeout=BOUND,
    )
    assert copy.returncode != 0 and not (tmp_path / "passwd").exists()


def test_a_key_cannot_pick_another_person_folder_or_clock(server: Server, tmp_path: Path):
    rektor, kontakt = server.people["rektor"], server.people["kontaktlaerer"]
    elsewhere = tmp_path / "annen-skole"
    requests = [
        f"keys list --user {rektor.id}",
        f"check --da={elsewhere}",
        "check --now '2026-11-20 10:00'",
        f"import staff {server.data}/../../etc/passwd",
    ]
    for request, done in zip(requests, server.many(kontakt.id, requests), strict=True):
        assert done.returncode == 2 and "ikke tillatt over SSH" in done.stderr, request
    assert not elsewhere.exists()
    mine = server.ssh(kontakt.id, "keys", "list")  # the kontaktlærer is who the key says
    assert mine.returncode == 1 and kontakt.navn in mine.stderr and "Bare rektor" in mine.stderr


def test_a_key_cannot_forward_ports_the_agent_or_x11(server: Server, tmp_path: Path) -> None:
    who = server.people["rektor"].id
    stdio = server.ssh(who, extra=("-W", f"127.0.0.1:{server.port}"))
    assert stdio.returncode == 255 and "administratively prohibited" in stdio.stderr
    remote = server.ssh(
        who, extra=("-N", "-o", "ExitOnForwardFailure=yes", "-R", f"{free_port()}:127.0.0.1:22")
    )
    assert remote.returncode == 255 and "remote port forwarding failed" in remote.stderr

    local_port = free_port()
    local = subprocess.Popen(
        server.ssh_args(
            server.keys[who], "-N", "-v", "-L", f"127.0.0.1:{local_port}:127.0.0.1:{server.port}"
        ),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=server.env(),
    )
    try:
        log = Lines(local.stderr)  # type: ignore[arg-type]
        # logged once the socket listens (the "listening on" line comes just before listen())
        assert log.wait_for("new port-listener")
        with socket.create_connection(("127.0.0.1", local_port), timeout=BOUND) as conn:
            assert conn.recv(100) == b""  # no SSH banner from the far end: the channel was refused
        assert log.wait_for("administratively prohibited")
    finally:
        local.kill()  # ssh -N now and then sleeps through SIGTERM (OpenSSH 9.2)
        local.wait(BOUND)

    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(
        [tool("ssh-agent"), "-D", "-a", str(sock)], stdout=subprocess.PIPE, env=server.env()
    )
    try:
        assert agent.stdout is not None and b"SSH_AUTH_SOCK" in agent.stdout.readline()
        mark = server.log.mark()
        done = server.ssh(who, "help", extra=("-v", "-A", "-o", f"IdentityAgent={sock}"))
        assert done.returncode == 0 and "Requesting authentication agent forwarding" in done.stderr
        assert server.log.wait_for("agent forwarding disabled", since=mark)
    finally:
        agent.terminate()
        agent.wait(BOUND)

    x11 = subprocess.run(
        [*server.ssh_args(server.keys[who], "-T", "-X"), "help"],
        capture_output=True,
        text=True,
        env=server.env(DISPLAY=":0"),
        timeout=BOUND,
    )
    assert x11.returncode == 0 and "X11 forwarding request failed" in x11.stderr


# -- what a key may do, it does as its person ------------------------------------


def test_an_allowed_command_runs_as_that_person(server: Server) -> None:
    rektor = server.people["rektor"]
    check = server.ssh(rektor.id, "check --json --date 20.11.2026")
    assert check.returncode == 0, check.stderr
    assert isinstance(json.loads(check.stdout), list)
    listed = server.ssh(rektor.id, "keys list")
    assert listed.returncode == 0
    for person in (rektor, server.people["kontaktlaerer"]):
        assert person.navn in listed.stdout


def test_removed_keys_and_people_who_left_no_longer_get_in(server: Server) -> None:
    first, second = server.people["faglaerer"], server.people["faglaerer2"]
    for person in (first, second):
        added = server.fravaer("keys", "add", person.id, f"{server.keys[person.id]}.pub")
        assert added.returncode == 0, added.stderr
        assert server.ssh(person.id, "help").returncode == 0

    removed = server.fravaer("keys", "remove", first.id)
    assert removed.returncode == 0, removed.stderr
    refused = server.ssh(first.id, "help")
    assert refused.returncode == 255 and "Permission denied" in refused.stderr

    # rektor imports a staff list without the second teacher, over SSH, on standard input
    staff = open_school(server.data).roster.staff
    rows = ["ansatt_id;navn;rolle;klasser;brukernavn"] + [
        f"{s.id};{s.navn};{s.rolle.value};{' '.join(s.klasser)};{s.brukernavn}"
        for s in staff
        if s.id != second.id
    ]
    imported = server.ssh(
        server.people["rektor"].id,
        "import staff -",
        stdin=("\n".join(rows) + "\n").encode(),
    )
    assert imported.returncode == 0, imported.stderr
    assert "1 SSH-nøkkel fjernet" in imported.stdout and second.id in imported.stdout
    refused = server.ssh(second.id, "help")
    assert refused.returncode == 255 and "Permission denied" in refused.stderr
    assert server.ssh(server.people["kontaktlaerer"].id, "help").returncode == 0
