"""Every wait of the TUI tests, in one place: each bounded, each named in its failure.

Like harlequin's `tests/waiting.py`: no bare sleeps. `settle` waits for the app's workers
and the messages they post; `until` waits for a condition that a timer brings about (an
answer saved after a pause in typing), polling in short steps up to a bound.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator

import textual.app
import textual.pilot
from textual._context import active_app
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerCancelled

from fravaer_tui.typeahead import KeysInOrder

BOUND = 30.0  # seconds: far beyond any honest wait, on a loaded 2-core machine
QUIET_ROUNDS = 2  # rounds with no worker running and the messages handled
# Pilot hands a key to the app through the event loop (a callback, then a task): it is in
# the app's queue two turns of the loop later. Quiet for three turns in a row is quiet.
QUIET_TURNS = 3


def pilot_waits_for_the_app() -> Iterator[None]:
    """Pilot's wait after a key press asks the app whether it is done, not the CPU.

    Textual's Pilot, after every key, sleeps in 20 ms steps until one step used almost no
    CPU: it guesses that the app is done when the process falls quiet. A thread at work (the
    threshold check, a screen's load) keeps it from falling quiet, and so does a slow machine,
    where the event loop's own wake-ups cost more than the share allowed: each wait then ran
    to its bound of 1 s. Two such waits a key made most of the TUI tests' time sleep (one
    walk: 5.8 s, of which 1.4 s on the CPU). Here the wait ends as soon as no message waits in
    the app's or its screen's queues and no screen is loading: the question the app asks
    itself before it lets a typed-ahead key go (`KeysInOrder.key_must_wait`), a screen's load
    included, however long it takes on a loaded machine. What a test relies on beyond that
    (a save's check, a timer) is waited for by `settle` and `until` below."""

    async def until_the_app_is_done(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
        app = active_app.get()
        deadline = time.monotonic() + BOUND  # what it waits for is real: no guessed bound
        turns = quiet = 0
        while quiet < QUIET_TURNS and app.is_running and time.monotonic() < deadline:
            turns += 1
            await asyncio.sleep(0 if turns < 50 else 0.001)  # a thread's load: no busy spin
            if busy(app) or laid_out_late(app):
                quiet = 0
            else:
                quiet += 1

    def busy(app: App) -> bool:
        resizing = app._resize_event is not None  # handed to the screens on a timer
        return resizing or (isinstance(app, KeysInOrder) and app.key_must_wait())

    def laid_out_late(app: App) -> bool:
        """Lay out and mark for painting what the screen's update timer (60 a second) would
        next: the next key then meets the screen as a person sees it, as the CPU wait let
        it. (A dialog keeps the screen under it as it was when it opened, scroll bars and
        all: the pictures show that.) True when there was something to do."""
        try:
            screen = app.screen
        except Exception:
            return False
        pending = (
            screen._layout_required
            or screen._scroll_required
            or screen._repaint_required
            or bool(screen._dirty_widgets)
        )
        if pending:
            screen._on_timer_update()
        return pending

    saved = textual.pilot.wait_for_idle, textual.app.wait_for_idle
    textual.pilot.wait_for_idle = textual.app.wait_for_idle = until_the_app_is_done
    try:
        yield
    finally:
        textual.pilot.wait_for_idle, textual.app.wait_for_idle = saved


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
