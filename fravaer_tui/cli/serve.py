"""`fravaer serve`: the session server that makes forty morning starts cheap, started and
stopped.

The first forced command of the day starts it (`fravaer_tui.connect`); `serve --stop` ends
it (after an upgrade). Here: one server per school (a lock held for its life), what it
loads and warms up before the first session is forked, and the stop. The loop that forks
the sessions is `sessionserver`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import fcntl
import gc
import os
import signal
import socket
import threading
import time
from pathlib import Path

from fravaer_tui.cli.common import Invocation, Subparsers
from fravaer_tui.cli.sessionserver import IDLE, Server
from fravaer_tui.connect import RUN_DIR, SOCKET, foreign_run_dir
from fravaer_tui.errors import UserError


def add_parser(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    serve = sub.add_parser(
        "serve",
        parents=[common],
        help="øktserveren for SSH-innlogginger (startes av seg selv ved første innlogging)",
        description="Holder programmet lastet, så hver ansatt som logger inn med SSH får en "
        "egen prosess på et øyeblikk. Startes av den første innloggingen og avslutter seg "
        f"selv etter {IDLE // 60} minutter uten økter. --stop avslutter den nå (f.eks. etter "
        "en oppgradering).",
    )
    serve.add_argument("--stop", action="store_true", help="avslutt en server som kjører")
    serve.set_defaults(handler=run)


def run(args: argparse.Namespace, inv: Invocation) -> int:
    data = inv.data_dir.resolve()
    run_dir = data / RUN_DIR
    what = "stoppes" if args.stop else "starter"
    if foreign_run_dir(run_dir):  # neither start a server there nor stop the one it leads to
        raise UserError(
            f"{run_dir} er en lenke eller eies av en annen bruker, så øktserveren {what} ikke "
            f"der. Fjern den (rm -r «{run_dir}») hvis du ikke vet hvorfor den er der."
        )
    if run_dir.exists() and not run_dir.is_dir():
        raise UserError(
            f"{run_dir} er en fil, ikke øktserverens mappe, så øktserveren {what} ikke. "
            "Flytt fila et annet sted hvis du ikke vet hva den er; innloggingene virker imens, "
            "hver for seg."
        )
    if args.stop:
        return _stop(run_dir)
    if _answers(run_dir / SOCKET) or not _only_server(run_dir):
        raise UserError(
            f"En øktserver kjører allerede for {data}. Vil du starte den på nytt (etter en "
            "oppgradering), stopp den først: fravaer serve --stop"
        )
    gc.disable()  # what is loaded until the warm-up is kept: collecting it is wasted (~10 %)
    _preload(data)
    # The warm-up runs on the sessions' clock: a demo school's training clock comes with the
    # request that sets it off, or with `serve --now` from the login that started the server.
    Server(
        data,
        run_dir,
        lambda asked: _warm_up(data, asked or inv.now, fixed=asked is not None or inv.now_given),
    ).serve()
    return 0


def _answers(path: Path) -> bool:
    """Whether a server listens on `path` (a second one would take its socket away)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except OSError:
        return False
    finally:
        probe.close()
    return True


SERVER_LOCK = "server.lock"
SERVER_WAIT = 10.0  # seconds a new server waits for one that is ending


