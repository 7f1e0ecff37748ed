"""Sessions start in turn, as many at a time as the server has cores (`fravaer serve`).

Forty logins in the same second all forked at once share two cores forty ways: each gets
its first screen only when nearly all do, and forty processes taking turns on two cores
waste a share of the CPU on the switching itself. In turn, first come first served, the
first teachers have their roll call in a fraction of a second and the last no later than
before (measured, issue 10, 40 logins on 2 cores, A/B interleaved: median 8.8-8.9 s ->
6.1-6.4 s, p95 10.3-10.5 s -> 9.2-9.7 s, the machine's CPU for the storm 20-21 s -> 18 s).

A forked child waits for its turn (`wait_turn`) before it starts the app, and shows the
server it is up by closing its end of a pipe once its first screen is drawn
(`fravaer_tui.app.FIRST_FRAME`), or by ending. The server lets the next one go. A child
that holds its turn longer than `HOLD` seconds (waiting on a lock, say) is let be, and the
next goes; a child whose server is gone (stopped, killed) goes at once, as the pipe closes.
"""

from __future__ import annotations

import contextlib
import os
import select
import time
from collections import deque
from dataclasses import dataclass

HOLD = 3.0  # seconds a session may take to its first screen before the next one goes
WAIT = 60.0  # seconds a child waits for its turn at most (the server is stuck)


@dataclass
class Ticket:
    """The two pipes between the server and one child: `go` (the server writes when the
    child may start) and `up` (the child closes its end when its first screen is drawn)."""

    go_r: int
    go_w: int
    up_r: int
    up_w: int


class StartGate:
    def __init__(self, slots: int | None = None, hold: float = HOLD) -> None:
        self.slots = slots or max(2, os.cpu_count() or 2)
        self.hold = hold
        self.waiting: deque[tuple[int, Ticket]] = deque()
        self.starting: dict[int, tuple[int, Ticket, float]] = {}  # up_r -> (pid, …, since)

    def ticket(self) -> Ticket:
        """The pipes for the child about to be forked."""
        go_r, go_w = os.pipe()
        up_r, up_w = os.pipe()
        return Ticket(go_r, go_w, up_r, up_w)

    def in_child(self, ticket: Ticket) -> Ticket:
        """In the forked child: the server's ends of every other child's pipes closed (a
        copy of another's `go` would keep that child waiting if the server went)."""
        for other in self._tickets():
            for fd in (other.go_w, other.up_r):
                with contextlib.suppress(OSError):
                    os.close(fd)
        os.close(ticket.go_w)
        os.close(ticket.up_r)
        return ticket

    def queue(self, pid: int, ticket: Ticket) -> None:
        """In the server, after the fork: the child waits for its turn."""
        os.close(ticket.go_r)
        os.close(ticket.up_w)
        self.waiting.append((pid, ticket))
        self._admit()

    def watched(self) -> list[int]:
        """The pipes to select on: a child's closes when its first screen is drawn."""
        return list(self.starting)

    def up(self, fd: int) -> None:
        """The child behind `fd` has drawn its first screen (or ended): the next one goes."""
        _, ticket, _ = self.starting.pop(fd)
        os.close(ticket.up_r)
        self._admit()

    def timeout(self) -> float | None:
        """Seconds until the oldest start has held its turn too long (None: none starts)."""
        if not self.starting:
            return None
        oldest = min(since for _, _, since in self.starting.values())
        return max(0.0, oldest + self.hold - time.monotonic())

    def expire(self) -> None:
        """Starts that held their turn `hold` seconds are let be; the next ones go."""
        now = time.monotonic()
        for fd, (_, _, since) in list(self.starting.items()):
            if now - since >= self.hold:
                self.up(fd)

    def gone(self, pid: int) -> None:
        """A child ended before its turn came: it takes no turn."""
        for entry in [e for e in self.waiting if e[0] == pid]:
            self.waiting.remove(entry)
            os.close(entry[1].go_w)
            os.close(entry[1].up_r)

    def close(self) -> None:
        """The server ends: every waiting child goes (its `go` pipe closes)."""
        for ticket in self._tickets():
            for fd in (ticket.go_w, ticket.up_r):
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.waiting.clear()
        self.starting.clear()

    def _admit(self) -> None:
        while self.waiting and len(self.starting) < self.slots:
            pid, ticket = self.waiting.popleft()
            try:
                os.write(ticket.go_w, b"1")
            except OSError:  # the child is gone
                os.close(ticket.up_r)
                continue
            finally:
                os.close(ticket.go_w)
            ticket.go_w = -1
            self.starting[ticket.up_r] = (pid, ticket, time.monotonic())

    def _tickets(self) -> list[Ticket]:
        return [t for _, t in self.waiting] + [t for _, t, _ in self.starting.values()]


def wait_turn(ticket: Ticket) -> None:
    """In the child: until the server says go (or is gone, or `WAIT` has passed)."""
    with contextlib.suppress(OSError):
        select.select([ticket.go_r], [], [], WAIT)
    os.close(ticket.go_r)
