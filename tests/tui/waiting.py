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
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerCancelled

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


_held = False  # frames held back until `settle` (paint_settled_states_only)
_painting = False  # `paint` is painting them


def paint_settled_states_only() -> Iterator[None]:
    """Frames painted when the app has settled, not between every two keys.

    Headless, Textual still paints a frame whenever a widget changes (up to 60 a second),
    and drops it: a third of the TUI tests' CPU went to frames nobody saw. Here a change
    only marks its region to paint, and `settle` paints the screen as it then stands: what
    a slow terminal shows, which Textual allows (it skips frames when it is busy). Layout,
    focus and every widget's state are as before; a render that fails still fails the
    test, at the next `settle`. The pictures keep every frame (marker `every_frame`)."""
    global _held
    real = Screen._compositor_refresh

    def only_when_settled(screen: Screen) -> None:
        if _painting:
            real(screen)
        else:  # as the real one leaves it: the changed regions marked, nothing else to do
            screen._dirty_widgets.clear()

    Screen._compositor_refresh = only_when_settled  # type: ignore[method-assign]
    _held = True
    try:
        yield
    finally:
        Screen._compositor_refresh = real  # type: ignore[method-assign]
        _held = False


def paint(app: App) -> None:
    """The screens as they stand, those under a dialog first, as Textual paints them; only
    where frames are held back (where every frame is painted, there is nothing left)."""
    global _painting
    if not _held:
        return
    _painting = True
    try:
        for screen in [*app._background_screens, app.screen]:
            if screen.is_attached:
                screen._compositor_refresh()
    finally:
        _painting = False


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
        await asyncio.wait_for(_workers_ended(app), timeout=left)
        await pilot.pause()
        quiet = quiet + 1 if len(app.workers) == 0 else 0
    paint(app)


async def _workers_ended(app: App) -> None:
    """Until every worker has ended: done, failed or cancelled. Textual's `wait_for_complete`
    raises when one was cancelled, which the app does on purpose (a screen that closes
    cancels its load): that failed a test now and then, at random. A failed worker still
    fails the test."""
    ended = await asyncio.gather(*(w.wait() for w in app.workers), return_exceptions=True)
    for outcome in ended:
        if isinstance(outcome, BaseException) and not isinstance(
            outcome, WorkerCancelled | asyncio.CancelledError
        ):
            raise outcome


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
