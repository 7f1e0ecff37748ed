"""Pick a student by typing part of the name: for meldinger and permisjon outside a lesson."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from fravaer_tui.domain.model import Student
from fravaer_tui.widgets.labels import flagged_name


class StudentPicker(ModalScreen[Student | None]):
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
            yield Input(placeholder="Skriv navn eller klasse …", id="filter")
            yield DataTable(id="students", cursor_type="row", show_header=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Klasse", "Navn")
        self._fill()
        self.query_one("#filter", Input).focus()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        warning = f"bold {self.app.get_css_variables().get('warning', 'yellow')}"
        for student in self.shown:
            alerts = self.app.flagged(student.id)  # type: ignore[attr-defined]
            name = flagged_name(f"{student.etternavn}, {student.fornavn}", alerts, warning)
            table.add_row(student.klasse, name, key=student.id)

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        words = event.value.casefold().split()
        self.shown = [
            s
            for s in self.all
            if all(
                any(
                    part.startswith(w) for part in (*s.navn.casefold().split(), s.klasse.casefold())
                )
                for w in words
            )
        ]
        self._fill()

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
