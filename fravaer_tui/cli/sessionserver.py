"""The session server's loop: one process that has imported the app, forking a session per
forced command.

It listens on `<data>/.run/fravaer.sock` (a folder only the service account can enter) and,
for each forced command that hands it a terminal (`fravaer_tui.connect`), forks a child
that runs the app on that terminal as that person: the child pays for its own screen, not
for Python's and Textual's imports. It ends by itself after `IDLE` seconds with no session,
and at once when a client of another installation (an upgrade) connects.

Only the account that runs it may connect (SO_PEERCRED), and it runs nothing but the forced
command's own request (`--data <this folder> ssh <ansatt-id>`): a child is exactly what
`fravaer ssh ANSATT_ID` would have been in its own process. `cli.serve` starts and stops it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import json
import os
import select
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from fravaer_tui.cli.common import moment_arg
from fravaer_tui.cli.startgate import StartGate, Ticket, wait_turn
from fravaer_tui.connect import NO_SERVER, SOCKET, build_id, training_clock
from fravaer_tui.domain.sshkeys import is_safe_id

IDLE = 15 * 60  # seconds without a session before the server ends
HEADER_LIMIT = 64 * 1024

RUSH = 0.05  # seconds: a second login this close behind the first makes a rush
GC_PAUSE = 10.0  # seconds a new session runs without garbage collection


class Server:
    def __init__(
        self,
        data: Path,
        run_dir: Path,
        warm_up: Callable[[dt.datetime | None], None] | None = None,
    ) -> None:
        self.data = data
        self.warm_up = warm_up
        self.listener: socket.socket | None = None
        self.run_dir = run_dir
        self.build = build_id()
        self.children: set[int] = set()
        self.gate = StartGate()  # the sessions start in turn (`startgate`)
        self.stopping = False
        # SIGTERM wakes the loop through this pipe (signal.set_wakeup_fd): a select() that
        # a signal interrupts is resumed by Python, and `serve --stop` waited out its timeout.
        self._wake_r, self._wake_w = os.pipe()
        for fd in (self._wake_r, self._wake_w):
            os.set_blocking(fd, False)

    def serve(self) -> None:
        path = self.run_dir / SOCKET  # the folder: made by `_only_server`
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # a server killed before it could clean up
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            listener.bind(str(path))
        finally:
            os.umask(old)
        listener.listen(128)
        self.listener = listener
        (self.run_dir / "fravaer.pid").write_text(str(os.getpid()))
        # The warm-up (`_warm_up`) pays back in a rush: when a second login is already
        # waiting behind the first, it comes first and every login of the rush is forked
        # from the warm server; a lone login is forked at once and the warm-up follows.
        warm_up = self.warm_up
        signal.signal(signal.SIGTERM, self._stop)
        signal.set_wakeup_fd(self._wake_w)
        last = time.monotonic()
        try:
            while not self.stopping:
                self._reap()
                if self.children:
                    last = time.monotonic()
                elif time.monotonic() - last > IDLE:
                    break
                timeout = 1.0 if warm_up is None else 0.05
                holding = self.gate.timeout()
                if holding is not None:
                    timeout = min(timeout, holding)
                watched = [listener, self._wake_r, *self.gate.watched()]
                ready, _, _ = select.select(watched, [], [], timeout)
                for fd in ready:
                    if fd in self.gate.starting:  # a session drew its first screen
                        self.gate.up(fd)
                self.gate.expire()
                ready = [fd for fd in ready if fd in (listener, self._wake_r)]
                if self._wake_r in ready:
                    with contextlib.suppress(BlockingIOError):
                        os.read(self._wake_r, 512)
                    continue  # a signal: `stopping` says whether to go on
                if not ready:
                    if warm_up is not None:  # nobody waits: a good moment
                        warm_up(None)
                        warm_up = None
                        signal.set_wakeup_fd(self._wake_w)  # in case the warm-up's loop took it
                    continue
                conn, _ = listener.accept()
                with conn:
                    rush = warm_up is not None and select.select([listener], [], [], RUSH)[0]
                    self._accept(conn, warm_up if rush else None)
                    if rush:
                        warm_up = None
                        signal.set_wakeup_fd(self._wake_w)
                        gc.enable()  # also when a refused request left no warm-up done
                last = time.monotonic()
        finally:
            self.gate.close()  # sessions waiting for their turn start now
            signal.set_wakeup_fd(-1)
            listener.close()
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            with contextlib.suppress(FileNotFoundError):
                (self.run_dir / "fravaer.pid").unlink()

    def _stop(self, *_: object) -> None:
        self.stopping = True

    def _reap(self) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ChildProcessError):
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done == 0:
                    continue
            self.children.discard(pid)
            self.gate.gone(pid)

    def _accept(
        self, conn: socket.socket, warm_up: Callable[[dt.datetime | None], None] | None = None
    ) -> None:
        """Fork a child for the request on `conn`; first `warm_up`, on the request's clock
        (a demo school's `--now`), when the server is to warm up before this child."""
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _, uid, _ = struct.unpack("3i", creds)
        if uid != os.getuid():
            return  # only the service account itself (its forced commands) may connect
        conn.settimeout(5.0)
        try:
            message, fds, _, _ = socket.recv_fds(conn, HEADER_LIMIT, 3)
        except OSError:
            return
        try:
            header = json.loads(message.split(b"\n", 1)[0])
            if header.get("build") != self.build:
                conn.sendall(b"R\n")  # another installation: the client runs the app itself
                self.stopping = True  # and the next start gets a server of the new one
                return
            argv = self._argv(header)
            if len(fds) != 3:
                return
            if warm_up is not None:
                warm_up(_asked_moment(argv))
            ticket = self.gate.ticket()
            try:
                pid = os.fork()
            except OSError:
                for fd in (ticket.go_r, ticket.go_w, ticket.up_r, ticket.up_w):
                    os.close(fd)
                raise
            if pid == 0:
                # The session must not hold the server's socket: if the server goes (kill -9,
                # a crash) while it runs, the next logins would queue on it for ever.
                if self.listener is not None:
                    self.listener.close()
                signal.set_wakeup_fd(-1)  # nor its wake-up pipe: the session's signals are its own
                os.close(self._wake_r)
                os.close(self._wake_w)
                ticket = self.gate.in_child(ticket)
                _child(conn, fds, argv, header.get("env", {}), ticket)  # never returns
            self.children.add(pid)
            self.gate.queue(pid, ticket)
        except (ValueError, OSError):
            return
        finally:
            for fd in fds:
                os.close(fd)

    def _argv(self, header: dict) -> list[str]:
        """The forced command's own request, for this folder, and nothing else."""
        argv = header.get("argv")
        if isinstance(argv, list) and training_clock(argv):
            # a demo school's training clock: the child's ssh command refuses it elsewhere
            return [*map(str, argv[:4]), *self._argv({"argv": [*argv[:2], *argv[4:]]})[2:]]
        if (
            not isinstance(argv, list)
            or len(argv) != 4
            or argv[:1] != ["--data"]
            or Path(str(argv[1])).resolve() != self.data
            or argv[2] != "ssh"
            or not is_safe_id(str(argv[3]))
        ):
            raise ValueError("not the forced command's request")
        return [str(a) for a in argv]


def _asked_moment(argv: list[str]) -> dt.datetime | None:
    """The `--now` of a request (`--data DIR --now T ssh ID`), if it is one the session will
    take (`moment_arg`: 2000–2099; a warm-up in year 1 crashed on the school year's start)."""
    clock = training_clock(argv)
    if clock:
        with contextlib.suppress(argparse.ArgumentTypeError):
            return moment_arg(clock[1])
    return None


def _child(conn: socket.socket, fds: list[int], argv: list[str], env: dict, ticket: Ticket) -> None:
    """In the forked child: take the terminal, run the app as the person, report the code."""
    code = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            os.close(fd)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        kept = {k: str(v) for k, v in env.items() if k in ("TERM", "COLORTERM", "LANG")}
        kept |= {k: str(v) for k, v in env.items() if k in ("LC_ALL", "LC_CTYPE", "TZ")}
        os.environ.update(kept)
        os.environ[NO_SERVER] = "1"
        # New streams on the terminal (the server's were made for /dev/null); Textual uses
        # sys.__stdin__ and sys.__stderr__, so those are set too.
        sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stdout = sys.__stdout__ = open(  # noqa: SIM115
            1, "w", encoding="utf-8", buffering=1, closefd=False
        )
        sys.stderr = sys.__stderr__ = open(  # noqa: SIM115
            2, "w", encoding="utf-8", buffering=1, closefd=False
        )
        conn.settimeout(None)
        threading.Thread(target=_follow_client, args=(conn,), daemon=True).start()
        wait_turn(ticket)  # the sessions of a rush start in turn (`startgate`)
        from fravaer_tui.app import FIRST_FRAME

        FIRST_FRAME.append(lambda: os.close(ticket.up_w))  # drawn: the next one's turn
        # No garbage collection while the session starts (a tenth of its CPU, measured): what
        # it allocates then is its screen, kept; collection resumes once it is up.
        gc.disable()
        resume = threading.Timer(GC_PAUSE, gc.enable)
        resume.daemon = True
        resume.start()
        from fravaer_tui.cli import main

        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - the child must report and end, whatever happened
        code = 1
    finally:
        with contextlib.suppress(OSError):
            conn.sendall(f"X{code}\n".encode())
        os._exit(code)


def _follow_client(conn: socket.socket) -> None:
    """The client's window changed (W): resize. The client went (SSH closed: its socket ends)
    or the terminal hung up: end the session, as a hangup ends a program on a terminal."""
    watch = select.poll()
    watch.register(conn.fileno(), select.POLLIN | select.POLLHUP | select.POLLERR)
    watch.register(0, select.POLLHUP | select.POLLERR)
    while True:
        events = dict(watch.poll())
        gone = bool(events.get(0, 0) & (select.POLLHUP | select.POLLERR))
        if not gone and conn.fileno() in events:
            try:
                data = conn.recv(64)
            except OSError:
                data = b""
            gone = not data
            if b"W" in data:
                os.kill(os.getpid(), signal.SIGWINCH)
        if gone:
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(3)
            os._exit(129)
