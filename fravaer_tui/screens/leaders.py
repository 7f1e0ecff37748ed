"""Ledelsens oversikt: open cases, overdue steps, reports received, figures, ikke ført.
Rows with a case open the case (enter, s); rows with a student open the student (e)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from fravaer_tui.application.leaders import leader_rows
from fravaer_tui.application.routine_rows import (
    REVIEWS,
    ReviewDue,
    insert_before,
    review_rows,
    reviews_listed,
)
from fravaer_tui.application.session import LeaderOverview
from fravaer_tui.screens.base import DataScreen
from fravaer_tui.screens.lessons import day_title
from fravaer_tui.screens.reviewfigures import LoadsReviewFigures
from fravaer_tui.widgets.footer import Footer
from fravaer_tui.widgets.rowlist import RowList


@dataclass(frozen=True, slots=True)
class LeaderData:
    overview: LeaderOverview
    reviews: list[ReviewDue] = field(default_factory=list)


class LeaderScreen(LoadsReviewFigures, DataScreen[LeaderData]):
    BINDINGS = [
        Binding("enter", "open", "Åpne saken", id="open_case", priority=True),
        Binding("s", "open", "Sak", id="case", show=False),
        Binding("p", "student", "Elevens side", id="open_student"),
        Binding("h", "review", "Gjennomgang holdt", id="record_review"),
        Binding("tab", "section(1)", "Neste del", id="next_section", key_display="⇥"),
        Binding("shift+tab", "section(-1)", "Forrige del", id="previous_section", show=False),
        Binding("escape", "back", "Tilbake", id="back"),
    ]

    def __init__(self, dato: dt.date) -> None:
        super().__init__()
        self.dato = dato
        self.overview: LeaderOverview | None = None
        self.reviews: list[ReviewDue] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Ledelsens oversikt · {day_title(self.dato)}", classes="title")
        yield RowList(id="leaders")
        yield Static("Henter …", id="detail", classes="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "alerts", lambda _: self.load(), init=False)

    def fetch(self) -> LeaderData:
        overview = self.session.leader_overview(self.dato, self.app.alerts)
        return LeaderData(overview, reviews_listed(overview.gjennomganger, self.dato))

    def show(self, data: LeaderData) -> None:
        self.overview, self.reviews = data.overview, data.reviews
        self._rebuild()
        if data.overview.gjennomganger:
            self._figures(data.overview.gjennomganger, self._generation)

    def refusal(self, action: str) -> str | None:
        if action == "review" and not self.school.profile.gjennomganger:
            return f"Regelprofilen «{self.school.profile.navn}» har ingen faste gjennomganger."
        return None

    def _rebuild(self) -> None:
        if self.overview is None:
            return
        overview = self.overview
        css = self.app.get_css_variables()
        rows = leader_rows(overview, self.school.roster, self.school.profile)
        # issue 13: the week's meeting and the trinn's and school's reviews, before the
        # reports they discuss
        insert_before(rows, "vedlegg3", review_rows(self.reviews, self.school.roster, self.dato))
        self.query_one(RowList).show_rows(
            rows,
            self.app.size.width,
            f"bold {css.get('accent', 'cyan')}",
            f"bold {css.get('warning', 'yellow')}",
        )
        self._update_detail()

    @on(DataTable.RowHighlighted)
    def _update_detail(self) -> None:
        self.query_one("#detail", Static).update(self.query_one(RowList).detail())

    def action_open(self) -> None:
        """The case on the row; a row with only a student opens the student."""
        row = self.query_one(RowList).current
        if row is not None and row.kind == REVIEWS:
            self.action_review()
        elif row is not None and row.case_id:
            from fravaer_tui.screens.case import CaseScreen

            self.app.push_screen(CaseScreen(row.case_id, self.dato))
        elif row is not None and row.elev:
            self.action_student()
        else:
            self.notify("Velg en rad med en sak eller en elev (piltastene).", severity="warning")

    def action_student(self) -> None:
        row = self.query_one(RowList).current
        if row is None or not row.elev:
            self.notify("Velg en rad med en elev (piltastene).", severity="warning")
            return
        from fravaer_tui.screens.student import StudentScreen

        self.app.push_screen(StudentScreen(row.elev, self.dato))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_back(self) -> None:
        self.dismiss()
