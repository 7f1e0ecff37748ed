"""The session server (`fravaer serve`): forced SSH logins forked from a process that has
the app loaded, on a real terminal (a pty, as sshd gives one), as the person the key names."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fravaer_tui.application.keys import fravaer_program
from fravaer_tui.application.school import open_school
from fravaer_tui.connect import RUN_DIR, SOCKET, START_TIMEOUT, build_id, to_json
from tests.conftest import copy_school
from tests.unit.test_trust import make_real

ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()=>][A-Z0-9]?")
REPO = Path(__file__).parents[2]


def _controlling_terminal() -> None:
    """As sshd does: a session of its own, with the pty as its controlling terminal (so it
    gets SIGHUP when the connection goes and SIGWINCH when the window changes)."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Login:
    """`fravaer --data DIR ssh ANSATT_ID` on a pty of its own, as sshd runs the forced command."""

    def __init__(
        self, data: Path, ansatt: str, env: dict[str, str] | None = None, now: str = ""
    ) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        environ = {k: v for k, v in os.environ.items() if k != "SSH_ORIGINAL_COMMAND"}
        environ |= {"TERM": "xterm-256color", **(env or {})}
        self.proc = subprocess.Popen(
            [
                *fravaer_program(),  # the forced command as `fravaer keys` writes it
                *("--data", str(data)),
                *(("--now", now) if now else ()),  # a demo school's training clock
                *("ssh", ansatt),
            ],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environ,
            cwd=REPO,
            preexec_fn=_controlling_terminal,
        )
        os.close(slave)
        self.seen = b""

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        """Read the screen until `text` shows (the escape codes taken out)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.master, 1 << 16)
                except OSError:
                    chunk = b""
                self.seen += chunk
                if not chunk and self.proc.poll() is not None:
                    break
            shown = ANSI.sub(b"", self.seen).decode("utf-8", "replace")
            if text in shown:
                return shown
        shown = ANSI.sub(b"", self.seen).decode("utf-8", "replace")
        raise AssertionError(f"«{text}» kom aldri; skjermen viste: {shown[-800:]}")

    def keys(self, data: bytes) -> None:
        os.write(self.master, data)

    def hang_up(self) -> None:
        """The SSH connection goes: the pty's other end closes."""
        os.close(self.master)
        self.master = -1

    def drain(self, seconds: float) -> None:
        """Read what the app writes for `seconds` (a terminal that is not read stops it)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.proc.poll() is None:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.seen += os.read(self.master, 1 << 16)
                except OSError:
                    return

    def quit(self, timeout: float = 30.0) -> int:
        """ctrl+q (again if the app asks whether to quit) and the exit code."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.keys(b"\x11")
            self.drain(2.0)
        code = self.proc.wait(timeout=5)
        os.close(self.master)
        return code


def stop_server(data: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "fravaer_tui.cli", "--data", str(data), "serve", "--stop"],
        cwd=REPO,
        capture_output=True,
    )
    pid = server_pid(data)
    if pid:
        with_timeout(lambda: not alive(pid))


@pytest.fixture
def school(demo_dir: Path) -> Iterator[Path]:
    """A school of the test's own, for the tests that stop, kill or replace its server."""
    data = make_real(demo_dir).resolve()
    yield data
    stop_server(data)


@pytest.fixture(scope="module")
def _one_server(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("served") / "data"
    copy_school(demo_template, folder)
    data = make_real(folder).resolve()
    yield data
    stop_server(data)


@pytest.fixture
def served(_one_server: Path) -> Iterator[Path]:
    """A school whose server the module's other logins share, as a school's morning does
    (the first login of the module starts it); a test leaves no session of its own."""
    yield _one_server
    pid = server_pid(_one_server)
    if pid:
        with_timeout(lambda: children(pid) == [])


def server_pid(data: Path) -> int | None:
    try:
        return int((data / RUN_DIR / "fravaer.pid").read_text())
    except (OSError, ValueError):
        return None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = (
        Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}").exists() else "X"
    )
    return status != "Z"


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return [p for p in found if alive(p)]


