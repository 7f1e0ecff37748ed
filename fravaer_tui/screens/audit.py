"""Ledelsen browses the audit log: every change, who made it, when, before and after."""

from __future__ import annotations

import datetime as dt

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import get_current_worker

from fravaer_tui.application.audit import audit_line, filter_audit
from fravaer_tui.domain.schoolcalendar import parse_date
from fravaer_tui.screens.base import LoadingScreen

SHOWN = 500  # newest first; the CLI (`fravaer audit`) gives everything


class AuditScreen(LoadingScreen):
    BINDINGS = [Binding("escape", "back", "Tilbake", id="back")]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Endringslogg – nyeste først", classes="title")
        yield Input(
            placeholder="Filter: elev-id, ansatt-id og/eller fra-dato (dd.mm.åååå) …", id="filter"
        )
        yield DataTable(id="audit", cursor_type="row", show_header=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_column("Endring", key="line")
        self.load()
        self.query_one("#filter", Input).focus()

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def load(self) -> None:
        entries = self.app.session.audit_entries()  # type: ignore[attr-defined]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, entries)

    def _loaded(self, entries: list[dict]) -> None:
        self.entries = entries
        self._show(self.query_one("#filter", Input).value)

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, text: str) -> None:
        elev = staff = None
        since: dt.date | None = None
        roster = self.app.school.roster  # type: ignore[attr-defined]
        for word in text.split():
            if roster.student(word):
                elev = word
            elif roster.staff_member(word):
                staff = word
            else:
                try:
                    since = parse_date(word)
                except ValueError:
                    continue
        found = filter_audit(self.entries, elev, staff, since)
        table = self.query_one(DataTable)
        table.clear()
        school = self.app.school  # type: ignore[attr-defined]
        for i, entry in enumerate(reversed(found[-SHOWN:])):
            table.add_row(audit_line(school, entry), key=str(i))

    def action_back(self) -> None:
        self.dismiss()
