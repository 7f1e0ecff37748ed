"""Small typed dialogs: unsaved changes, and a melding from foresatte."""

from __future__ import annotations

import datetime as dt

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

from fravaer_tui.domain.model import Reason, Student, Validity
from fravaer_tui.domain.schoolcalendar import format_date, parse_date
from fravaer_tui.errors import UserError


class UnsavedDialog(ModalScreen[str | None]):
    """Leaving a register with unsaved changes: lagre, forkast or avbryt."""

    BINDINGS = [
        Binding("l", "choose('lagre')", "Lagre", id="dialog_save"),
        Binding("f", "choose('forkast')", "Forkast", id="dialog_discard"),
        Binding("escape,a", "choose(None)", "Avbryt", id="dialog_cancel"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static("Du har endringer som ikke er lagret.", classes="dialog-title")
            with Horizontal(classes="buttons"):
                yield Button("Lagre (l)", id="lagre", variant="primary")
                yield Button("Forkast (f)", id="forkast", variant="error")
                yield Button("Avbryt (esc)", id="avbryt")

    def on_mount(self) -> None:
        self.query_one("#lagre", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "avbryt" else event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)


REASONS = [
    (Reason.SYKDOM, "Sykdom"),
    (Reason.LEGE, "Lege/tannlege"),
    (Reason.PERMISJON, "Innvilget permisjon"),
    (Reason.ANNET, "Annet"),
]


class MeldingDialog(ModalScreen[bool]):
    """A melding from foresatte (or innvilget permisjon) for a student and a date range."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Lagre", id="melding_save", priority=True),
        Binding("escape", "cancel", "Avbryt", id="melding_cancel"),
    ]

    def __init__(self, student: Student, dato: dt.date) -> None:
        super().__init__()
        self.student = student
        self.dato = dato

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="melding"):
            yield Static(
                f"Melding for {self.student.navn} ({self.student.klasse})", classes="dialog-title"
            )
            with Grid(classes="dates"):
                yield Label("Fra dato")
                yield Input(format_date(self.dato), id="fra", max_length=10)
                yield Label("Til dato")
                yield Input(format_date(self.dato), id="til", max_length=10)
            yield Label("Årsak")
            with RadioSet(id="reason"):
                for i, (reason, text) in enumerate(REASONS):
                    yield RadioButton(text, value=i == 0, name=reason.value)
            yield Label("Fraværet er")
            with RadioSet(id="validity"):
                yield RadioButton("gyldig", value=True, name=Validity.GYLDIG.value)
                yield RadioButton("ugyldig", name=Validity.UGYLDIG.value)
            yield Static(id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Lagre (ctrl+s)", id="save", variant="primary")
                yield Button("Avbryt (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#fra", Input).focus()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        error = self.query_one("#error", Static)
        try:
            fra = parse_date(self.query_one("#fra", Input).value)
            til = parse_date(self.query_one("#til", Input).value)
        except ValueError as exc:
            error.update(escape(str(exc)))  # the message quotes what was typed: not markup
            return
        reason = Reason(self._chosen("#reason"))
        validity = Validity(self._chosen("#validity"))
        self._store(fra, til, reason, validity)

    def _chosen(self, selector: str) -> str:
        pressed = self.query_one(selector, RadioSet).pressed_button
        assert pressed is not None and pressed.name is not None
        return pressed.name

    @work(thread=True, exclusive=True, exit_on_error=False, group="melding")
    def _store(self, fra: dt.date, til: dt.date, reason: Reason, validity: Validity) -> str:
        app = self.app
        app.session.add_melding(  # type: ignore[attr-defined]
            self.student.id,
            fra,
            til,
            reason,
            validity,
            app.clock().replace(microsecond=0),  # type: ignore[attr-defined]
        )
        return f"{format_date(fra)}–{format_date(til)}"

    @on(Worker.StateChanged)
    def _stored(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "melding":
            return
        if event.state is WorkerState.SUCCESS:
            self.app.notify(f"Melding registrert for {self.student.navn}, {event.worker.result}.")
            self.dismiss(True)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            text = error.message if isinstance(error, UserError) else f"uventet feil: {error!r}"
            self.query_one("#error", Static).update(escape(text))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
