"""Dialogs of the routine beside the staircase (issue 13): a tracked item done (Strand's
helsesykepleier offer, PPT notified), and Strand's stafettholder (BTI c)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from fravaer_tui.application.routine import NOT_APPLICABLE
from fravaer_tui.dialogs.base import FormDialog
from fravaer_tui.dialogs.followup import consent_lines
from fravaer_tui.domain import consent
from fravaer_tui.domain.consent import Samtykke
from fravaer_tui.domain.followup import Case, TaskState
from fravaer_tui.domain.model import Student
from fravaer_tui.domain.schoolcalendar import format_date, parse_date
from fravaer_tui.domain.words import missing_consent
from fravaer_tui.screens.base import AppDialog


class TaskPicker(AppDialog[str | None]):
    """Which tracked item was done, when a step has several open (enter picks)."""

    BINDINGS = [Binding("escape", "cancel", "Avbryt", id="picker_cancel")]

    def __init__(self, tasks: Sequence[TaskState]) -> None:
        super().__init__()
        self.tasks = list(tasks)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="task-picker"):
            yield Static("Hvilken oppgave er gjort?", classes="dialog-title")
            options = []
            for t in self.tasks:
                due = f" – frist {format_date(t.frist)}" if t.frist else ""
                late = " (forfalt)" if t.overdue else ""
                options.append(Option(f"{t.task.tittel}{due}{late}", id=t.task.id))
            yield OptionList(*options, id="tasks")
            yield Static("enter velger · esc avbryter", classes="hint-text")

    def on_mount(self) -> None:
        tasks = self.query_one("#tasks", OptionList)
        tasks.highlighted = 0
        tasks.focus()

    @on(OptionList.OptionSelected, "#tasks")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TaskDialog(FormDialog):
    """A tracked item done: the day, its outcome (takket ja / nei; varslet / ikke aktuelt)
    and a note. Consent for the services it brings in is shown, and a missing one warned
    about before it is recorded (a second ctrl+s records it: «husk samtykke»). An item
    recorded «ikke aktuelt» brought nothing in and needs no consent."""

    def __init__(
        self, case: Case, state: TaskState, student: Student, given: Sequence[Samtykke] = ()
    ) -> None:
        super().__init__()
        self.case = case
        self.state = state
        self.item = state.task
        self.student = student
        self.given = tuple(given)
        self.warned = ""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="task"):
            yield Static(f"{self.item.tittel}: {self.student.navn}", classes="dialog-title")
            if self.item.beskrivelse:
                yield Static(self.item.beskrivelse, classes="hint-text", markup=False)
            if self.state.frist is not None:
                late = " (forfalt)" if self.state.overdue else ""
                yield Static(f"Frist {format_date(self.state.frist)}{late}")
            yield Label("Dato gjort")
            yield Input(format_date(self.now.date()), id="dato", max_length=10)
            if self.item.utfall:
                yield Label("Utfall")
                yield RadioSet(
                    *(
                        RadioButton(o.tittel, value=i == 0, name=o.id)
                        for i, o in enumerate(self.item.utfall)
                    ),
                    id="utfall",
                )
            yield Static(id="samtykke", classes="consents")
            yield Label("Notat (ikke helseopplysninger)")
            yield Input(id="notat", max_length=500)
            yield from self.buttons()

    def on_mount(self) -> None:
        self._consents()
        self.query_one("#utfall" if self.item.utfall else "#notat").focus()

    def _utfall(self) -> str:
        if not self.item.utfall:
            return ""
        pressed = self.query_one("#utfall", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else self.item.utfall[0].id

    def _statuses(self, dato: dt.date) -> list[consent.ConsentStatus]:
        if self._utfall() == NOT_APPLICABLE:
            return []
        return consent.statuses(list(self.item.samtykke), self.given, self.student.id, dato)

    @on(RadioSet.Changed, "#utfall")
    @on(Input.Changed, "#dato")
    def _consents(self) -> None:
        try:
            dato = parse_date(self.query_one("#dato", Input).value)
        except ValueError:
            dato = self.now.date()
        self.query_one("#samtykke", Static).update(consent_lines(self._statuses(dato)))

    def action_save(self) -> None:
        dato = self.date_of()
        if dato is None:
            return
        if dato > self.now.date():
            self.fail("En oppgave kan ikke føres som gjort fram i tid.")
            return
        warning = missing_consent(self._statuses(dato))
        if warning and warning != self.warned:
            self.warned = warning
            self.fail(f"{warning} Trykk ctrl+s igjen for å føre oppgaven likevel.")
            return
        notat = self.query_one("#notat", Input).value.strip()
        self._store(dato, self._utfall(), notat, warning)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _store(self, dato: dt.date, utfall: str, notat: str, warning: str) -> None:
        self.session.record_task(self.case.elev, self.item.id, dato, self.now, utfall, notat)
        outcome = self.item.outcome(utfall) if utfall else None
        text = f"{self.item.tittel} er ført for {self.student.navn}"
        text += f": {outcome.tittel}." if outcome else "."
        self.stored(f"{text} {warning}" if warning else text)


class StafettDialog(FormDialog):
    """Strand, BTI c: «Det skal utpekes en stafettholder med ansvar for koordineringen av
    tjenestene» — who (name and service, often outside the school) and from when. A new
    one takes over from a later date; the earlier ones are kept."""

    def __init__(self, case: Case, student: Student) -> None:
        super().__init__()
        self.case = case
        self.student = student

    def compose(self) -> ComposeResult:
        holder = self.case.stafettholder
        with VerticalScroll(classes="dialog", id="stafett"):
            yield Static(f"Stafettholder: {self.student.navn}", classes="dialog-title")
            now = (
                f"Nå: {holder.hvem} fra {format_date(holder.fra)}. En ny tar over fra datoen "
                "du skriver."
                if holder is not None
                else "Ingen er utpekt ennå."
            )
            yield Static(now, classes="hint-text", markup=False)
            yield Label("Hvem (navn og tjeneste)")
            yield Input(id="hvem", max_length=100)
            yield Label("Fra dato")
            yield Input(format_date(self.now.date()), id="fra", max_length=10)
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#hvem", Input).focus()

    def action_save(self) -> None:
        hvem = " ".join(self.query_one("#hvem", Input).value.split())
        if not hvem:
            self.fail("Skriv hvem som er stafettholder (navn og tjeneste).")
            return
        fra = self.date_of("#fra")
        if fra is None:
            return
        self._store(hvem, fra)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog")
    def _store(self, hvem: str, fra: dt.date) -> None:
        self.session.set_stafettholder(self.case.elev, hvem, fra, self.now)
        self.stored(f"Stafettholder for {self.student.navn}: {hvem} fra {format_date(fra)}.")
