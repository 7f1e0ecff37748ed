"""The samtykke register's dialogs: a consent given, a consent withdrawn (issue 13, point 1)."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from fravaer_tui.dialogs.base import FormDialog
from fravaer_tui.domain.consent import MAX_SCOPE, GivenBy, Samtykke, Service
from fravaer_tui.domain.model import Student
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.domain.words import service_word

SERVICES = [(service_word(s.value), s) for s in Service]
GIVERS = [("foresatt", GivenBy.FORESATT), ("eleven", GivenBy.ELEV)]


class ConsentDialog(FormDialog):
    """«Samtykke gitt»: the service, given by whom and when (today unless typed), what it
    covers; the service's name when it is «annet»."""

    def __init__(self, student: Student) -> None:
        super().__init__()
        self.student = student

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="consent"):
            yield Static(f"Samtykke for {self.student.navn}", classes="dialog-title")
            with Grid(classes="dates"):
                yield Label("Tjeneste")
                yield Select(SERVICES, allow_blank=False, id="tjeneste")
                yield Label("Gitt av")
                yield Select(GIVERS, allow_blank=False, id="gitt_av")
                yield Label("Dato")
                yield Input(format_date(self.now.date()), id="dato", max_length=10)
                yield Label("Navn")
                yield Input(placeholder="den som ga det", id="navn", max_length=80)
                yield Label("Gjelder")
                yield Input(placeholder="hva som kan deles", id="omfang", max_length=MAX_SCOPE)
                yield Label("Annet")
                yield Input(placeholder="tjenestens navn", id="annen", max_length=80)
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#tjeneste", Select).focus()

    def action_save(self) -> None:
        dato = self.date_of()
        if dato is None:
            return
        tjeneste = self.query_one("#tjeneste", Select).value
        gitt_av = self.query_one("#gitt_av", Select).value
        assert isinstance(tjeneste, Service) and isinstance(gitt_av, GivenBy)
        self._store(
            tjeneste,
            gitt_av,
            dato,
            self.query_one("#omfang", Input).value,
            self.query_one("#navn", Input).value,
            self.query_one("#annen", Input).value,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _store(
        self, tjeneste: Service, gitt_av: GivenBy, dato: dt.date, omfang: str, navn: str, annen: str
    ) -> None:
        saved = self.session.add_consent(
            self.student.id,
            tjeneste,
            gitt_av,
            dato,
            self.now,
            omfang=omfang,
            navn=navn,
            annen=annen,
        )
        self.stored(
            f"Samtykke ført for {self.student.navn}: {saved.tjeneste_navn}, gitt "
            f"{format_date(saved.dato)} av {saved.gitt_av.value}."
        )


class WithdrawConsentDialog(FormDialog):
    """The consent under the cursor withdrawn from a date (today unless typed)."""

    def __init__(self, student: Student, consent: Samtykke) -> None:
        super().__init__()
        self.student = student
        self.consent = consent

    def compose(self) -> ComposeResult:
        c = self.consent
        with VerticalScroll(classes="dialog", id="withdraw"):
            yield Static(
                f"Trekk samtykke for {self.student.navn}: {c.tjeneste_navn}", classes="dialog-title"
            )
            yield Static(
                f"Gitt {format_date(c.dato)} av {c.gitt_av.value}"
                + (f", gjelder {c.omfang}" if c.omfang else "")
                + ". Fra datoen under kan ingenting mer deles med tjenesten.",
                classes="hint-text",
                markup=False,
            )
            yield Label("Trukket fra dato")
            yield Input(format_date(self.now.date()), id="dato", max_length=10)
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#dato", Input).focus()

    def action_save(self) -> None:
        dato = self.date_of()
        if dato is None:
            return
        self._store(dato)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _store(self, dato: dt.date) -> None:
        saved = self.session.withdraw_consent(self.student.id, self.consent.id, dato, self.now)
        self.stored(
            f"Samtykket for {saved.tjeneste_navn} er trukket fra {format_date(dato)} "
            f"({self.student.navn})."
        )
