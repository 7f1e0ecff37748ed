"""What the dialogs that write share: Lagre / Avbryt, the error line, the write in a worker."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.widgets import Button, Input, Static
from textual.worker import Worker, WorkerState

from fravaer_tui.domain.schoolcalendar import parse_date
from fravaer_tui.messages import Done
from fravaer_tui.screens.base import AppDialog, failure_text


class FormDialog(AppDialog[bool]):
    """A dialog that writes: ctrl+s saves in a worker (group «dialog») that returns the
    text to say; esc cancels. Dismissed with True once saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Lagre", id="dialog_save", priority=True),
        Binding("escape", "cancel", "Avbryt", id="dialog_cancel"),
    ]

    def buttons(self) -> ComposeResult:
        yield Static(id="error", classes="error")
        with Horizontal(classes="buttons"):
            yield Button("Lagre (ctrl+s)", id="save", variant="primary")
            yield Button("Avbryt (esc)", id="cancel")

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_save(self) -> None:
        raise NotImplementedError

    def fail(self, text: str) -> None:
        # messages quote what was typed (a date like «[/x]»): shown as text, never as markup
        error = self.query_one("#error", Static)
        error.update(escape(text))
        error.scroll_visible(animate=False)  # at 80×24 the line may sit below the fold

    def date_of(self, field: str = "#dato") -> dt.date | None:
        """The date typed in `field` (dd.mm.yyyy), or None after saying what is wrong."""
        try:
            return parse_date(self.query_one(field, Input).value)
        except ValueError as exc:
            self.fail(str(exc))
            return None

    def stored(self, text: str) -> None:
        """Called from the write's worker: the UI thread says it and closes the dialog."""
        self.post_message(Done(text))

    @on(Done)
    def _done(self, message: Done) -> None:
        message.stop()
        self.app.notify(message.text, markup=False)
        self.dismiss(True)
        self.after_saved(message.value)

    def after_saved(self, value: object) -> None:
        """What comes after the dialog closed (the melding's receipt); `value` from `Done`."""

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "dialog" and event.state is WorkerState.ERROR:
            self.fail(failure_text(event.worker.error))

    @property
    def now(self) -> dt.datetime:
        return self.app.clock().replace(microsecond=0)
