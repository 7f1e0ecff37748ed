"""One audit entry in full: who, when, what, and before → after in words."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from fravaer_tui.screens.base import AppDialog


class AuditEntryDialog(AppDialog[None]):
    BINDINGS = [Binding("escape,enter,q", "close", "Lukk", id="entry_close")]

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="audit-entry"):
            yield Static("Endring", classes="dialog-title")
            yield Static("\n".join(self.lines), markup=False)
            yield Static("esc lukker", classes="hint-text")

    def action_close(self) -> None:
        self.dismiss()
