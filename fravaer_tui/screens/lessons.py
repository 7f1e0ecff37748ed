"""Today's lessons: the user's own first, every class reachable (for substitutes)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from fravaer_tui.application.lessons import LessonState
from fravaer_tui.domain.model import Student, class_sort_key
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.screens.base import LoadingScreen

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def day_title(dato: dt.date) -> str:
    return f"{WEEKDAYS[dato.weekday()]} {format_date(dato)} (uke {dato.isocalendar().week})"


class LessonsScreen(LoadingScreen):
    """The list of a day's lessons with their state: ført / ikke ført."""

    BINDINGS = [
        Binding("enter", "open", "Før timen", id="open", priority=True),
        Binding("left,h", "day(-1)", "Forrige dag", id="previous_day", key_display="←"),
        Binding("right,l", "day(1)", "Neste dag", id="next_day", key_display="→"),
        Binding("i", "today", "I dag", id="today", show=False),
        Binding("m", "melding", "Melding", id="melding"),
        Binding("j", "cursor(1)", "Ned", show=False),
        Binding("k", "cursor(-1)", "Opp", show=False),
    ]

    def __init__(self, dato: dt.date) -> None:
        super().__init__()
        self.dato = dato
        self.states: list[LessonState] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="title", classes="title")
        yield DataTable(id="lessons", cursor_type="row", zebra_stripes=True)
        yield Static(id="empty", classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("", key="own", width=1)
        table.add_column("Tid", key="tid")
        table.add_column("Klasse", key="klasse")
        table.add_column("Time", key="time")
        table.add_column("Fag", key="fag")
        table.add_column("Lærer", key="laerer")
        table.add_column("Status", key="status")

    def on_screen_resume(self) -> None:
        """Load when shown (also the first time), so a register opened on top starts first."""
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="lessons")
    def load(self) -> None:
        app = self.app
        states = app.session.lessons_on(self.dato)  # type: ignore[attr-defined]
        if not get_current_worker().is_cancelled:  # a newer load won
            self.app.call_from_thread(self._show, states)

    def _show(self, states: list[LessonState]) -> None:
        self.states = states
        school = self.app.school  # type: ignore[attr-defined]
        own = sum(1 for s in states if s.own)
        now = self.app.clock()  # type: ignore[attr-defined]
        missing = sum(
            1
            for s in states
            if s.own and not s.registered and dt.datetime.combine(s.dato, s.slot.start) <= now
        )
        title = f"Timer {day_title(self.dato)}"
        today = self.app.clock().date()  # type: ignore[attr-defined]
        if self.dato != today:
            title += " (ikke i dag)"
        if own:
            title += f" – dine timer: {own}, ikke ført: {missing}"
        self.query_one("#title", Static).update(title)
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        now = self.app.clock()  # type: ignore[attr-defined]
        warning = f"bold {self.app.get_css_variables().get('warning', 'yellow')}"
        for i, state in enumerate(states):
            slot = state.slot
            teacher = school.roster.staff_member(slot.laerer)
            if state.registration:
                who = school.roster.staff_member(state.registration.av)
                status = (
                    f"✓ ført {state.registration.tid:%H:%M} av "
                    f"{who.initials if who else state.registration.av}"
                )
            elif dt.datetime.combine(state.dato, slot.start) > now:
                status = "· kommer"
            else:
                status = Text("✗ ikke ført", style=warning if state.own else "")
            table.add_row(
                "★" if state.own else "",
                f"{slot.start:%H:%M}–{slot.slutt:%H:%M}",
                slot.klasse,
                f"{slot.time}.",
                slot.fag,
                teacher.initials if teacher else slot.laerer,
                status,
                key=str(i),
            )
        if states:
            table.move_cursor(row=min(row, len(states) - 1))
        empty = self.query_one("#empty", Static)
        empty.display = not states
        empty.update(
            "Ingen undervisning denne dagen (helg, ferie eller fridag). "
            "Bruk ← og → for å bytte dag."
        )

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if self.states and 0 <= table.cursor_row < len(self.states):
            self.app.open_register(self.states[table.cursor_row])  # type: ignore[attr-defined]

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_day(self, step: int) -> None:
        calendar = self.app.school.calendar  # type: ignore[attr-defined]
        self.dato = (
            calendar.next_school_day(self.dato)
            if step > 0
            else calendar.previous_school_day(self.dato)
        )
        self.load()

    def action_today(self) -> None:
        self.dato = self.app.clock().date()  # type: ignore[attr-defined]
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "melding":
            return bool(self._followed_students())
        return True

    def _followed_students(self) -> list[Student]:
        """The students whose meldinger this user may register (own classes, or all)."""
        app = self.app
        roster = app.school.roster  # type: ignore[attr-defined]
        session = app.session  # type: ignore[attr-defined]
        return [
            s
            for s in sorted(roster.students, key=lambda s: (class_sort_key(s.klasse), s.sort_key))
            if session.follows_up(s.klasse)
        ]

    def action_melding(self) -> None:
        """A melding or innvilget permisjon for any of the user's students, not only today."""
        from fravaer_tui.screens.dialogs import MeldingDialog
        from fravaer_tui.screens.student_picker import StudentPicker

        def picked(student: Student | None) -> None:
            if student is not None:
                self.app.push_screen(
                    MeldingDialog(student, self.app.clock().date()),  # type: ignore[attr-defined]
                    callback=lambda saved: self.app.run_checker() if saved else None,  # type: ignore[attr-defined]
                )

        self.app.push_screen(
            StudentPicker(self._followed_students(), "Melding eller permisjon for hvilken elev?"),
            callback=picked,
        )

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, table.cursor_row + step))