def _only_server(run_dir: Path) -> bool:
    """Whether this process now holds the server's lock, for its life (False: another
    server serves meanwhile).

    Two servers can start at once: a first login killed or hung up while its server loads
    lets the next login start another, and neither finds a socket answering yet. The second
    took the socket away, and the first ran on, unreachable, until its idle end (15 min).
    The lock is a POSIX one: the server's own (a forked session does not inherit it) and
    gone with the process however it ends. A server that holds it and is ending is waited
    for, so the next login's server takes over at once."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(run_dir, 0o700)
    fd = os.open(run_dir / SERVER_LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    deadline = time.monotonic() + SERVER_WAIT
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            if _answers(run_dir / SOCKET) or time.monotonic() > deadline:
                os.close(fd)
                return False
            time.sleep(0.05)
        else:
            return True  # `fd` stays open until the server ends: closing it would unlock


def _preload(data: Path) -> None:
    """Everything a session imports, once, before any child is forked, and the school's
    roster parsed (kept by file version: a child uses it while the file is unchanged)."""
    import fravaer_tui.app  # noqa: F401
    import fravaer_tui.application.checker  # noqa: F401
    import fravaer_tui.application.session  # noqa: F401
    import fravaer_tui.cli.ssh  # noqa: F401
    import fravaer_tui.screens.lessons  # noqa: F401
    import fravaer_tui.screens.register  # noqa: F401
    from fravaer_tui.cli import parser_for
    from fravaer_tui.store import Store

    # The forced command's parser, built once here: every child parses its command line
    # with it (`--data DIR ssh ID`). The whole parser, with every command, was 0.1 s more
    # before the first login of a rush could be forked.
    parser_for(["ssh"])

    with contextlib.suppress(Exception):  # only a head start: the child reads it anyway
        Store(data).load_roster()


def _warm_up(data: Path, now: dt.datetime, fixed: bool = False) -> None:
    """One roll call run headless in the server, before the first child is forked: what
    every session would otherwise do first on its own (parse the CSS, fill the caches of
    styles and text, compute the class's shared check) is then done once, and inherited.
    Then what is loaded is kept for the server's life out of the garbage collector's sight,
    so no child's collection walks it (and writes to its pages, copying them). Only a head
    start: a failure is ignored. `fixed`: `now` is a clock set for training, which only a
    demo school runs on (elsewhere there is no warm-up: it would check another day, and
    prune the real day's shared results)."""
    with contextlib.suppress(Exception):
        import asyncio

        asyncio.run(_one_roll_call(data, now, fixed))
    for thread in threading.enumerate():  # no thread may hold a lock when a child is forked
        if thread is not threading.current_thread():
            thread.join(timeout=10)
    gc.collect()
    gc.freeze()
    gc.enable()


async def _one_roll_call(data: Path, now: dt.datetime, fixed: bool = False) -> None:
    from fravaer_tui.app import FravaerApp
    from fravaer_tui.application.school import open_school

    school = open_school(data)  # no clock: the warm-up writes nothing (no daily backup)
    if fixed and not school.config.demo:
        return
    day = school.calendar.on_or_next_school_day(now.date())
    slot = min(school.roster.slots_on(school.roster.classes[0], day), key=lambda s: s.time)
    moment = dt.datetime.combine(day, slot.start) + dt.timedelta(minutes=1)
    teacher = school.roster.staff_member(slot.laerer)
    app = FravaerApp(school, teacher, clock=lambda: moment, check_interval=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()


STOP_WAIT = 10.0  # seconds `serve --stop` waits for the server to be gone


def _stop(run_dir: Path) -> int:
    """SIGTERM to the server that answers on the socket, and wait until it is gone (so that
    `serve --stop && serve` works). A pid file with no server answering is one left by a
    server killed with -9: its number may be another process's by now, and gets no signal."""
    pid_file = run_dir / "fravaer.pid"
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        pid = None
    if pid is None or not _answers(run_dir / SOCKET):
        print("Ingen øktserver kjører.")
        return 0
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        print("Ingen øktserver kjører.")
        return 0
    deadline = time.monotonic() + STOP_WAIT
    while pid_file.exists() and _answers(run_dir / SOCKET):
        if time.monotonic() > deadline:
            raise UserError(
                f"Øktserveren (prosess {pid}) fikk beskjed om å stoppe, men går fortsatt etter "
                f"{STOP_WAIT:.0f} sekunder. Økter som kjører, fortsetter uansett; prøv igjen."
            )
        time.sleep(0.02)
    print(f"Øktserveren (prosess {pid}) er stoppet.")
    return 0
