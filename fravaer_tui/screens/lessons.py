"""Today's lessons: the user's own first, every class reachable (for substitutes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from fravaer_tui.application.lessons import LessonState, mark_held_command
from fravaer_tui.domain.model import Student, class_sort_key
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.domain.words import person
from fravaer_tui.screens.base import DataScreen
from fravaer_tui.widgets.footer import Footer

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def day_title(dato: dt.date) -> str:
    return f"{WEEKDAYS[dato.weekday()]} {format_date(dato)} (uke {dato.isocalendar().week})"


@dataclass(frozen=True, slots=True)
class DayData:
    dato: dt.date
    states: list[LessonState]
    drafts: set[tuple[str, int]]  # (klasse, time) of this day with a draft of the user's


class LessonsScreen(DataScreen[DayData]):
    """The list of a day's lessons with their state: ført / ikke ført / utkast / kommer."""

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
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("", key="own", width=1)
        table.add_column("Tid", key="tid")
        table.add_column("Klasse", key="klasse")
        table.add_column("Time", key="time")
        table.add_column("Fag", key="fag")
        table.add_column("Lærer", key="laerer")
        table.add_column("Status", key="status")

    def fetch(self) -> DayData:
        dato = self.dato
        drafts = self.session.drafts.all(self.app.clock().date())
        return DayData(
            dato,
            self.session.lessons_on(dato),
            {(d.klasse, d.time) for d in drafts if d.dato == dato},
        )

    def show(self, data: DayData) -> None:
        if data.dato != self.dato:
            return  # the user moved on to another day meanwhile
        states = self.states = data.states
        now = self.app.clock()
        own = sum(1 for s in states if s.own)
        missing = sum(
            1
            for s in states
            if s.own
            and not s.registered
            and not s.not_held
            and dt.datetime.combine(s.dato, s.slot.start) <= now
        )
        title = f"Timer {day_title(self.dato)}"
        if self.dato != now.date():
            title += " (ikke i dag)"
        if own:
            title += f" – dine timer: {own}, ikke ført: {missing}"
        self.query_one("#title", Static).update(title)
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        roster = self.school.roster
        warning = f"bold {self.app.get_css_variables().get('warning', 'yellow')}"
        for i, state in enumerate(states):
            slot, reg = state.slot, state.registration
            if (slot.klasse, slot.time) in data.drafts:
                status: str | Text = Text("✎ utkast, ikke lagret", style=warning)
            elif reg:
                status = f"✓ ført {reg.tid:%H:%M} av {person(roster, reg.av, short=True)}"
            elif state.not_held:
                status = "○ ikke holdt (avlyst)"
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
                person(roster, slot.laerer, short=True),
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
            state = self.states[table.cursor_row]
            if state.not_held:
                slot = state.slot
                self.notify(
                    f"{slot.klasse} {slot.time}. time {format_date(state.dato)} er merket som "
                    "ikke holdt (avlyst), så den har ingen føring. Ble den holdt likevel, merk "
                    f"den som holdt først: {mark_held_command(slot.klasse, state.dato, slot.time)}",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )
                return
            self.app.open_register(state)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_day(self, step: int) -> None:
        calendar = self.school.calendar
        self.dato = (
            calendar.next_school_day(self.dato)
            if step > 0
            else calendar.previous_school_day(self.dato)
        )
        self.load()

    def action_today(self) -> None:
        self.dato = self.app.clock().date()
        self.load()

    def refusal(self, action: str) -> str | None:
        if action == "melding" and not self.session.followed_classes():
            return (
                "Meldinger fra foresatte (m) registreres av kontaktlæreren og ledelsen. "
                "Si fra til elevens kontaktlærer."
            )
        return None

    def _followed_students(self) -> list[Student]:
        """The students whose meldinger this user may register (own classes, or all)."""
        session = self.session
        return [
            s
            for s in sorted(
                self.school.roster.students, key=lambda s: (class_sort_key(s.klasse), s.sort_key)
            )
            if session.follows_up(s.klasse)
        ]

    def action_melding(self) -> None:
        """A melding or innvilget permisjon for any of the user's students, not only today."""
        from fravaer_tui.dialogs.melding import MeldingDialog
        from fravaer_tui.dialogs.student_picker import StudentPicker

        dato = self.dato

        def picked(student: Student | None) -> None:
            if student is not None:
                self.app.push_screen(
                    MeldingDialog(student, dato),
                    callback=lambda saved: self.app.run_checker() if saved else None,
                )

        self.app.push_screen(
            StudentPicker(self._followed_students(), "Melding eller permisjon for hvilken elev?"),
            callback=picked,
        )

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))
