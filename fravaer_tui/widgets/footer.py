"""The key footer of every screen: one widget, drawn again only when the keys it shows change.

Textual's `Footer` is a container with a widget a key, and it rebuilds itself on every
`bindings_updated` signal: it unmounts its keys, mounts a new widget a key and styles them
all. The signal comes on every focus change, on each screen resume and after every load of
a screen's data (`DataScreen` refreshes the keys then, so that keys the new data refuse
leave the footer), mostly with the same keys as before. On a shared server with forty
sessions that is CPU spent drawing the same footer again, and the ten widgets of a roll
call's footer were a quarter of a session's start. `Footer` here draws the keys as one line
of text, as Textual's compact footer shows them, and only when they change; a click on a
key presses it. `PaletteFooter` is Textual's footer with the command palette's key at its
right edge (the person picker), skipping rebuilds that would show the same keys.
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter


class PaletteFooter(TextualFooter):
    """`textual.widgets.Footer` that skips rebuilds which would show the same keys: for the
    screen that shows the command palette's key at its right edge (the picker)."""

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
        # first bindings signal, then rebuilds: a second layout of the whole screen.
        self._bindings_ready = True
        self._shown = self._showing()
        yield from super().compose()

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


class Footer(Widget):
    """The screen's keys on one line, as Textual's compact footer draws them, in one widget.

    Textual's footer is a container with a widget a key: on the roll call ten widgets, each
    composed, mounted, styled and drawn (a quarter of a session's start, measured: 250 ->
    191 ms of CPU without it). Here the keys are one text, drawn again only when the keys
    shown change. A click on a key presses it, as on Textual's."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"footer-key--key", "footer-key--description"}
    DEFAULT_CSS = """
    Footer {
        dock: bottom;
        height: 1;
        text-wrap: nowrap;
        color: $footer-foreground;
        background: $footer-background;
        & > .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: Hashable = None
        self._keys: list[tuple[int, int, str]] = []  # (from, to, key) on the line

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._shown = self._showing()
        self.refresh()  # a line, in case it was drawn before it knew the keys

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    @property
    def keys(self) -> list[str]:
        """The keys shown, in order (`ctrl+s`, `f` …)."""
        return [key for key, _, _, _ in self._shown or ()]

    def _showing(self) -> Hashable:
        """The keys shown now, as Textual's footer picks them: the first binding of each
        action the screen shows, its words, and whether it works."""
        first: dict[str, tuple] = {}
        for _, binding, enabled, _ in self.screen.active_bindings.values():
            if binding.show and binding.action not in first:
                first[binding.action] = (binding.key, self.app.get_key_display(binding))
                first[binding.action] += (binding.description, enabled)
        return tuple(first.values())

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            showing = self._showing()
            if showing != self._shown:
                self._shown = showing
                self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer-key--key")
        words_style = self.get_component_rich_style("footer-key--description")
        line = Text(no_wrap=True, end="")
        self._keys = []
        for key, shown, description, enabled in self._shown or ():
            start = len(line)
            item = Text.assemble(
                (shown, key_style), (f" {description}" if description else "", words_style)
            )
            if not enabled:
                item.stylize("dim")
            line.append_text(item)
            self._keys.append((start, len(line), key))
            line.append(" ")
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._keys:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
