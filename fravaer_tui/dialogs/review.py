"""A review held (issue 13, point 3): its figures on top, then the day, who took part, notes
and the decisions — what is to be done and who does it, one a line («hva | hvem»)."""

from __future__ import annotations

import datetime as dt

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static, TextArea

from fravaer_tui.application.routine_rows import ReviewDue, figures_lines, period_text
from fravaer_tui.dialogs.base import FormDialog
from fravaer_tui.domain import reviews
from fravaer_tui.domain.reviews import Beslutning
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.messages import Loaded


class ReviewDialog(FormDialog):
    """Records the row's period of the review (the oldest overdue one on a grouped row)."""

    def __init__(self, item: ReviewDue) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        o = self.item.occurrence
        lines = (
            figures_lines(self.item.figures, self.school.roster, self.school.profile)
            if self.item.figures
            else [f"{o.review.tittel} – {o.scope_text}, {period_text(o)}", "Henter tallene …"]
        )
        with Vertical(classes="dialog", id="review-dialog"):
            yield Static(f"Gjennomgang holdt: {o.scope_text}", classes="dialog-title")
            with VerticalScroll(id="review-figures"):
                yield Static("\n".join(lines), markup=False, id="figures")
            with Grid(classes="dates"):
                yield Label("Holdt dato")
                yield Input(format_date(self.now.date()), id="dato", max_length=10)
                yield Label("Deltakere")
                yield Input(placeholder="navn, navn", id="deltakere", max_length=300)
                yield Label("Notat")
                yield Input(id="notat", max_length=reviews.MAX_NOTE, classes="wide")
            yield Label("Beslutninger, én per linje: hva som skal gjøres | hvem gjør det")
            yield TextArea(id="beslutninger", soft_wrap=True)
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#dato", Input).focus()
        if self.item.figures is None:  # opened before the overview had read them
            self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="figures")
    def _load(self) -> None:
        o = self.item.occurrence
        figures = self.session.review_figures(
            o.review, o.omfang, self.now.date(), period=o.period.fra
        )
        self.post_message(Loaded(figures, 0))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        message.stop()
        lines = figures_lines(message.data, self.school.roster, self.school.profile)
        self.query_one("#figures", Static).update("\n".join(lines))

    def action_save(self) -> None:
        dato = self.date_of()
        if dato is None:
            return
        decisions: list[Beslutning] = []
        text = self.query_one("#beslutninger", TextArea).text
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                decisions.append(reviews.parse_decision(line))
            except ValueError as exc:
                self.fail(f"Beslutninger, linje {n}: {exc}.")
                return
        names = [n.strip() for n in self.query_one("#deltakere", Input).value.split(",")]
        self._store(dato, [n for n in names if n], self.query_one("#notat", Input).value, decisions)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _store(
        self, dato: dt.date, deltakere: list[str], notat: str, decisions: list[Beslutning]
    ) -> None:
        o = self.item.occurrence
        record = self.session.record_review(
            o.review,
            o.omfang,
            dato,
            self.now,
            period=o.period.fra,
            deltakere=deltakere,
            notat=notat,
            beslutninger=decisions,
        )
        self.stored(
            f"Ført: {o.review.tittel}, {o.scope_text}, "
            f"{format_date(record.fra)}–{format_date(record.til)}, holdt {format_date(dato)}."
        )
