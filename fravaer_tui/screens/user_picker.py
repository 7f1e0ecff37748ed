"""On the demo school: choose who to be (any staff member)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from fravaer_tui.domain.model import Role, Staff
from fravaer_tui.screens.base import Door
from fravaer_tui.widgets.footer import PaletteFooter

ORDER = {Role.KONTAKTLAERER: 0, Role.FAGLAERER: 1, Role.AVDELINGSLEDER: 2, Role.REKTOR: 3}
# drift works on the school's machinery, not with the children: not a person to be here


class UserPickerScreen(Door, Screen[Staff | None]):
    BINDINGS = [
        Binding("enter", "pick", "Velg", id="pick", priority=True),
        Binding("escape", "cancel", "Avslutt", id="cancel"),
        Binding("j", "cursor(1)", "Ned", show=False),
        Binding("k", "cursor(-1)", "Opp", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Demoskole: velg hvem du vil være. På en ekte skole kjenner programmet deg "
            "igjen på brukernavnet du er logget inn med.",
            classes="title",
        )
        yield DataTable(id="staff", cursor_type="row", zebra_stripes=True)
        yield PaletteFooter(show_command_palette=True)

    def on_mount(self) -> None:
        school = self.app.school
        self.staff = sorted(
            (s for s in school.roster.staff if s.rolle in ORDER),
            key=lambda s: (ORDER[s.rolle], s.navn),
        )
        table = self.query_one(DataTable)
        table.add_columns("Navn", "Rolle", "Klasser", "Brukernavn")
        for person in self.staff:
            table.add_row(
                person.navn,
                person.rolle.label,
                " ".join(person.klasser),
                person.brukernavn,
                key=person.id,
            )

    def action_pick(self) -> None:
        table = self.query_one(DataTable)
        if 0 <= table.cursor_row < len(self.staff):
            self.dismiss(self.staff[table.cursor_row])

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_pick()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, table.cursor_row + step))
