"""Dialogs of the follow-up: a contact with home, a step taken, a tiltak."""

from __future__ import annotations

import datetime as dt
import uuid

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from fravaer_tui.dialogs.base import FormDialog
from fravaer_tui.domain.followup import VEDLEGG5_TILTAK, Case, Tiltak
from fravaer_tui.domain.model import CONTACT_KINDS, CONTACT_OUTCOMES, Student
from fravaer_tui.domain.profiles import StepDef
from fravaer_tui.domain.schoolcalendar import format_date, parse_date
from fravaer_tui.widgets.labels import phone_text, unbroken


def _radio(name: str, options: tuple[str, ...]) -> RadioSet:
    return RadioSet(
        *(RadioButton(text, value=i == 0, name=str(i)) for i, text in enumerate(options)), id=name
    )


class ContactDialog(FormDialog):
    """«Ringt foresatte»: what was done, the outcome and a note, into the contact log."""

    def __init__(self, student: Student) -> None:
        super().__init__()
        self.student = student

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="contact"):
            yield Static(f"Kontakt med hjemmet: {self.student.navn}", classes="dialog-title")
            for f in self.student.foresatte or ():  # one line each: a number never wraps
                yield Static(unbroken(f"{phone_text(f.telefon)} {f.navn}".strip()))
            if not self.student.foresatte:
                yield Static("Ingen foresatte er registrert.")
            with Horizontal(classes="choices"):
                with Vertical():
                    yield Label("Hva")
                    yield _radio("hva", CONTACT_KINDS)
                with Vertical():
                    yield Label("Utfall")
                    yield _radio("utfall", CONTACT_OUTCOMES)
            yield Label("Notat (ikke helseopplysninger)")
            yield Input(id="notat", max_length=300)
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#notat", Input).focus()

    def _chosen(self, selector: str, options: tuple[str, ...]) -> str:
        pressed = self.query_one(selector, RadioSet).pressed_button
        return options[int(pressed.name)] if pressed and pressed.name else options[0]

    def action_save(self) -> None:
        self._store(
            self._chosen("#hva", CONTACT_KINDS),
            self._chosen("#utfall", CONTACT_OUTCOMES),
            self.query_one("#notat", Input).value,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _store(self, hva: str, utfall: str, notat: str) -> None:
        self.session.log_contact(self.student.id, hva, utfall, notat, self.now)
        self.stored(f"Kontakt logget for {self.student.navn}: {hva}, {utfall}.")


class StepDialog(FormDialog):
    """A step of the staircase done: date, a note; evaluations get the effect computed."""

    def __init__(self, case: Case, step: StepDef, student: Student) -> None:
        super().__init__()
        self.case = case
        self.step = step
        self.student = student

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="step"):
            yield Static(f"{self.step.tittel}: {self.student.navn}", classes="dialog-title")
            yield Static(self.step.beskrivelse, classes="hint-text")
            yield Label("Dato utført")
            yield Input(format_date(self.now.date()), id="dato", max_length=10)
            if self.step.utfall:  # decided at this step (Hole: «Evaluering etter tre uker»)
                yield Label("Utfall")
                yield _radio("utfall", tuple(o.tittel for o in self.step.utfall))
            yield Label("Notat (hvem var med, hva ble avtalt)")
            yield Input(id="notat", max_length=500)
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#notat", Input).focus()

    def _utfall(self) -> str:
        if not self.step.utfall:
            return ""
        pressed = self.query_one("#utfall", RadioSet).pressed_button
        index = int(pressed.name) if pressed and pressed.name else 0
        return self.step.utfall[index].id

    def action_save(self) -> None:
        try:
            dato = parse_date(self.query_one("#dato", Input).value)
        except ValueError as exc:
            self.fail(str(exc))
            return
        if dato > self.now.date():
            self.fail("Et trinn kan ikke føres som utført fram i tid.")
            return
        self._store(dato, self.query_one("#notat", Input).value.strip(), self._utfall())

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _store(self, dato: dt.date, notat: str, utfall: str = "") -> None:
        effect = None
        if self.step.naar == "etter" and self.case.steps:
            since = self.case.steps[-1].dato  # the plan or tiltak the evaluation looks back on
            days = max(7, (dato - since).days)
            effect = self.session.effect(self.case, since, days, dato)
        self.session.record_step(self.case, self.step.id, dato, self.now, notat, effect, utfall)
        text = f"{self.step.tittel} er ført for {self.student.navn}."
        self.stored(f"{text} {effect.sentence()}" if effect else text)


class TiltakDialog(FormDialog):
    """A tiltak from Vedlegg 5's list or typed, with who is responsible, start and length.

    The list takes the room left over, so the fields below it are always whole (issue 12:
    «The tiltak dialog (a) shows only the top border of "Ansvarlig" at 120×40»)."""

    def __init__(self, case: Case, student: Student) -> None:
        super().__init__()
        self.case = case
        self.student = student

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        for heading, items in VEDLEGG5_TILTAK:
            options.append(Option(heading, disabled=True))
            options += [Option(f"  {text}", id=f"v5|{text}") for text in items]
        with Vertical(classes="dialog", id="tiltak-dialog"):
            yield Static(f"Tiltak for {self.student.navn}", classes="dialog-title")
            yield Label("Velg fra vedlegg 5 (enter), eller skriv eget tiltak under")
            yield OptionList(*options, id="vedlegg5")
            yield Input(placeholder="Eget tiltak …", id="hva", max_length=200)
            with Grid(id="tiltak-fields"):
                yield Label("Ansvarlig")
                yield Label("Fra dato")
                yield Label("Uker")
                yield Input(placeholder="hvem", id="hvem", max_length=80)
                yield Input(format_date(self.now.date()), id="fra", max_length=10)
                yield Input("2", id="uker", restrict=r"[0-9]{0,2}", max_length=2)
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#vedlegg5", OptionList).focus()

    @on(OptionList.OptionSelected, "#vedlegg5")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        text = str(event.option.id or "").partition("|")[2]
        self.query_one("#hva", Input).value = text
        self.query_one("#hvem", Input).focus()

    def action_save(self) -> None:
        hva = self.query_one("#hva", Input).value.strip()
        hvem = self.query_one("#hvem", Input).value.strip()
        uker = self.query_one("#uker", Input).value.strip()
        if not hva:
            self.fail("Velg et tiltak fra listen eller skriv et eget.")
            return
        if not hvem:
            self.fail("Skriv hvem som er ansvarlig for tiltaket.")
            return
        if not uker.isdigit() or not 1 <= int(uker) <= 52:
            self.fail("Varighet: skriv antall uker, 1–52.")
            return
        try:
            fra = parse_date(self.query_one("#fra", Input).value)
        except ValueError as exc:
            self.fail(str(exc))
            return
        from_list = any(hva == t for _, items in VEDLEGG5_TILTAK for t in items)
        self._store(Tiltak(f"T{uuid.uuid4().hex[:8]}", hva, hvem, fra, int(uker), from_list))

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _store(self, tiltak: Tiltak) -> None:
        self.session.add_tiltak(self.case, tiltak, self.now.date(), self.now)
        self.stored(f"Tiltak lagt til: {tiltak.hva} ({tiltak.hvem}, {tiltak.uker} uker).")