def with_timeout(ok, seconds: float = 10.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not ok():
        assert time.monotonic() < deadline, "ventet for lenge"
        time.sleep(0.05)


def test_two_logins_are_forked_from_one_server_as_two_people(served: Path) -> None:
    first = Login(served, "A005")
    first.wait_for("Håvard Rønning")  # the kontaktlærer in the title, not the OS login
    server = server_pid(served)
    assert server and alive(server)
    second = Login(served, "A001")
    second.wait_for("Nina Andreassen")
    assert server_pid(served) == server  # one server for both logins
    assert len(children(server)) == 2
    for login in (first, second):
        assert login.quit() == 0
    with_timeout(lambda: children(server) == [])
    assert alive(server)  # it stays for the next login


def test_a_server_killed_midway_leaves_its_sessions_and_the_next_login_starts_anew(
    school: Path,
) -> None:
    """kill -9 of the server (the warm-up may be running, or a rush being forked): the
    sessions it forked go on, its socket is left behind, and the next login neither hangs
    nor fails: it starts a server of its own."""
    first = Login(school, "A005")
    first.wait_for("Håvard Rønning")
    killed = server_pid(school)
    assert killed and alive(killed)
    os.kill(killed, signal.SIGKILL)
    with_timeout(lambda: not alive(killed))
    assert (school / RUN_DIR / SOCKET).exists()  # nobody cleaned up
    second = Login(school, "A001")
    second.wait_for("Nina Andreassen")
    fresh = server_pid(school)
    assert fresh and fresh != killed and alive(fresh)
    for login in (first, second):  # the first session outlived its server
        assert login.quit() == 0


def test_the_server_warms_up_on_a_demo_schools_training_clock(demo_dir: Path) -> None:
    """Training on the demo school runs on a set clock (`--now`). The server its first login
    starts warms up (a roll call run headless, with its class's shared check) on that clock.
    It ran on the wall clock: it checked another day and pruned the training day's shared
    results, so every login after it checked its classes again (issue 10: the storm)."""
    data = demo_dir.resolve()
    school = open_school(data)
    day = school.calendar.on_or_next_school_day(dt.date(2026, 11, 23))
    warmed = school.roster.classes[0]  # the warm-up's class (`_one_roll_call`)
    slot = next(
        s
        for k in school.roster.classes[1:]
        for s in sorted(school.roster.slots_on(k, day), key=lambda s: s.time)
        if warmed not in school.roster.staff_member(s.laerer).klasser
        and all(t.laerer != s.laerer for t in school.roster.timetable if t.klasse == warmed)
    )  # a teacher whose session does not check the warm-up's class itself
    moment = dt.datetime.combine(day, slot.start) + dt.timedelta(minutes=1)
    results = data / ".cache" / "sjekk"
    login = Login(data, slot.laerer, now=moment.isoformat())
    try:
        login.wait_for(f"{slot.klasse} ·")
        with_timeout(lambda: (results / day.isoformat() / f"{warmed}.json").exists(), 20)
        assert sorted(p.name for p in results.iterdir()) == [day.isoformat()]
        assert login.quit() == 0
    finally:
        stop_server(data)


WARM_UP = """
import datetime as dt, sys
from pathlib import Path
from fravaer_tui.cli.serve import _warm_up
_warm_up(Path(sys.argv[1]), dt.datetime.fromisoformat(sys.argv[2]), fixed=sys.argv[3] == "fast")
"""


def test_a_real_schools_server_is_never_warmed_up_on_a_set_clock(school: Path) -> None:
    """A real school runs on the wall clock: a server started with `--now` there (its forced
    command refuses --now anyway) does not warm up on that clock, which would check another
    day and prune the real day's shared results. On the wall clock, it warms up."""
    results = school / ".cache" / "sjekk"
    moment = dt.datetime(2026, 11, 23, 10, 24)

    def warm_up(clock: str) -> list[str]:
        args = [sys.executable, "-c", WARM_UP, str(school), moment.isoformat(), clock]
        subprocess.run(args, cwd=REPO, check=True, timeout=120)
        return sorted(p.name for p in results.iterdir()) if results.exists() else []

    assert warm_up("fast") == []
    assert warm_up("veggklokka") == [moment.date().isoformat()]


@pytest.mark.parametrize(
    ("now", "taken"),
    [
        ("2026-11-23T10:24", dt.datetime(2026, 11, 23, 10, 24)),
        ("0001-01-01T10:00", None),  # the warm-up crashed on the school year's start
        ("9999-12-31T10:00", None),
        ("=1+1", None),
        ("2026-11-23T10:24+01:00", None),
    ],
)
def test_a_requests_training_clock_is_taken_only_where_the_session_takes_it(
    now: str, taken: dt.datetime | None
) -> None:
    """The warm-up runs on a request's `--now` only when it is one the session's own command
    line takes (2000–2099, no time zone); any other runs on the server's clock."""
    from fravaer_tui.cli.sessionserver import _asked_moment

    assert _asked_moment(["--data", "/skole", "--now", now, "ssh", "A1"]) == taken


def test_a_second_server_is_refused_and_the_first_keeps_serving(school: Path) -> None:
    """An admin starting `fravaer serve` by hand while one runs (two at once): the second
    would take the socket away from the first. It is refused in words; and a `.run` that is
    a symlink is refused too, nothing made through it."""
    first = Login(school, "A005")
    first.wait_for("Håvard Rønning")
    server = server_pid(school)
    cli = [sys.executable, "-m", "fravaer_tui.cli", "--data", str(school), "serve"]
    done = subprocess.run(cli, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "En øktserver kjører allerede" in done.stderr
    assert "Traceback" not in done.stderr
    second = Login(school, "A001")
    second.wait_for("Nina Andreassen")
    assert server_pid(school) == server
    for login in (first, second):
        assert login.quit() == 0
    stopped = subprocess.run([*cli, "--stop"], cwd=REPO, capture_output=True, text=True)
    assert f"Øktserveren (prosess {server}) er stoppet." in stopped.stdout
    assert not (school / RUN_DIR / SOCKET).exists()  # gone when it says so, not a moment later
    with_timeout(lambda: not alive(server))
    elsewhere = school.parent / "et-annet-sted"
    elsewhere.mkdir()
    shutil.rmtree(school / RUN_DIR)
    (school / RUN_DIR).symlink_to(elsewhere)
    done = subprocess.run(cli, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "er en lenke" in done.stderr
    assert list(elsewhere.iterdir()) == []


def test_two_servers_started_at_once_leave_one_serving(school: Path) -> None:
    """A first login killed (or hung up) while its server loads lets the next login start
    another: two servers start before either answers. The second took the socket from the
    first, which ran on unreachable for 15 minutes (found by killing a first login). Now one
    serves, the other ends at once in words, and a login and a stop reach the one."""
    cli = [sys.executable, "-m", "fravaer_tui.cli", "--data", str(school), "serve"]
    servers = [
        subprocess.Popen(
            cli,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for _ in range(2)
    ]
    try:
        with_timeout(lambda: any(p.poll() is not None for p in servers), 30)
        refused = next(p for p in servers if p.poll() is not None)
        running = next(p for p in servers if p is not refused)
        assert refused.stderr is not None
        assert refused.returncode == 1 and "En øktserver kjører allerede" in refused.stderr.read()
        with_timeout(lambda: server_pid(school) == running.pid, 30)
        login = Login(school, "A005")
        login.wait_for("Håvard Rønning")
        assert children(running.pid) != []
        assert login.quit() == 0
        stop_server(school)
        assert running.wait(10) == 0
    finally:
        for server in servers:
            if server.poll() is None:
                server.kill()
                server.wait()


def test_a_server_that_refuses_to_start_leaves_the_login_to_run_at_once(school: Path) -> None:
    """A link where the server's lock goes (left by a careless admin, or planted): the
    server refuses it in words and writes nothing through it, and the login that started
    it sees it end and runs the app itself at once, not after the 20 s start timeout."""
    target = school.parent / "ikke-min.txt"
    target.write_text("urørt\n")
    (school / RUN_DIR).mkdir(mode=0o700)
    (school / RUN_DIR / "server.lock").symlink_to(target)
    cli = [sys.executable, "-m", "fravaer_tui.cli", "--data", str(school), "serve"]
    done = subprocess.run(cli, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "server.lock" in done.stderr
    assert "Traceback" not in done.stderr
    login = Login(school, "A005")
    login.wait_for("Håvard Rønning", timeout=START_TIMEOUT / 2)
    assert login.quit() == 0
    assert server_pid(school) is None
    assert target.read_text() == "urørt\n"


def test_a_training_clock_out_of_range_is_said_at_once(demo_dir: Path) -> None:
    """`--now 9999-12-31T10:00` in a demo school's forced command: the server it starts
    refuses the clock and ends, and the login says why at once (it waited 20 s before)."""
    data = demo_dir.resolve()
    try:
        for when in ("9999-12-31T10:00", "0001-01-01T10:00"):
            login = Login(data, "A005", now=when)
            login.wait_for("utenfor datoene programmet kan bruke", timeout=START_TIMEOUT / 2)
            assert login.proc.wait(5) == 2
            os.close(login.master)
        assert server_pid(data) is None
    finally:
        stop_server(data)


def test_a_dropped_connection_ends_its_session(served: Path) -> None:
    login = Login(served, "A005")
    login.wait_for("Håvard Rønning")
    server = server_pid(served)
    assert server and len(children(server)) == 1
    login.hang_up()  # the SSH connection goes: the kernel hangs up the client's terminal
    login.proc.wait(timeout=30)
    with_timeout(lambda: children(server) == [])  # no app left running on a dead terminal


def test_a_resized_window_reaches_the_session(served: Path) -> None:
    login = Login(served, "A005")
    login.wait_for("Håvard Rønning")
    fcntl.ioctl(login.master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    # the kernel tells the terminal's foreground process (the client) on a resize
    login.seen = b""
    login.wait_for("Håvard Rønning")  # drawn again, at the new size
    assert login.quit() == 0


def test_the_server_runs_nothing_but_the_forced_command(served: Path) -> None:
    login = Login(served, "A005")
    login.wait_for("Håvard Rønning")
    server = server_pid(served)
    assert server is not None
    path = served / RUN_DIR / SOCKET
    for argv in (
        ["--data", str(served), "check"],
        ["--data", "/tmp", "ssh", "A005"],
        ["--data", str(served), "ssh", "-A005"],
        ["--data", str(served), "--user", "A001", "ssh", "A005"],
    ):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(str(path))
        header = {"argv": argv, "env": {}, "build": build_id()}
        r, w = os.pipe()
        socket.send_fds(conn, [json.dumps(header).encode() + b"\n"], [r, w, w])
        assert conn.recv(16) == b""  # closed at once: nothing forked, nothing run
        conn.close()
        os.close(r)
        os.close(w)
    assert len(children(server)) == 1
    assert login.quit() == 0


def test_another_user_cannot_reach_the_server(served: Path) -> None:
    if os.geteuid() != 0:
        pytest.fail("needs root to run as another user; CI runs as root")
    login = Login(served, "A005")
    login.wait_for("Håvard Rønning")

    def as_nobody() -> None:
        os.setgid(65534)
        os.setuid(65534)

    probe = (
        "import socket, sys\n"
        "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
        "try:\n    s.connect(sys.argv[1]); print('connected')\n"
        "except PermissionError: print('refused')\n"
    )
    python = "/usr/bin/python3"  # the project's venv may be out of reach for «nobody»
    done = subprocess.run(
        [python, "-c", probe, str(served / RUN_DIR / SOCKET)],
        capture_output=True,
        text=True,
        preexec_fn=as_nobody,
        cwd="/",
    )
    assert done.stdout.strip() == "refused"
    assert login.quit() == 0


def test_a_file_where_the_server_folder_goes_is_named_and_logins_still_work(
    school: Path,
) -> None:
    """A `.run` that is a file (left by hand, a backup tool): `fravaer serve` says so and
    what to do, instead of «File exists»; the file is left as it was, and a login runs."""
    (school / RUN_DIR).write_text("ikke min\n")
    cli = [sys.executable, "-m", "fravaer_tui.cli", "--data", str(school), "serve"]
    for extra in ([], ["--stop"]):
        done = subprocess.run([*cli, *extra], cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 1 and "er en fil, ikke øktserverens mappe" in done.stderr
        assert "Traceback" not in done.stderr
    login = Login(school, "A005")
    login.wait_for("Håvard Rønning")
    assert login.quit() == 0
    assert (school / RUN_DIR).read_text() == "ikke min\n"


STARTER = """
import os, sys
from fravaer_tui import connect
kept = os.open(sys.argv[2], os.O_RDONLY)
os.set_inheritable(kept, True)  # as a file sshd or a shell might leave open
data = sys.argv[1]
conn = connect._start_and_connect(data, os.path.join(data, connect.RUN_DIR), [])
print(conn is not None, "subprocess" in sys.modules, os.readlink(f"/proc/self/fd/{kept}"))
"""


def test_the_login_that_starts_the_server_leaves_it_on_its_own(school: Path) -> None:
    """The first login of a morning starts the server as `subprocess.Popen` with a session
    of its own would, without loading `subprocess` (30 ms of CPU, paid by every login of a
    rush that finds no server yet): the server is in its own session (the SSH connection's
    hangup is not its), on /dev/null, and holds none of the login's open files."""
    marker = school.parent / "holdt-apen.txt"  # a file the server has no reason to open
    marker.write_text("")
    done = subprocess.run(
        [sys.executable, "-c", STARTER, str(school), str(marker)],
        cwd=REPO,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.stdout.split() == ["True", "False", str(marker)], done.stderr
    pid = server_pid(school)
    assert pid is not None and alive(pid)
    assert os.getsid(pid) == pid
    held = {os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir() if f.is_symlink()}
    assert {os.readlink(f"/proc/{pid}/fd/{n}") for n in (0, 1, 2)} == {os.devnull}
    assert str(marker) not in held


def test_a_server_that_cannot_be_started_is_said_at_once(school: Path) -> None:
    """A server program that cannot be run (an installation moved or half removed) raises
    OSError in the login at once, as Popen did, so the login runs the app itself rather
    than wait 20 s for a server that never comes; and no server is left behind."""
    starter = STARTER.replace("conn = ", "sys.executable = '/nonexistent/python'\nconn = ")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", starter, str(school), os.devnull],
        cwd=REPO,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert "FileNotFoundError" in done.stderr and "/nonexistent/python" in done.stderr
    assert time.monotonic() - started < START_TIMEOUT
    assert server_pid(school) is None


def test_without_a_server_the_login_runs_on_its_own(school: Path) -> None:
    login = Login(school, "A005", env={"FRAVAER_UTEN_TJENER": "1"})
    login.wait_for("Håvard Rønning")
    assert server_pid(school) is None
    assert login.quit() == 0


def test_a_server_that_closes_without_taking_the_login_leaves_it_to_run_here() -> None:
    """A server stopping (idle, or `serve --stop`) while a login waits in its queue closes
    that connection with the request unread: the client gets a reset, not an exit code.
    Nothing ran for it, so it runs the app itself (None) rather than fail or print a
    traceback — found by the storm bench, two logins of forty in a row started that way."""
    from fravaer_tui.connect import _session

    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGWINCH, signal.SIGHUP, signal.SIGTERM)}
    client, server = socket.socketpair()
    try:
        with client:
            closer = threading.Thread(target=lambda: time.sleep(0.05) or server.close())
            closer.start()
            assert _session(client, ["--data", "/x", "ssh", "A001"]) is None
            closer.join()
    finally:
        for sig, handler in kept.items():  # the client's handlers are for a client process
            signal.signal(sig, handler)


def test_a_pid_file_left_by_a_killed_server_gets_no_one_a_signal(school: Path) -> None:
    """A server killed with -9 leaves its pid file; by the time of `serve --stop` its number
    may be another process's. Nothing answers on the socket, so nobody is signalled."""
    bystander = subprocess.Popen(["sleep", "30"])
    try:
        (school / RUN_DIR).mkdir(mode=0o700)
        (school / RUN_DIR / "fravaer.pid").write_text(str(bystander.pid))
        cli = [sys.executable, "-m", "fravaer_tui.cli", "--data", str(school), "serve", "--stop"]
        done = subprocess.run(cli, cwd=REPO, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and "Ingen øktserver kjører." in done.stdout
        assert bystander.poll() is None  # still sleeping
    finally:
        bystander.kill()
        bystander.wait()


def test_a_stop_through_a_linked_run_folder_stops_no_other_schools_server(
    school: Path, served: Path
) -> None:
    """A careless admin (or a colleague) links this school's `.run` to another school's:
    `serve --stop` here must not stop the server that link leads to."""
    login = Login(served, "A005")
    login.wait_for("Håvard Rønning")
    other = server_pid(served)
    assert other and alive(other)
    link = school / RUN_DIR
    link.symlink_to(served / RUN_DIR)
    try:
        cli = [sys.executable, "-m", "fravaer_tui.cli", "--data", str(school), "serve", "--stop"]
        done = subprocess.run(cli, cwd=REPO, capture_output=True, text=True, timeout=60)
        assert done.returncode == 1 and "er en lenke" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    finally:
        link.unlink()
    assert alive(other) and server_pid(served) == other
    assert login.quit() == 0


ANY_TEXT = st.text(st.characters(exclude_categories=()))  # surrogates too (undecodable argv)


@given(st.dictionaries(ANY_TEXT, ANY_TEXT | st.lists(ANY_TEXT)))
def test_a_logins_header_is_json_the_server_reads_whatever_it_holds(header: dict) -> None:
    """The client writes its header without the json module (`connect.to_json`)."""
    assert json.loads(to_json(header).encode("utf-8")) == header
