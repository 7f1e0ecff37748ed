"""The receipt to foresatte for a melding: the text ready to copy, and marking it given.

Strand, Melding av fravær c: «Skolen har ansvar for å gi tilbakemelding til foresatte om at
melding er mottatt». The text comes from the one door (`Session.receipt_text`); the dialog
selects it all, so ctrl+c copies it for the school's messaging system. Who gave it is the
user; how and when are asked.
"""

from __future__ import annotations

import datetime as dt

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from fravaer_tui.dialogs.base import FormDialog
from fravaer_tui.domain.model import Student
from fravaer_tui.domain.receipts import HOW
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.messages import Loaded

# how it was given, short enough for the field at 80 columns (`HOW` says it in full)
WAY_WORDS = {"meldingssystem": "meldingssystemet", "samtale": "i samtale"}
WAYS = [(WAY_WORDS.get(key, text.removeprefix("på ")), key) for key, text in HOW.items()]


class ReceiptDialog(FormDialog):
    """Opened after a melding is saved, or from a row of «Meldinger uten kvittering»."""

    def __init__(self, student: Student, melding_id: str) -> None:
        super().__init__()
        self.student = student
        self.melding_id = melding_id
        self.text = ""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="receipt"):
            yield Static(f"Kvittering til foresatte: {self.student.navn}", classes="dialog-title")
            yield Static(
                "Teksten er merket: ctrl+c kopierer den til meldingssystemet (f7 merker alt).",
                classes="hint-text",
            )
            yield TextArea("Henter …", id="text", read_only=True, soft_wrap=True)
            with Grid(classes="dates"):
                yield Label("Gitt")
                yield Select(WAYS, allow_blank=False, id="hvordan")
                yield Label("Dato")
                yield Input(format_date(self.now.date()), id="dato", max_length=10)
            yield Static(id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Kvittering gitt (ctrl+s)", id="save", variant="primary")
                yield Button("Senere (esc)", id="cancel")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _load(self) -> None:
        text = self.session.receipt_text(self.student.id, self.melding_id, self.now.date())
        self.post_message(Loaded(text, 0))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        message.stop()
        self.text = message.data
        area = self.query_one("#text", TextArea)
        area.load_text(self.text)
        area.select_all()
        area.focus()

    def action_save(self) -> None:
        dato = self.date_of()
        if dato is None:
            return
        how = self.query_one("#hvordan", Select).value
        assert isinstance(how, str)
        self._store(how, dato)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _store(self, how: str, dato: dt.date) -> None:
        self.session.give_receipt(self.student.id, self.melding_id, how, self.now, dato)
        self.stored(f"Kvittering gitt {HOW[how]} {format_date(dato)} ({self.student.navn}).")
