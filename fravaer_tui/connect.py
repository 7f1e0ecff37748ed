"""The forced command's fast start: hand the terminal to the school's session server.

Forty staff opening the app in the same minute on a two-core server cannot each pay
Python's and Textual's imports (DESIGN, Known pitfalls: ~0.5 s of CPU a start, p95 13 s
to a ready roll call). So `fravaer --data DIR ssh ANSATT_ID` without a command does not
import the app: it sends its terminal (stdin, stdout, stderr, as file descriptors over a
Unix socket) to `fravaer serve`, which has everything imported already and forks a child
that runs the app on that terminal as that person. This module uses the standard library
only, so the forced command costs what Python's start costs.

It forwards window-size changes (SIGWINCH) to the child, ends the child when the SSH
connection goes (SIGHUP), and returns the child's exit code. Whenever the server cannot be
reached or started, it returns None and the caller runs the app in its own process.
"""

from __future__ import annotations

# The C modules under `socket` and `signal`, and no `json`: their Python layers and what
# they import (enum, selectors, re) were a third of a forced login's start, paid forty
# times over in a morning rush.
import _signal
import _socket
import fcntl
import os
import sys
import time

RUN_DIR = ".run"
SOCKET = "fravaer.sock"
START_LOCK = "start.lock"
NO_SERVER = "FRAVAER_UTEN_TJENER"  # set: always run in this process (the server's children)
ENV_KEPT = ("TERM", "COLORTERM", "LANG", "LC_ALL", "LC_CTYPE", "NO_COLOR", "TZ")
START_TIMEOUT = 20.0  # seconds a first client waits for the server it started


def build_id() -> str:
    """Which installation this is: a server of another version is not used. (Every login
    asks, so it walks the package with `os.scandir`: a third of pathlib's cost.)"""
    here = os.path.dirname(os.path.realpath(__file__))
    newest, folders = 0, [here]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    newest = max(newest, entry.stat(follow_symlinks=False).st_mtime_ns)
    return f"{here}:{newest}"


def forced_app_request(argv: list[str]) -> tuple[str, str] | None:
    """(data folder, ansatt id) when `argv` is the forced command opening the app:
    `--data DIR ssh ID`, or on a demo school for training `--data DIR --now T ssh ID`."""
    if training_clock(argv):
        argv = [*argv[:2], *argv[4:]]
    if len(argv) != 4 or argv[0] != "--data" or argv[2] != "ssh":
        return None
    if os.environ.get("SSH_ORIGINAL_COMMAND", "").strip() or os.environ.get(NO_SERVER):
        return None
    if not (os.isatty(0) and os.isatty(1)):
        return None
    data = argv[1]
    return (data, argv[3]) if os.path.isabs(data) else None


def training_clock(argv: list[str]) -> list[str]:
    """The `--now T` of a forced command with a demo school's training clock (`--data DIR
    --now T ssh ID`), or nothing."""
    return argv[2:4] if len(argv) == 6 and argv[2] == "--now" else []


def via_server(argv: list[str]) -> int | None:
    """Run the app through the session server; None when it is not for the server."""
    request = forced_app_request(argv)
    if request is None:
        return None
    data, _ = request
    run_dir = os.path.join(data, RUN_DIR)
    try:
        conn = _connect(run_dir) or _start_and_connect(data, run_dir, training_clock(argv))
    except OSError:
        return None
    if conn is None:
        return None
    try:
        return _session(conn, argv)
    finally:
        conn.close()


def _connect(run_dir: str) -> _socket.socket | None:
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        conn.connect(os.path.join(run_dir, SOCKET))
    except (FileNotFoundError, ConnectionRefusedError):
        conn.close()
        return None
    return conn


def foreign_run_dir(run_dir: str | os.PathLike[str]) -> bool:
    """Whether the server's folder is a link or another account's: no server is started,
    reached or stopped through it (a link to another school's would reach that school's)."""
    return os.path.islink(run_dir) or (
        os.path.exists(run_dir) and os.lstat(run_dir).st_uid != os.geteuid()
    )


