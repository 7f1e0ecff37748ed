"""Every wait of the TUI tests, in one place: each bounded, each named in its failure.

Like harlequin's `tests/waiting.py`: no bare sleeps. `settle` waits for the app's workers
and the messages they post; `until` waits for a condition that a timer brings about (an
answer saved after a pause in typing), polling in short steps up to a bound.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator

import textual._wait
from textual.pilot import Pilot

# Textual's Pilot waits after every key press until the process looks idle: it sleeps in
# steps of SLEEP_GRANULARITY (20 ms) until a step used under SLEEP_IDLE of CPU. Two such
# steps a key, on ~1,000 keys, were half the TUI tests' time, spent asleep. Steps of 2 ms
# with the same 5 % share of CPU ask the same question ten times as often; what a test
# relies on is waited for by `settle` and `until` below, never by this heuristic.
IDLE_STEP = 0.002
IDLE_CPU = IDLE_STEP / 20

BOUND = 30.0  # seconds: far beyond any honest wait, on a loaded 2-core machine
QUIET_ROUNDS = 2  # rounds with no worker running and the messages handled


def quick_idle_steps() -> Iterator[None]:
    """Pilot's idle wait in 2 ms steps for the time of a test (see IDLE_STEP)."""
    saved = textual._wait.SLEEP_GRANULARITY, textual._wait.SLEEP_IDLE
    textual._wait.SLEEP_GRANULARITY, textual._wait.SLEEP_IDLE = IDLE_STEP, IDLE_CPU
    try:
        yield
    finally:
        textual._wait.SLEEP_GRANULARITY, textual._wait.SLEEP_IDLE = saved


async def settle(pilot: Pilot, what: str = "the app to finish its work") -> None:
    """Until no worker runs and what they posted has been handled (a save starts a check,
    the check makes screens reload: each round lets the next wave finish)."""
    app = pilot.app
    deadline = time.monotonic() + BOUND
    quiet = 0
    while quiet < QUIET_ROUNDS:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(
                f"waited {BOUND:.0f} s for {what}; still running: {list(app.workers)}"
            )
        await asyncio.wait_for(app.workers.wait_for_complete(), timeout=left)
        await pilot.pause()
        quiet = quiet + 1 if len(app.workers) == 0 else 0


async def until(
    pilot: Pilot, condition: Callable[[], bool], what: str, bound: float = BOUND
) -> None:
    """Until `condition()` holds (checked between short pauses), at most `bound` seconds."""
    deadline = time.monotonic() + bound
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {bound:.0f} s for {what}")
        await pilot.pause(0.02)
    await settle(pilot, what)
