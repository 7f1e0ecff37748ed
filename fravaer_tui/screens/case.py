"""A student's case (sak): the staircase of the profile, its deadlines, tiltak and history."""

from __future__ import annotations

import datetime as dt

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState, get_current_worker

from fravaer_tui.application.session import Session
from fravaer_tui.domain import followup
from fravaer_tui.domain.followup import Case, CaseStatus
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.errors import UserError


def open_case_for(app: App, elev: str, dato: dt.date, regel: str | None = None) -> None:
    """The student's open case, or a new one from the alert (rule) chosen, else the newest."""
    session: Session = app.session  # type: ignore[attr-defined]
    student = app.school.roster.student(elev)  # type: ignore[attr-defined]
    try:
        cases = [c for c in session.cases(dato, student.klasse) if c.elev == elev]
    except UserError as exc:
        app.notify(exc.message, severity="error")
        return
    open_cases = [c for c in cases if c.status is CaseStatus.AAPEN]
    if open_cases or cases:
        app.push_screen(CaseScreen((open_cases or cases)[0].id, dato))
        return
    alerts = sorted(app.flagged(elev), key=lambda a: a.forst, reverse=True)  # type: ignore[attr-defined]
    alerts = [a for a in alerts if a.regel == regel] or alerts
    if not alerts:
        app.notify(f"{student.navn} har ingen varsler å opprette sak fra.", severity="warning")
        return
    now = app.clock().replace(microsecond=0)  # type: ignore[attr-defined]
    try:
        case = session.open_case(alerts[0], dato, now)
    except UserError as exc:
        app.notify(exc.message, severity="error")
        return
    app.notify(f"Sak opprettet for {student.navn} ({alerts[0].tittel}).")
    app.push_screen(CaseScreen(case.id, dato))