def _start_and_connect(data: str, run_dir: str, clock: list[str]) -> _socket.socket | None:
    """Start the server (one client does; the others wait on the lock) and connect. A demo
    school's training clock (`clock`: `--now T` or nothing) goes with it, for its warm-up."""
    if not os.path.isdir(run_dir):
        os.mkdir(run_dir, 0o700)
    if foreign_run_dir(run_dir):
        return None
    fd = os.open(os.path.join(run_dir, START_LOCK), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        conn = _connect(run_dir)  # another client started it while this one waited
        if conn is not None:
            return conn
        server = _spawn_server(
            [sys.executable, "-m", "fravaer_tui.cli", "--data", data, *clock, "serve"]
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            ended = os.waitpid(server, os.WNOHANG)[0] != 0  # it refused to start: no wait
            conn = _connect(run_dir)
            if conn is not None or ended:
                return conn
            time.sleep(0.02)
        return None
    finally:
        os.close(fd)


def _spawn_server(argv: list[str]) -> int:
    """Start `argv` as the server: in a session of its own (it outlives this SSH session),
    on /dev/null, holding none of this process's files, as `subprocess.Popen` with
    `start_new_session` would. Forked by hand, because `subprocess` and what it imports
    (selectors, threading, locale, re) cost 30 ms of CPU, and in a morning rush every login
    that finds no server yet would pay it while the server it waits for is loading. An exec
    that fails raises OSError here, as Popen's would (the login then runs the app itself)."""
    env = {**os.environ, NO_SERVER: ""}
    failed_r, failed_w = os.pipe()  # closed by a successful exec; else it carries the errno
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child execs or exits, and never returns
        try:
            os.close(failed_r)
            failed_w = fcntl.fcntl(failed_w, fcntl.F_DUPFD_CLOEXEC, 3)  # clear of 0, 1 and 2
            os.setsid()
            null = os.open(os.devnull, os.O_RDWR)
            for std in (0, 1, 2):
                os.dup2(null, std)
            os.closerange(3, failed_w)
            os.closerange(failed_w + 1, os.sysconf("SC_OPEN_MAX"))
            os.execve(argv[0], argv, env)
        except OSError as exc:
            os.write(failed_w, str(exc.errno).encode())
        finally:
            os._exit(127)
    os.close(failed_w)
    try:
        failed = os.read(failed_r, 16)
    finally:
        os.close(failed_r)
    if failed:
        os.waitpid(pid, 0)
        raise OSError(int(failed), os.strerror(int(failed)), argv[0])
    return pid  # the server goes on after this login, which does not wait for it


def _session(conn: _socket.socket, argv: list[str]) -> int | None:
    header = {
        "argv": argv,
        "env": {k: os.environ[k] for k in ENV_KEPT if k in os.environ},
        "build": build_id(),
    }
    payload = to_json(header).encode("utf-8") + b"\n"
    terminal = b"".join(fd.to_bytes(4, sys.byteorder) for fd in (0, 1, 2))  # as send_fds does
    try:
        conn.sendmsg([payload], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, terminal)])
    except OSError:
        return None
    _signal.signal(_signal.SIGWINCH, lambda *_: _send(conn, b"W"))
    for hangup in (_signal.SIGHUP, _signal.SIGTERM):
        _signal.signal(hangup, lambda *_: os._exit(129))  # the socket closes: the child ends
    buffer = b""
    while True:
        try:
            chunk = conn.recv(64)
        except InterruptedError:
            continue
        except OSError:
            if not buffer:  # the server closed without taking the request (it was stopping,
                return None  # idle or told to): nothing ran, so the app runs here instead
            chunk = b""
        if not chunk:
            # The child went without an exit code (killed): say so on the terminal.
            os.write(2, "\r\nfravaer: økten ble avbrutt.\r\n".encode())
            return 1
        buffer += chunk
        if buffer.startswith(b"R"):  # a server of another version: run here instead
            return None
        if b"\n" in buffer and buffer.startswith(b"X"):
            return int(buffer[1 : buffer.index(b"\n")])


def _send(conn: _socket.socket, data: bytes) -> None:
    try:  # noqa: SIM105 - contextlib is not loaded here (see the imports)
        conn.send(data)
    except OSError:
        pass


def to_json(value: object) -> str:
    """The header as JSON (lists, dicts and strings; the server reads it with `json`). Any
    string goes: quotes, backslashes, control characters and the lone surrogates that
    undecodable bytes in argv or the environment become are written as escapes."""
    if isinstance(value, str):
        return '"' + "".join(map(_json_char, value)) + '"'
    if isinstance(value, list):
        return "[" + ",".join(map(to_json, value)) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{to_json(k)}:{to_json(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"not in a header: {value!r}")


def _json_char(c: str) -> str:
    if c == '"' or c == "\\":
        return "\\" + c
    if c < " " or "\ud800" <= c <= "\udfff":
        return f"\\u{ord(c):04x}"
    return c
