"""Dialogs of the follow-up: a contact with home, a step taken (with its consent), a tiltak."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import (
    Collapsible,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from fravaer_tui.dialogs.base import FormDialog
from fravaer_tui.domain import consent
from fravaer_tui.domain.consent import ConsentStatus, Samtykke, Service
from fravaer_tui.domain.followup import VEDLEGG5_TILTAK, Case, Tiltak
from fravaer_tui.domain.model import CONTACT_KINDS, CONTACT_OUTCOMES, Student
from fravaer_tui.domain.profiles import StepDef
from fravaer_tui.domain.schoolcalendar import format_date, parse_date
from fravaer_tui.domain.words import consent_line, missing_consent, service_word
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
    """A step of the staircase done: date, an outcome where the step decides one (Hole's
    evaluation: løst, ny plan, aktiv oppfølging), who took part, the services it brought in
    with their consent, and a note; evaluations get the effect computed.

    A service without consent on file is warned about before the step is recorded; the
    second ctrl+s records it all the same (the seeds say «Husk samtykke»: the consent may
    be on paper, and refusing would only make the record lie about the date)."""

    def __init__(
        self, case: Case, step: StepDef, student: Student, given: Sequence[Samtykke] = ()
    ) -> None:
        super().__init__()
        self.case = case
        self.step = step
        self.student = student
        self.given = tuple(given)
        self.warned = ""  # the warning last shown; a second save with it unchanged goes on

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="step"):
            yield Static(f"{self.step.tittel}: {self.student.navn}", classes="dialog-title")
            yield Static(self.step.beskrivelse, classes="hint-text", markup=False)
            yield Label("Dato utført")
            yield Input(format_date(self.now.date()), id="dato", max_length=10)
            if self.step.utfall:  # decided at this step (Hole: «Evaluering etter tre uker»)
                yield Label("Utfall")
                yield _radio("utfall", tuple(o.tittel for o in self.step.utfall))
            with Collapsible(
                title="Deltakere og tjenester (samtykke)",
                collapsed=not brings_people(self.step),
                id="people",
            ):
                yield Label("Deltakere (navn og rolle; skill med ;)")
                yield Input(id="deltakere", max_length=500)
                yield Label("Tjenester trinnet trekker inn (mellomrom velger)")
                yield SelectionList[str](
                    *(
                        Selection(service_word(s), s.value, s in self.step.samtykke)
                        for s in Service
                        if s is not Service.ANNET
                    ),
                    id="tjenester",
                )
            yield Static(id="samtykke", classes="consents")
            yield Label("Notat (hvem var med, hva ble avtalt)")
            yield Input(id="notat", max_length=500)
            yield from self.buttons()

    def on_mount(self) -> None:
        self._consents()
        # a step that decides an outcome starts on its choices: none is taken by default
        self.query_one("#utfall" if self.step.utfall else "#notat").focus()

    def services(self) -> list[Service]:
        chosen = self.query_one("#tjenester", SelectionList).selected
        return [Service(v) for v in chosen]

    def _date_or_today(self) -> dt.date:
        try:
            return parse_date(self.query_one("#dato", Input).value)
        except ValueError:
            return self.now.date()

    @on(SelectionList.SelectedChanged, "#tjenester")
    @on(Input.Changed, "#dato")
    def _consents(self) -> None:
        """Whether each chosen service has consent on file on the day the step was done."""
        found = consent.statuses(
            self.services(), self.given, self.student.id, self._date_or_today()
        )
        self.query_one("#samtykke", Static).update(consent_lines(found))

    def _utfall(self) -> str:
        if not self.step.utfall:
            return ""
        pressed = self.query_one("#utfall", RadioSet).pressed_button
        index = int(pressed.name) if pressed and pressed.name else 0
        return self.step.utfall[index].id

    def action_save(self) -> None:
        dato = self.date_of()
        if dato is None:
            return
        if dato > self.now.date():
            self.fail("Et trinn kan ikke føres som utført fram i tid.")
            return
        services = self.services()
        found = consent.statuses(services, self.given, self.student.id, dato)
        warning = missing_consent(found)
        if warning and warning != self.warned:
            self.warned = warning
            self.fail(f"{warning} Trykk ctrl+s igjen for å føre trinnet likevel.")
            return
        people = [p.strip() for p in self.query_one("#deltakere", Input).value.split(";")]
        notat = self.query_one("#notat", Input).value.strip()
        self._store(dato, notat, self._utfall(), [p for p in people if p], services, warning)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _store(
        self,
        dato: dt.date,
        notat: str,
        utfall: str = "",
        deltakere: Sequence[str] = (),
        tjenester: Sequence[Service] = (),
        warning: str = "",
    ) -> None:
        effect = None
        if self.step.naar == "etter" and self.case.steps:
            since = self.case.steps[-1].dato  # the plan or tiltak the evaluation looks back on
            days = max(7, (dato - since).days)
            effect = self.session.effect(self.case, since, days, dato)
        self.session.record_step(
            self.case, self.step.id, dato, self.now, notat, effect, utfall, deltakere, tjenester
        )
        text = f"{self.step.tittel} er ført for {self.student.navn}."
        if effect:
            text += f" {effect.sentence()}"
        self.stored(f"{text} {warning}" if warning else text)


def brings_people(step: StepDef) -> bool:
    """A step that brings in a service (profile `samtykke`) or is a meeting (Hole's
    samarbeidsmøte, Strand's samhandlingsmøte and BTI: «før deltakerne og tjenestene»)
    opens with its participants and services shown; other steps have them folded."""
    title = step.tittel.casefold()
    return bool(step.samtykke) or "møte" in title or step.id in ("bti", "samhandlingsmote")


def consent_lines(found: Sequence[ConsentStatus]) -> str:
    """The consent lines of a dialog (markup: green on file, the warning colour missing)."""
    lines = []
    for status in found:
        colour = "$success" if status.on_file else "b $warning"
        lines.append(f"[{colour}]{escape(consent_line(status))}[/]")
    return "\n".join(lines)


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
        fra = self.date_of("#fra")
        if fra is None:
            return
        from_list = any(hva == t for _, items in VEDLEGG5_TILTAK for t in items)
        self._store(Tiltak(f"T{uuid.uuid4().hex[:8]}", hva, hvem, fra, int(uker), from_list))

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _store(self, tiltak: Tiltak) -> None:
        self.session.add_tiltak(self.case, tiltak, self.now.date(), self.now)
        self.stored(f"Tiltak lagt til: {tiltak.hva} ({tiltak.hvem}, {tiltak.uker} uker).")
