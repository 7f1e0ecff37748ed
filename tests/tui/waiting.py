"""Every wait of the TUI tests, in one place: each bounded, each named in its failure.

Like harlequin's `tests/waiting.py`: no bare sleeps. `settle` waits for the app's workers
and the messages they post; `until` waits for a condition that a timer brings about (an
answer saved after a pause in typing), polling in short steps up to a bound.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.pilot import Pilot

BOUND = 30.0  # seconds: far beyond any honest wait, on a loaded 2-core machine
QUIET_ROUNDS = 2  # rounds with no worker running and the messages handled


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
