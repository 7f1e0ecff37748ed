"""A melding from foresatte (or innvilget permisjon) for a student and a date range."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, Static

from fravaer_tui.dialogs.base import FormDialog
from fravaer_tui.domain.model import Melding, Reason, Student, Validity
from fravaer_tui.domain.schoolcalendar import format_date, parse_date
from fravaer_tui.domain.words import date_range
from fravaer_tui.messages import Done

REASONS = [
    (Reason.SYKDOM, "Sykdom"),
    (Reason.LEGE, "Lege/tannlege"),
    (Reason.PERMISJON, "Innvilget permisjon"),
    (Reason.ANNET, "Annet"),
]


class MeldingDialog(FormDialog):
    """Opened from a row, it takes that row's student and dates (issue 12, point 2)."""

    def __init__(self, student: Student, fra: dt.date, til: dt.date | None = None) -> None:
        super().__init__()
        self.student = student
        self.fra = fra
        self.til = til or fra

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="melding"):
            yield Static(
                f"Melding for {self.student.navn} ({self.student.klasse})", classes="dialog-title"
            )
            with Grid(classes="dates"):
                yield Label("Fra dato")
                yield Input(format_date(self.fra), id="fra", max_length=10)
                yield Label("Til dato")
                yield Input(format_date(self.til), id="til", max_length=10)
            with Horizontal(classes="choices"):
                with Vertical():
                    yield Label("Årsak")
                    with RadioSet(id="reason"):
                        for i, (reason, text) in enumerate(REASONS):
                            yield RadioButton(text, value=i == 0, name=reason.value)
                    # that it came, never what it says (issue 13: «never a diagnosis»)
                    yield Checkbox("Legeattest mottatt", id="legeattest")
                with Vertical():
                    yield Label("Fraværet er")
                    with RadioSet(id="validity"):
                        yield RadioButton("gyldig", value=True, name=Validity.GYLDIG.value)
                        yield RadioButton("ugyldig", name=Validity.UGYLDIG.value)
                    yield Label("Meldingen kom")  # Strand, Melding av fravær b
                    with RadioSet(id="kanal"):
                        yield RadioButton("skriftlig", value=True, name="skriftlig")
                        yield RadioButton("muntlig", name="muntlig")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#fra", Input).focus()

    def action_save(self) -> None:
        try:
            fra = parse_date(self.query_one("#fra", Input).value)
            til = parse_date(self.query_one("#til", Input).value)
        except ValueError as exc:
            self.fail(str(exc))
            return
        self._store(
            fra,
            til,
            Reason(self._chosen("#reason")),
            Validity(self._chosen("#validity")),
            self._chosen("#kanal"),
            self.query_one("#legeattest", Checkbox).value,
        )

    def _chosen(self, selector: str) -> str:
        pressed = self.query_one(selector, RadioSet).pressed_button
        assert pressed is not None and pressed.name is not None
        return pressed.name

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _store(
        self,
        fra: dt.date,
        til: dt.date,
        reason: Reason,
        validity: Validity,
        kanal: str,
        legeattest: bool,
    ) -> None:
        saved = self.session.add_melding(
            self.student.id,
            fra,
            til,
            reason,
            validity,
            self.now,
            kanal=kanal,
            legeattest=legeattest,
        )
        text = f"Melding registrert for {self.student.navn}, {date_range(fra, til)}."
        self.post_message(Done(text, saved))

    def after_saved(self, value: object) -> None:
        """A receipt is owed: its text, ready to copy, and a key to mark it given."""
        if isinstance(value, Melding) and value.venter_kvittering:
            from fravaer_tui.dialogs.receipt import ReceiptDialog

            self.app.push_screen(ReceiptDialog(self.student, value.id))
