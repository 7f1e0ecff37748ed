"""Pick a student by typing part of the name, the class or the student id."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from fravaer_tui.domain.model import Student
from fravaer_tui.screens.base import AppDialog
from fravaer_tui.widgets.labels import flagged_name


def matches(student: Student, text: str) -> bool:
    """Every word typed starts a name, the class or the id («E0047», «8a ola»)."""
    parts = (*student.navn.casefold().split(), student.klasse.casefold(), student.id.casefold())
    return all(any(part.startswith(w) for part in parts) for w in text.casefold().split())


class StudentPicker(AppDialog[Student | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Avbryt", id="picker_cancel"),
        Binding("down", "move(1)", "Ned", show=False, priority=True),
        Binding("up", "move(-1)", "Opp", show=False, priority=True),
    ]

    def __init__(self, students: list[Student], title: str) -> None:
        super().__init__()
        self.all = students
        self.shown = students
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(placeholder="Skriv navn, klasse eller elev-id …", id="filter")
            yield DataTable(id="students", cursor_type="row", show_header=False)
            yield Static(id="none", classes="hint-text")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Klasse", "Navn", "Id")
        self._fill("")
        self.query_one("#filter", Input).focus()

    def _fill(self, text: str) -> None:
        table = self.query_one(DataTable)
        table.clear()
        warning = f"bold {self.app.get_css_variables().get('warning', 'yellow')}"
        for student in self.shown:
            alerts = self.app.flagged(student.id)
            name = flagged_name(f"{student.etternavn}, {student.fornavn}", alerts, warning)
            table.add_row(student.klasse, name, student.id, key=student.id)
        none = self.query_one("#none", Static)
        none.display = not self.shown
        none.update(f"Ingen treff på «{text}»." if text.strip() else "Ingen elever å velge.")

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self.shown = [s for s in self.all if matches(s, event.value)]
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _picked(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if self.shown and 0 <= row < len(self.shown):
            self.dismiss(self.shown[row])

    @on(DataTable.RowSelected)
    def _clicked(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._picked()

    def action_move(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, min(len(self.shown) - 1, table.cursor_row + step)))

    def action_cancel(self) -> None:
        self.dismiss(None)
