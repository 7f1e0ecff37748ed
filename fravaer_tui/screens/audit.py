"""Ledelsen browses the audit log: every change, who made it, when, before and after, in words.
Filter by a name or an id (student or staff) and a from-date; enter opens an entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static

from fravaer_tui.application.audit import (
    audit_details,
    mark_changes,
    parse_filter,
    subject,
)
from fravaer_tui.domain import words
from fravaer_tui.domain.words import audit_kind, person
from fravaer_tui.screens.base import DataScreen
from fravaer_tui.widgets.footer import Footer
from fravaer_tui.widgets.labels import shorten
from fravaer_tui.widgets.line import Line

SHOWN = 500  # newest first; the CLI (`fravaer audit`) gives everything


class AuditScreen(DataScreen[list[dict[str, Any]]]):
    BINDINGS = [
        Binding("escape", "back", "Tilbake", id="back"),
        Binding("enter", "open", "Vis endringen", id="open_entry"),
    ]

    def __init__(self, dato: dt.date) -> None:
        super().__init__()
        self.dato = dato
        self.entries: list[dict[str, Any]] = []
        self.width_for = 0
        self.shown: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Endringslogg – nyeste først", classes="title")
        yield Input(
            placeholder="Filter: navn eller id på elev/ansatt, og/eller fra-dato (dd.mm.åååå)",
            id="filter",
        )
        yield Line(id="count", classes="status")  # plain: it says back what was typed
        yield DataTable(id="audit", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self._columns()
        self.query_one("#filter", Input).focus()

    def _columns(self) -> None:
        self.width_for = width = self.app.size.width
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("Når", key="tid", width=16)
        table.add_column("Hvem", key="av", width=14 if width < 100 else 22)
        table.add_column("Hva", key="hva", width=16 if width < 100 else 24)
        table.add_column("Gjelder", key="gjelder", width=max(12, width - 16 - 38 - 10))

    def on_resize(self) -> None:
        if self.app.size.width != self.width_for:
            self._columns()
            self._show(self.query_one("#filter", Input).value)

    def fetch(self) -> list[dict[str, Any]]:
        return self.session.audit_entries()

    def show(self, entries: list[dict[str, Any]]) -> None:
        self.entries = entries
        self._show(self.query_one("#filter", Input).value)

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        if self.loaded:
            self._show(event.value)

    @on(Input.Submitted, "#filter")
    def _to_list(self) -> None:
        self.query_one(DataTable).focus()

    def _show(self, text: str) -> None:
        roster = self.school.roster
        wanted = parse_filter(text, roster)
        count = self.query_one("#count", Line)
        table = self.query_one(DataTable)
        if wanted.problem:
            count.say(f"{wanted.problem} Filteret er ikke brukt.")
            count.set_class(True, "dirty")
            found = self.entries
        else:
            found = [e for e in self.entries if wanted.keeps(e)]
            count.set_class(False, "dirty")
            more = f" (viser de {SHOWN} nyeste)" if len(found) > SHOWN else ""
            n = words.count(len(found), "endringer")
            count.say(f"{n}{more} · enter viser en endring i sin helhet")
        self.shown = list(reversed(found[-SHOWN:]))
        table.clear()
        for i, entry in enumerate(self.shown):
            when = dt.datetime.fromisoformat(entry["tid"]).strftime("%d.%m.%Y %H:%M")
            about = subject(entry, roster)
            changes = mark_changes(entry, roster) if "klasse" in entry else []
            if changes:
                about += ": " + "; ".join(changes)
            table.add_row(
                when,
                shorten(person(roster, entry.get("av", "?")), 22),
                audit_kind(entry.get("hva", "?")),
                about,
                key=str(i),
            )

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            self.notify("Ingen endring å vise.", severity="warning")
            return
        from fravaer_tui.dialogs.audit_entry import AuditEntryDialog

        lines = audit_details(self.school, self.shown[table.cursor_row])
        self.app.push_screen(AuditEntryDialog(lines))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_back(self) -> None:
        self.dismiss()
