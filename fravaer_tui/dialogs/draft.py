"""A draft of a lesson someone saved meanwhile: the two side by side, the teacher decides.

Issue 12, point 1: «Drafts of lessons saved meanwhile by someone else are shown side by side,
never silently applied.»
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Static

from fravaer_tui.domain.drafts import Draft, differences
from fravaer_tui.domain.model import Registration
from fravaer_tui.domain.words import person, student_name
from fravaer_tui.screens.base import AppDialog
from fravaer_tui.widgets.labels import mark_text


class DraftConflictDialog(AppDialog[str | None]):
    """Dismissed with "bruk" (take the draft's marks, still to be saved), "forkast" (delete
    the draft) or None (look at the saved roll call; the draft stays)."""

    BINDINGS = [
        Binding("u", "choose('bruk')", "Bruk utkastet", id="draft_use"),
        Binding("f", "choose('forkast')", "Forkast utkastet", id="draft_discard"),
        Binding("escape", "choose(None)", "Avbryt", id="draft_cancel"),
    ]

    def __init__(self, draft: Draft, saved: Registration) -> None:
        super().__init__()
        self.draft = draft
        self.saved = saved

    def compose(self) -> ComposeResult:
        roster = self.school.roster
        who = person(roster, self.saved.av)
        with Vertical(classes="dialog", id="draft-conflict"):
            yield Static("Timen er lagret etter at utkastet ditt ble laget", classes="dialog-title")
            yield Static(
                f"Utkastet ditt er fra {self.draft.tid:%d.%m.%Y %H:%M}; {who} lagret timen "
                f"{self.saved.tid:%d.%m.%Y %H:%M}. Forskjellene:"
            )
            yield DataTable(id="draft-diff", cursor_type="row", show_header=True)
            with Horizontal(classes="buttons"):
                yield Button("Bruk utkastet (u)", id="bruk", variant="primary")
                yield Button("Forkast utkastet (f)", id="forkast", variant="error")
                yield Button("Se det lagrede (esc)", id="avbryt")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Elev", key="elev")
        table.add_column("Lagret", key="saved")
        table.add_column("Ditt utkast", key="draft")
        roster = self.school.roster
        for elev, mine, theirs in differences(self.draft, self.saved):
            table.add_row(
                student_name(roster, elev, surname_first=True),
                mark_text(theirs),
                mark_text(mine),
                key=elev,
            )
        self.query_one("#bruk", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "avbryt" else event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
