"""Keys typed ahead act in the order typed, each where the key before it left the app.

Textual hands a key to the widget that has the focus *when the key is read*, and that
widget handles it later, from its own queue. Keys that arrive in one read (a fast typist
over a slow line, where the network bunches keystrokes; a paste) all go to the same widget,
even when the first of them moves the focus: «n m a» in the register opened the remark
field and then ran the screen's «m» (melding), the remark left empty; «enter 4 s» typed
the «4 s» into the field that «enter» was closing.

`KeysInOrder` holds a key back while the app is still busy with what came before (any
message waiting in the app's or the screen's queues) and lets it go once that is done, in
the order the keys came. A key that finds the app idle, which is nearly every key typed at
a human pace, goes on at once; a held one waits a few milliseconds. Keys typed while a
screen loads (the roll call just opened) wait for its data, and then act on its rows
instead of being lost. Every wait is bounded (`SETTLE_BOUND`): a screen that never falls
quiet gets its keys anyway, in order.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from textual import events
from textual.app import App

SETTLE_BOUND = 3.0  # seconds a held key waits at most for the app to fall quiet
POLL = 0.001


class KeysInOrder(App[None]):
    """An app whose keys act in the order typed (see the module's docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._held_keys: deque[events.Key | events.Paste] = deque()
        self._released: set[events.Key | events.Paste] = set()
        self._releasing = False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if event in self._released:
                self._released.discard(event)
            elif self.key_must_wait():
                self._held_keys.append(event)
                if not self._releasing:
                    self._releasing = True
                    self.run_worker(self._release_in_order(), group="typeahead")
                return
        await super().on_event(event)

    def key_must_wait(self) -> bool:
        """Whether a key that comes now is held: keys before it are, or the app is `busy`."""
        return bool(self._held_keys) or self.busy()

    def busy(self) -> bool:
        """Whether the app is still at what came before: a message waiting in the app's queue
        or its screens', or the screen on top still loading what it shows (keys typed while
        the roll call opens are for its rows)."""
        if not self._message_queue.empty():
            return True
        try:
            screen = self.screen
        except Exception:  # no screen yet, or no longer: nothing to wait for
            return False
        loading = any(
            worker.node is screen and worker.group == "load" and not worker.is_finished
            for worker in self.workers
        )
        return loading or any(
            not node._message_queue.empty()
            for under in self.screen_stack  # those under a dialog still take a resize
            for node in under.walk_children(with_self=True)
        )

    async def _release_in_order(self) -> None:
        """The one releaser while keys are held (`_releasing`): keys let go one at a time."""
        try:
            while self._held_keys:
                bound = time.monotonic() + SETTLE_BOUND
                while self.busy() and time.monotonic() < bound:
                    await asyncio.sleep(POLL)
                event = self._held_keys.popleft()
                self._released.add(event)
                self.post_message(event)
                await asyncio.sleep(0)
        finally:
            self._releasing = False
