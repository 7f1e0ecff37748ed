"""Leaving a roll call with marks not saved: lagre, forkast or avbryt."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from fravaer_tui.screens.base import AppDialog


class UnsavedDialog(AppDialog[str | None]):
    """Dismissed with "lagre", "forkast" or None (avbryt: stay, nothing lost)."""

    BINDINGS = [
        Binding("l,ctrl+s", "choose('lagre')", "Lagre", id="dialog_save"),  # ctrl+s: as on
        # the roll call, where a teacher who left with esc presses it next
        Binding("f", "choose('forkast')", "Forkast", id="dialog_discard"),
        Binding("escape,a", "choose(None)", "Avbryt", id="dialog_cancel"),
    ]

    def __init__(self, what: str, leaving: str = "gå ut av føringen") -> None:
        super().__init__()
        self.what = what
        self.leaving = leaving

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="unsaved"):
            yield Static(f"{self.what} er ikke lagret.", classes="dialog-title")
            yield Static(
                f"Vil du lagre føringen før du {self.leaving}? Utkastet er tatt vare på til "
                "du lagrer eller forkaster det."
            )
            with Horizontal(classes="buttons"):
                yield Button("Lagre (l)", id="lagre", variant="primary")
                yield Button("Forkast (f)", id="forkast", variant="error")
                yield Button("Avbryt (esc)", id="avbryt")

    def on_mount(self) -> None:
        self.query_one("#lagre", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "avbryt" else event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