class CaseScreen(Screen[None]):
    BINDINGS = [
        Binding("t", "step", "Neste trinn utført", id="step"),
        Binding("a", "tiltak", "Tiltak", id="tiltak"),
        Binding("l", "close_or_reopen", "Lukk/gjenåpne", id="close"),
        Binding("1", "form(1)", "Vedlegg", id="form", key_display="1–4"),
        Binding("2", "form(2)", "Vedlegg 2", show=False),
        Binding("3", "form(3)", "Vedlegg 3", show=False),
        Binding("4", "form(4)", "Vedlegg 4", show=False),
        Binding("x", "export", "Eksporter alle", id="export"),
        Binding("escape", "back", "Tilbake", id="back"),
    ]

    def __init__(self, case_id: str, dato: dt.date) -> None:
        super().__init__()
        self.case_id = case_id
        self.dato = dato
        self.case: Case | None = None
        self.exported: list[str] = []

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="title", classes="title")
        with VerticalScroll():
            yield Static(id="stairs")
            yield Static(id="tiltak")
            yield Static(id="history")
        yield Footer(compact=True, show_command_palette=False)

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="case")
    def load(self) -> None:
        case = self.session.case(self.case_id, self.dato)
        if not get_current_worker().is_cancelled:  # a newer load won
            self.app.call_from_thread(self._show, case)

    def _show(self, case: Case) -> None:
        self.case = case
        school = self.app.school  # type: ignore[attr-defined]
        student = school.roster.student(case.elev)
        status = "åpen" if case.status is CaseStatus.AAPEN else "lukket"
        self.query_one("#title", Static).update(
            f"Sak for {student.navn if student else case.elev} ({case.klasse}) · {status} · "
            f"opprettet {format_date(case.opprettet)} fra varselet «{case.regel}» "
            f"{format_date(case.varsel_dato)}"
        )
        held = {a.regel: a.forst for a in self.app.flagged(case.elev)}  # type: ignore[attr-defined]
        states = followup.staircase(case, school.profile, school.calendar, self.dato, held)
        lines = ["[b]Skolenærværstrappa[/b] – " + school.profile.navn, ""]
        lines += followup.staircase_text(states, {s.id: s.initials for s in school.roster.staff})
        for record in case.steps:
            if record.effect is not None:
                lines.append(f"    Effekt: {record.effect.sentence()}")
        self.query_one("#stairs", Static).update("\n".join(lines))
        tiltak = ["", "[b]Tiltak[/b]"]
        tiltak += [
            f"  • {t.hva} – ansvar: {t.hvem}, {format_date(t.fra)}–{format_date(t.til)} "
            f"({t.uker} uker)"
            for t in case.tiltak
        ] or ["  ingen ennå (a: legg til)"]
        self.query_one("#tiltak", Static).update("\n".join(tiltak))
        history = ["", "[b]Historikk[/b]"]
        history += [
            f"  {format_date(e.dato)} {e.hva} av {e.av}" + (f": {e.notat}" if e.notat else "")
            for e in case.events
        ]
        history += [
            f"  {format_date(r.dato)} {r.step} av {r.av}" + (f": {r.notat}" if r.notat else "")
            for r in case.steps
        ]
        self.query_one("#history", Static).update("\n".join(history))

    def action_step(self) -> None:
        if self.case is None:
            return
        school = self.app.school  # type: ignore[attr-defined]
        step = followup.next_step(self.case, school.profile)
        if step is None or self.case.status is not CaseStatus.AAPEN:
            self.notify("Saken har ingen flere trinn å føre (eller er lukket).", severity="warning")
            return
        from fravaer_tui.screens.followup_dialogs import StepDialog

        self.app.push_screen(
            StepDialog(self.case, step, school.roster.student(self.case.elev)),
            callback=lambda saved: self.load() if saved else None,
        )

    def action_tiltak(self) -> None:
        if self.case is None:
            return
        from fravaer_tui.screens.followup_dialogs import TiltakDialog

        student = self.app.school.roster.student(self.case.elev)  # type: ignore[attr-defined]
        self.app.push_screen(
            TiltakDialog(self.case, student),
            callback=lambda saved: self.load() if saved else None,
        )

    def action_close_or_reopen(self) -> None:
        if self.case is not None:
            self._toggle(self.case)

    @work(thread=True, exclusive=True, exit_on_error=False, group="case-close")
    def _toggle(self, case: Case) -> None:
        now = self.app.clock().replace(microsecond=0)  # type: ignore[attr-defined]
        if case.status is CaseStatus.AAPEN:
            changed = self.session.close_case(case, self.dato, now)
        else:
            changed = self.session.reopen_case(case, self.dato, now)
        self.app.call_from_thread(self._show, changed)

    def action_form(self, nr: int) -> None:
        """Fill in vedlegg `nr` question by question (answers saved as typed)."""
        if self.case is None:
            return
        from fravaer_tui.screens.form import FormScreen

        self.app.push_screen(FormScreen(self.case, nr, self.dato))

    def action_export(self) -> None:
        """Vedlegg 1–4 filled from this case into the student's folder in the elevmappe."""
        if self.case is not None:
            self.notify("Eksporterer vedlegg 1–4 …", timeout=2)
            self._export(self.case)

    @work(thread=True, exclusive=True, exit_on_error=False, group="case-export")
    def _export(self, case: Case) -> None:
        from fravaer_tui.application.exports import export_vedlegg, fill_warning

        app = self.app
        now = app.clock().replace(microsecond=0)  # type: ignore[attr-defined]
        case = self.session.case(case.id, self.dato)  # as stored now: answers typed just before
        lines = []
        for nr in (1, 2, 3, 4):
            path, report = export_vedlegg(
                app.school,  # type: ignore[attr-defined]
                self.session,
                case.elev,
                nr,
                self.dato,
                case=case,
                now=now,
            )
            warning = fill_warning(report)
            lines.append(f"Vedlegg {nr}: {path}" + (f" ({warning})" if warning else ""))
        app.call_from_thread(self._exported, lines)

    def _exported(self, lines: list[str]) -> None:
        self.exported = lines
        self.notify("\n".join(["Lagret i elevmappen:", *lines]), timeout=20)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            text = error.message if isinstance(error, UserError) else f"uventet feil: {error!r}"
            self.notify(text, severity="error", timeout=20)

    def action_back(self) -> None:
        self.dismiss()
