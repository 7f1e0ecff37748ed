"""The profile's forms in the app (Strand's Vedlegg 1–4, Hole's Samarbeidsavtale and
Pedagogisk rapport): the questions one by one, with the form's guidance at hand.

Every answer is saved as it is typed (a short pause after the last key, and when
moving to another question), so a crash loses nothing.
"""

from __future__ import annotations

import datetime as dt
import threading

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.timer import Timer
from textual.widgets import Header, Static, TextArea
from textual.worker import Worker

from fravaer_tui.documents.forms import FormSpec, form_spec
from fravaer_tui.domain.followup import Case
from fravaer_tui.messages import Done
from fravaer_tui.screens.base import AppScreen, failure_text
from fravaer_tui.widgets.footer import Footer

SAVE_PAUSE = 0.4  # seconds after the last key


def target_of(spec: FormSpec) -> str:
    """Conversation answers (Vedlegg 1–2) live in the case's `svar`, every other form's
    fields in `felt` (as `fravaer case fill` writes them)."""
    return "svar" if spec.id in ("1", "2") else "felt"


def known_form(form: int | str) -> FormSpec:
    spec = form_spec(form)
    if spec is None:
        raise ValueError(f"no form {form!r}")  # the case screen offers only the profile's
    return spec


class FormScreen(AppScreen):
    BINDINGS = [
        Binding("ctrl+n,pagedown", "move(1)", "Neste spørsmål", id="next", priority=True),
        Binding("ctrl+b,pageup", "move(-1)", "Forrige", id="previous", priority=True),
        Binding("escape", "back", "Tilbake", id="back"),
    ]

    def __init__(self, case: Case, form: int | str, dato: dt.date) -> None:
        super().__init__()
        self.case = case
        self.form = known_form(form)
        self.target = target_of(self.form)
        self.dato = dato
        self.index = 0
        self.values: dict[str, str] = dict(getattr(case, self.target))
        self._pending: dict[str, str] = {}
        self._timer: Timer | None = None
        self.saved_at: str = ""
        self._version = 0
        self._latest: dict[str, int] = {}  # answer -> the newest save it went out with
        self._lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="title", classes="title")
        yield Static(id="question")
        yield Static(id="guidance", classes="hint")
        yield TextArea(id="answer", soft_wrap=True)
        yield Static(id="status", classes="status")
        yield Footer()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        question = self.form.questions[self.index]
        student = self.school.roster.student(self.case.elev)
        self.query_one("#title", Static).update(
            escape(
                f"{self.form.heading} · {student.navn if student else ''} · "
                f"{self.index + 1} av {len(self.form.questions)}"
            )
        )
        number = f"{question.number}. " if question.number else ""
        section = f"[dim]{question.section}[/dim]\n" if question.section else ""
        self.query_one("#question", Static).update(f"{section}[b]{number}{question.text}[/b]")
        self.query_one("#guidance", Static).update("\n".join(question.guidance))
        area = self.query_one("#answer", TextArea)
        with area.prevent(TextArea.Changed):
            area.text = self.values.get(question.id, "")
        area.focus()
        self._status()

    def _status(self) -> None:
        state = (
            "lagrer …" if self._pending else (f"lagret {self.saved_at}" if self.saved_at else "")
        )
        self.query_one("#status", Static).update(
            f"Svarene lagres mens du skriver. {state}  ctrl+n neste · ctrl+b forrige · esc tilbake"
        )

    @on(TextArea.Changed, "#answer")
    def _typed(self, event: TextArea.Changed) -> None:
        question = self.form.questions[self.index]
        self.values[question.id] = event.text_area.text
        self._pending[question.id] = event.text_area.text
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_PAUSE, self.flush)
        self._status()

    def flush(self) -> None:
        """Save what was typed since the last save (in a worker, off the UI thread)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._pending:
            pending, self._pending = self._pending, {}
            self._version += 1
            for key in pending:
                self._latest[key] = self._version
            self._save(pending, self._version)

    @work(thread=True, exit_on_error=False, group="form-save")
    def _save(self, values: dict[str, str], version: int) -> None:
        """Only the answers changed here are written; a save arriving after a newer one
        for the same answer leaves that answer alone."""
        with self._lock:
            fresh = {k: v for k, v in values.items() if self._latest.get(k) == version}
            if not fresh:
                return
            now = self.app.clock().replace(microsecond=0)
            self.case = self.session.set_fields(self.case, fresh, self.dato, now, self.target)
        self.post_message(Done("", now))

    def failed(self, worker: Worker) -> None:
        """A save that failed: keep the answers as unsaved and say so; they are retried."""
        if worker.group != "form-save":
            super().failed(worker)
            return
        for key in list(self._latest):
            self._pending.setdefault(key, self.values.get(key, ""))
        self.saved_at = ""
        self.notify(
            f"Svaret ble ikke lagret: {failure_text(worker.error)} Det står fortsatt på skjermen.",
            severity="error",
            markup=False,
        )
        self._status()

    @on(Done)
    def _saved(self, message: Done) -> None:
        self.saved_at = f"{message.value:%H:%M:%S}"
        self._status()

    def action_move(self, step: int) -> None:
        self.flush()
        self.index = max(0, min(len(self.form.questions) - 1, self.index + step))
        self._show()

    def action_back(self) -> None:
        self.flush()
        self.dismiss()
