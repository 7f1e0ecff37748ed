"""A student's case (sak): the staircase of the profile, its deadlines, tiltak and history."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from fravaer_tui.app import FravaerApp
from fravaer_tui.domain import followup
from fravaer_tui.domain.followup import Case, CaseStatus
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.domain.words import case_event, person, rule_title, step_title
from fravaer_tui.errors import UserError
from fravaer_tui.messages import Done
from fravaer_tui.screens.base import DataScreen


def open_case_for(app: FravaerApp, elev: str, dato: dt.date, regel: str | None = None) -> None:
    """The student's open case, or a new one from the alert (rule) chosen, else the newest."""
    session = app.session
    student = app.school.roster.student(elev)
    if session is None or student is None:
        return
    try:
        cases = [c for c in session.cases(dato, student.klasse) if c.elev == elev]
    except UserError as exc:
        app.notify(exc.message, severity="error", markup=False)
        return
    open_cases = [c for c in cases if c.status is CaseStatus.AAPEN]
    if open_cases or cases:
        app.push_screen(CaseScreen((open_cases or cases)[0].id, dato))
        return
    alerts = sorted(app.flagged(elev), key=lambda a: a.nyeste, reverse=True)
    alerts = [a for a in alerts if a.regel == regel] or alerts
    if not alerts:
        app.notify(
            f"{student.navn} har ingen sak, og ingen varsler å opprette en sak fra.",
            severity="warning",
            markup=False,
        )
        return
    now = app.clock().replace(microsecond=0)
    try:
        case = session.open_case(alerts[0], dato, now)
    except UserError as exc:
        app.notify(exc.message, severity="error", markup=False)
        return
    app.notify(f"Sak opprettet for {student.navn} ({alerts[0].tittel}).", markup=False)
    app.push_screen(CaseScreen(case.id, dato))


class CaseScreen(DataScreen[Case]):
    BINDINGS = [
        Binding("t", "step", "Neste trinn utført", id="step"),
        Binding("a", "tiltak", "Tiltak", id="tiltak"),
        Binding("l", "close_or_reopen", "Lukk/gjenåpne", id="close"),
        Binding("1", "form(1)", "Vedlegg", id="form", key_display="1–4"),
        Binding("2", "form(2)", "Vedlegg 2", show=False),
        Binding("3", "form(3)", "Vedlegg 3", show=False),
        Binding("4", "form(4)", "Vedlegg 4", show=False),
        Binding("x", "export", "Eksporter", id="export"),
        Binding("escape", "back", "Tilbake", id="back"),
    ]

    def __init__(self, case_id: str, dato: dt.date) -> None:
        super().__init__()
        self.case_id = case_id
        self.dato = dato
        self.case: Case | None = None
        self.exported: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="title", classes="title")
        with VerticalScroll():
            yield Static(id="stairs")
            yield Static(id="tiltak")
            yield Static(id="history")
        yield Footer(compact=True, show_command_palette=False)

    def fetch(self) -> Case:
        return self.session.case(self.case_id, self.dato)

    def show(self, case: Case) -> None:
        self.case = case
        school = self.school
        roster, profile = school.roster, school.profile
        student = roster.student(case.elev)
        status = "åpen" if case.status is CaseStatus.AAPEN else "lukket"
        self.query_one("#title", Static).update(
            f"Sak for {student.navn if student else case.elev} ({case.klasse}) · {status} · "
            f"opprettet {format_date(case.opprettet)} fra varselet "
            f"«{rule_title(profile, case.regel)}» {format_date(case.varsel_dato)}"
        )
        held = {a.regel: a.forst for a in self.app.flagged(case.elev)}
        states = followup.staircase(case, profile, school.calendar, self.dato, held)
        lines = ["[b]Skolenærværstrappa[/b] – " + profile.navn, ""]
        lines += followup.staircase_text(states, {s.id: s.initials for s in roster.staff})
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
        events = [
            (e.dato, f"{case_event(e.hva)} av {person(roster, e.av)}", e.notat) for e in case.events
        ] + [
            (r.dato, f"{step_title(profile, r.step)} av {person(roster, r.av)}", r.notat)
            for r in case.steps
        ]
        history = ["", "[b]Historikk[/b]"]
        history += [
            f"  {format_date(when)} {what}" + (f": {note}" if note else "")
            for when, what, note in sorted(events, key=lambda e: e[0])
        ]
        self.query_one("#history", Static).update("\n".join(history))

    def refusal(self, action: str) -> str | None:
        closed = self.case is not None and self.case.status is not CaseStatus.AAPEN
        if action == "step" and closed:
            return "Saken er lukket: gjenåpne den (l) for å føre flere trinn."
        return None

    def action_step(self) -> None:
        if self.case is None:
            return
        step = followup.next_step(self.case, self.school.profile)
        if step is None:
            self.notify("Alle trinnene i saken er ført; det er ingen flere.", severity="warning")
            return
        from fravaer_tui.dialogs.followup import StepDialog

        student = self.school.roster.student(self.case.elev)
        if student is not None:
            self.app.push_screen(StepDialog(self.case, step, student))

    def action_tiltak(self) -> None:
        student = self.school.roster.student(self.case.elev) if self.case else None
        if self.case is not None and student is not None:
            from fravaer_tui.dialogs.followup import TiltakDialog

            self.app.push_screen(TiltakDialog(self.case, student))

    def action_close_or_reopen(self) -> None:
        if self.case is not None:
            self._toggle(self.case)

    @work(thread=True, exclusive=True, exit_on_error=False, group="case-close")
    def _toggle(self, case: Case) -> None:
        now = self.app.clock().replace(microsecond=0)
        if case.status is CaseStatus.AAPEN:
            self.session.close_case(case, self.dato, now)
            self.post_message(Done("Saken er lukket (l gjenåpner)."))
        else:
            self.session.reopen_case(case, self.dato, now)
            self.post_message(Done("Saken er gjenåpnet."))

    def on_done(self, message: Done) -> None:
        self.notify(message.text, timeout=20 if message.value else 4, markup=False)
        if message.value:
            self.exported = message.value
        self.load()

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
        now = self.app.clock().replace(microsecond=0)
        lines = []
        for nr in (1, 2, 3, 4):
            path, warning = self.session.export_vedlegg(case.elev, nr, self.dato, None, now)
            lines.append(f"Vedlegg {nr}: {path}" + (f" ({warning})" if warning else ""))
        self.post_message(Done("\n".join(["Lagret i elevmappen:", *lines]), lines))

    def action_back(self) -> None:
        self.dismiss()
