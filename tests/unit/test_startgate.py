"""The session server's start gate (`fravaer_tui.cli.startgate`), with real forked children
and real pipes: the logins of a rush start in turn, first come first served."""

from __future__ import annotations

import os
import select
import signal
import time
from pathlib import Path

from fravaer_tui.cli.startgate import StartGate, wait_turn


def note(log: Path, line: str) -> None:
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.write(fd, f"{line}\n".encode())
    os.close(fd)


def fork_session(gate: StartGate, log: Path, n: int, drawn: bool = True) -> int:
    """A child as the server forks it: it waits for its turn, starts, and says when its
    first screen is drawn (or never, `drawn=False`), then goes on running a while."""
    ticket = gate.ticket()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            ticket = gate.in_child(ticket)
            wait_turn(ticket)
            note(log, f"start {n}")
            time.sleep(0.1)
            if drawn:
                note(log, f"drawn {n}")
                os.close(ticket.up_w)
            time.sleep(0.5)
        finally:
            os._exit(0)
    gate.queue(pid, ticket)
    return pid


def serve(gate: StartGate, pids: list[int], seconds: float = 10.0) -> None:
    """The server's loop, as far as the gate goes."""
    deadline = time.monotonic() + seconds
    while pids and time.monotonic() < deadline:
        ready, _, _ = select.select(gate.watched(), [], [], min(0.05, gate.timeout() or 0.05))
        for fd in ready:
            gate.up(fd)
        gate.expire()
        for pid in list(pids):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                pids.remove(pid)
                gate.gone(pid)
    assert not pids, "barn som aldri ble ferdige"


def test_logins_start_in_turn_each_when_the_one_before_is_drawn(tmp_path: Path) -> None:
    log = tmp_path / "log"
    gate = StartGate(slots=1)
    pids = [fork_session(gate, log, n) for n in range(3)]
    serve(gate, pids)
    assert log.read_text().split("\n")[:-1] == [
        "start 0",
        "drawn 0",
        "start 1",  # while 0 still runs: only the start is in turn
        "drawn 1",
        "start 2",
        "drawn 2",
    ]


def test_a_start_that_hangs_lets_the_next_go_and_a_closing_server_lets_all_go(
    tmp_path: Path,
) -> None:
    """A session that never says it is drawn (stuck on a lock, say) holds its turn only a
    while; when the server ends, everyone waiting starts at once (its pipe closes)."""
    log = tmp_path / "log"
    gate = StartGate(slots=1, hold=0.3)
    pids = [fork_session(gate, log, 0, drawn=False), fork_session(gate, log, 1)]
    serve(gate, pids)
    assert log.read_text().split("\n")[:-1] == ["start 0", "start 1", "drawn 1"]

    log.unlink()
    gate = StartGate(slots=1, hold=60.0)
    pids = [fork_session(gate, log, n, drawn=False) for n in range(3)]
    time.sleep(0.3)
    assert log.read_text().split("\n")[:-1] == ["start 0"]  # the others wait their turn
    gate.close()
    serve(gate, pids)
    assert sorted(log.read_text().split("\n")[:-1]) == ["start 0", "start 1", "start 2"]


def test_a_session_killed_before_its_first_screen_lets_the_next_go_at_once(
    tmp_path: Path,
) -> None:
    """kill -9 of a starting session: its end of the pipe closes with it, and the next one
    starts then, not after the turn's hold (a minute here)."""
    log = tmp_path / "log"
    gate = StartGate(slots=1, hold=60.0)
    pids = [fork_session(gate, log, 0, drawn=False), fork_session(gate, log, 1)]
    deadline = time.monotonic() + 10
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(pids[0], signal.SIGKILL)
    started = time.monotonic()
    serve(gate, pids)
    assert log.read_text().split("\n")[:-1] == ["start 0", "start 1", "drawn 1"]
    assert time.monotonic() - started < 5  # not the hold
