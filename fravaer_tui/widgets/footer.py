"""The key footer of every screen, rebuilt only when the keys it shows change.

Textual's `Footer` rebuilds itself on every `bindings_updated` signal: it unmounts its keys,
mounts a new widget a key and styles them all. The signal comes on every focus change, on
each screen resume and after every load of a screen's data (`DataScreen` refreshes the
keys then, so that keys the new data refuse leave the footer), mostly with the same keys as
before. On a shared server with forty sessions that is CPU spent drawing the same footer
again: in the TUI tests it was a sixth of all the app's work. Here the footer notes what it
last showed, and a signal that would show the same thing is let go.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    """`textual.widgets.Footer` that skips rebuilds which would show the same keys."""

    def __init__(self, *, show_command_palette: bool = False) -> None:
        super().__init__(compact=True, show_command_palette=show_command_palette)
        self._shown: Hashable = None

    def _showing(self) -> Hashable:
        """What `compose` would show now: each shown key as shown, its words, and whether it
        works (a screen may rename a key when it mounts: the case screen's «1–2»)."""
        return tuple(
            (binding.key, binding.key_display, binding.action, binding.description)
            + (binding.group, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        # The keys from the first frame on. Textual's footer is empty until the screen's
        # first bindings signal, then rebuilds: a second layout of the whole screen, and the
        # roll call painted in full a second time, in every session of the morning rush.
        self._bindings_ready = True
        self._shown = self._showing()
        for widget in super().compose():
            if isinstance(widget, FooterKey) and self.compact:
                # Compact from the start: a key made compact after its mount (Textual binds
                # the class to the footer's) has its styles worked out a second time.
                widget.add_class("-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        if (
            self._bindings_ready
            and self.is_attached
            and screen is self.screen
            and screen.app.app_focus
        ):
            showing = self._showing()
            if showing == self._shown:
                return
            self._shown = showing  # what the rebuild asked for below shows: a second signal
            # before it runs (focus leaving a field and the screen's reload, say) is let go
        super().bindings_changed(screen)
