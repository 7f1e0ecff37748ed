"""The kontaktlærer's morning: what needs doing today, for each own class, in that order."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from fravaer_tui.application.morning import MorningRow, morning_rows
from fravaer_tui.application.session import ClassMorning
from fravaer_tui.screens.base import DataScreen
from fravaer_tui.screens.lessons import day_title
from fravaer_tui.widgets.rowlist import RowList


class MorningScreen(DataScreen[list[ClassMorning]]):
    BINDINGS = [
        Binding("enter", "student", "Åpne elev", id="open_student", priority=True),
        Binding("m", "melding", "Melding", id="melding"),
        Binding("r", "contact", "Ringt", id="contact"),
        Binding("s", "case", "Sak", id="case"),
        Binding("v", "fold", "Vis/skjul fulgt opp", id="fold", show=False),
        Binding("tab", "section(1)", "Neste del", id="next_section", key_display="⇥"),
        Binding("shift+tab", "section(-1)", "Forrige del", id="previous_section", show=False),
        Binding("escape", "back", "Tilbake", id="back", show=False),
        Binding("j", "cursor(1)", "Ned", show=False),
        Binding("k", "cursor(-1)", "Opp", show=False),
    ]

    def __init__(self, dato: dt.date) -> None:
        super().__init__()
        self.dato = dato
        self.blocks: list[ClassMorning] = []
        self.show_followed = False

    @property
    def keys(self) -> list[str]:
        return [r.key for r in self.rows]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Morgenoversikt · {day_title(self.dato)}", id="title", classes="title")
        yield RowList(id="morning")
        yield Static(id="detail", classes="detail")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.watch(self.app, "alerts", lambda _: self.load(), init=False)

    def fetch(self) -> list[ClassMorning]:
        return self.session.morning(self.dato, self.app.alerts, self.app.clock())

    def show(self, data: list[ClassMorning]) -> None:
        self.blocks = data
        self._rebuild()

    def _rebuild(self) -> None:
        css = self.app.get_css_variables()
        self.query_one(RowList).show_rows(
            morning_rows(self.blocks, self.school.roster, self.dato, self.show_followed),
            self.app.size.width,
            f"bold {css.get('accent', 'cyan')}",
            f"bold {css.get('warning', 'yellow')}",
        )
        self._update_detail()

    # -- the row under the cursor ---------------------------------------------------

    @property
    def rows(self) -> list[MorningRow]:
        return self.query_one(RowList).view_rows

    def _row(self) -> MorningRow | None:
        return self.query_one(RowList).current

    @on(DataTable.RowHighlighted)
    def _update_detail(self) -> None:
        self.query_one("#detail", Static).update(self.query_one(RowList).detail())

    def _student_row(self) -> MorningRow | None:
        row = self._row()
        if row is None or row.elev is None:
            self.notify("Velg en rad med en elev (piltastene).", severity="warning")
            return None
        return row

    def action_student(self) -> None:
        row = self._row()
        if row is not None and row.kind == "fold":
            self.action_fold()
            return
        row = self._student_row()
        if row is not None and row.elev is not None:
            from fravaer_tui.screens.student import StudentScreen

            self.app.push_screen(StudentScreen(row.elev, self.dato))

    def action_fold(self) -> None:
        self.show_followed = not self.show_followed
        self._rebuild()

    def action_melding(self) -> None:
        """The melding starts on the row's day (an «ikke meldt 30.11» row: 30.11)."""
        row = self._student_row()
        if row is None or row.elev is None:
            return
        from fravaer_tui.dialogs.melding import MeldingDialog

        student = self.school.roster.student(row.elev)
        if student is not None:
            dialog = MeldingDialog(student, row.dato or self.dato)
            self.app.push_screen(dialog, callback=self._changed)

    def action_contact(self) -> None:
        row = self._student_row()
        if row is None or row.elev is None:
            return
        from fravaer_tui.dialogs.followup import ContactDialog

        student = self.school.roster.student(row.elev)
        if student is not None:
            self.app.push_screen(ContactDialog(student), callback=self._changed)

    def action_case(self) -> None:
        row = self._student_row()
        if row is None or row.elev is None:
            return
        from fravaer_tui.screens.case import open_case_for

        open_case_for(self.app, row.elev, self.dato, row.regel or None)

    def _changed(self, saved: object) -> None:
        if saved:
            self.app.run_checker()  # the screen reloads when it is back, the alerts after

    def on_resize(self) -> None:
        """A new terminal size: the rows are laid out again, the cursor stays."""
        if self.loaded and self.query_one(RowList).width_for != self.app.size.width:
            self._rebuild()

    def action_section(self, step: int) -> None:
        self.query_one(RowList).jump_section(step)

    def action_back(self) -> None:
        self.dismiss()

    def action_cursor(self, step: int) -> None:
        table = self.query_one(RowList)
        table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_student()
