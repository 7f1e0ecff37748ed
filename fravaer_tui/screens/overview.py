"""The kontaktlærer's morning: what needs doing today, for each own class, in that order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from fravaer_tui.application.morning import MorningRow, morning_rows
from fravaer_tui.application.receipts import PendingReceipt
from fravaer_tui.application.routine_rows import (
    REVIEWS,
    ReviewDue,
    insert_before,
    receipt_key,
    receipt_rows,
    review_rows,
    reviews_listed,
)
from fravaer_tui.application.session import ClassMorning
from fravaer_tui.screens.base import DataScreen
from fravaer_tui.screens.lessons import day_title
from fravaer_tui.screens.reviewfigures import LoadsReviewFigures
from fravaer_tui.widgets.footer import Footer
from fravaer_tui.widgets.rowlist import RowList


@dataclass(frozen=True, slots=True)
class MorningData:
    blocks: list[ClassMorning]
    reviews: list[ReviewDue] = field(default_factory=list)
    has_reviews: bool = False  # the profile gives this person a review (Hole: monthly)


class MorningScreen(LoadsReviewFigures, DataScreen[MorningData]):
    BINDINGS = [
        Binding("enter", "student", "Åpne elev", id="open_student", priority=True),
        Binding("m", "melding", "Melding", id="melding"),
        Binding("r", "contact", "Ringt", id="contact"),
        Binding("s", "case", "Sak", id="case"),
        Binding("g", "receipt", "Kvittering", id="give_receipt"),
        Binding("h", "review", "Gjennomgang", id="record_review"),
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
        self.reviews: list[ReviewDue] = []
        self.has_reviews = False
        self.show_followed = False

    @property
    def keys(self) -> list[str]:
        return [r.key for r in self.rows]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Morgenoversikt · {day_title(self.dato)}", id="title", classes="title")
        yield RowList(id="morning")
        yield Static(id="detail", classes="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "alerts", lambda _: self.load(), init=False)

    def fetch(self) -> MorningData:
        session = self.session
        blocks = session.morning(self.dato, self.app.alerts, self.app.clock())
        due = [o for b in blocks for o in b.gjennomganger]
        mine = any(  # the class's own reviews; ledelsen's are in ledelsens oversikt
            r.omfang == "klasse" and session.my_review_scopes(r)
            for r in self.school.profile.gjennomganger
        )
        return MorningData(blocks, reviews_listed(due, self.dato), mine)

    def show(self, data: MorningData) -> None:
        self.blocks, self.reviews, self.has_reviews = data.blocks, data.reviews, data.has_reviews
        self._rebuild()
        due = [o for b in data.blocks for o in b.gjennomganger]
        if due:
            self._figures(due, self._generation)

    def refusal(self, action: str) -> str | None:
        if action == "review" and not self.has_reviews:
            return (
                f"Regelprofilen «{self.school.profile.navn}» har ingen gjennomgang for "
                "kontaktlæreren; ledelsens gjennomganger står i ledelsens oversikt."
            )
        return None

    def _all_rows(self) -> list[MorningRow]:
        """The day's rows, with issue 13's sections: the reviews due after the steps due
        (when the profile gives the kontaktlærer one), the receipts owed after ikke ført."""
        roster = self.school.roster
        rows = morning_rows(self.blocks, roster, self.dato, self.show_followed)
        if self.has_reviews:
            insert_before(rows, "ikke_meldt", review_rows(self.reviews, roster, self.dato))
        pending = [p for b in self.blocks for p in b.kvitteringer]
        ends = ("fold|fulgt_opp", "heading|fulgt_opp", "heading|absence_today")
        at = next((i for i, r in enumerate(rows) if r.key in ends), len(rows))
        rows[at:at] = receipt_rows(pending, roster, len(self.blocks) > 1)
        return rows

    def _rebuild(self) -> None:
        css = self.app.get_css_variables()
        self.query_one(RowList).show_rows(
            self._all_rows(),
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
        if row is not None and row.kind == REVIEWS:
            self.action_review()
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

    def action_receipt(self) -> None:
        """The receipt for the melding on the row (the section «Meldinger uten kvittering»)."""
        row = self._row()
        pending = {receipt_key(p): p for b in self.blocks for p in b.kvitteringer}
        found: PendingReceipt | None = pending.get(row.key) if row else None
        if found is None:
            self.notify(
                "Velg en melding under «Meldinger uten kvittering til foresatte» (⇥ flytter "
                "mellom delene).",
                severity="warning",
            )
            return
        from fravaer_tui.dialogs.receipt import ReceiptDialog

        student = self.school.roster.student(found.melding.elev)
        if student is not None:
            self.app.push_screen(ReceiptDialog(student, found.melding.id))

    def _changed(self, saved: object) -> None:
        if saved:
            self.app.run_checker()  # the screen reloads when it is back, the alerts after

    def action_back(self) -> None:
        self.dismiss()

    def action_cursor(self, step: int) -> None:
        table = self.query_one(RowList)
        table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_student()
