"""A student's case (sak): the staircase of the profile with its deadlines, each step's forms,
participants and consent, the tracked items beside the steps (Strand's helsesykepleier offer,
PPT notified), the stafettholder (Strand, BTI c), tiltak and history (issues 4, 11 and 13).
Just over 400 lines: the keys of one screen belong together; its dialogs are in `dialogs/`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import Header, Static

from fravaer_tui.app import FravaerApp
from fravaer_tui.application.routine import CaseConsents, task_line
from fravaer_tui.documents.forms import form_spec
from fravaer_tui.domain import followup
from fravaer_tui.domain.consent import ConsentStatus, Samtykke
from fravaer_tui.domain.followup import Case, CaseStatus, TaskState
from fravaer_tui.domain.model import Student
from fravaer_tui.domain.profiles import Profile
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.domain.words import (
    case_event,
    consent_line,
    join,
    missing_consent,
    person,
    rule_title,
    service_word,
    step_title,
)
from fravaer_tui.errors import AccessDenied, UserError
from fravaer_tui.messages import Done
from fravaer_tui.screens.base import DataScreen
from fravaer_tui.widgets.footer import Footer


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


# Strand's BTI steps (BTI a–c): where a stafettholder is named («Det skal utpekes en
# stafettholder med ansvar for koordineringen»); `case show` looks for the same ids.
BTI_STEPS = ("bti", "samhandlingsmote")


def has_bti(profile: Profile) -> bool:
    return any(s.id in BTI_STEPS for s in profile.steps)


@dataclass(frozen=True, slots=True)
class CaseView:
    """What the case screen shows: the case, its tracked items and the consents (or why
    this person may not see them)."""

    case: Case
    tasks: list[TaskState]
    consents: CaseConsents | None
    given: tuple[Samtykke, ...]  # the student's consents, for the dialogs' warnings
    refused: str = ""


def form_label(form_id: str) -> str:
    """«Vedlegg 1», «Samarbeidsavtale»: a form as the school calls it."""
    spec = form_spec(form_id)
    return spec.label if spec is not None else form_id.replace("_", " ")


def form_keys(profile: Profile, forms: tuple[str, ...]) -> str:
    """«1 Samarbeidsavtale, 2 Pedagogisk rapport»: each form with the key that opens it."""
    keys = {f: i for i, f in enumerate(profile.skjema, start=1)}
    return ", ".join(f"{keys[f]} {form_label(f)}" if f in keys else form_label(f) for f in forms)


def task_title(profile: Profile, task_id: str) -> str:
    found = (t for s in profile.steps for t in s.oppgaver if t.id == task_id)
    return next((t.tittel for t in found), task_id.replace("_", " "))


def consent_markup(status: ConsentStatus, indent: str) -> str:
    """A consent line, green when on file and in the warning colour when missing."""
    colour = "$success" if status.on_file else "b $warning"
    return f"{indent}[{colour}]{escape(consent_line(status))}[/]"


class CaseScreen(DataScreen[CaseView]):
    BINDINGS = [
        Binding("t", "step", "Trinn utført", id="step"),
        Binding("g", "task", "Oppgave gjort", id="task"),
        Binding("a", "tiltak", "Tiltak", id="tiltak"),
        Binding("s", "stafett", "Stafett", id="stafett"),
        Binding("l", "close_or_reopen", "Lukk/åpne", id="close"),
        Binding("1", "form(1)", "Skjema", id="form", key_display="1–4"),
        Binding("2", "form(2)", "Skjema 2", show=False),
        Binding("3", "form(3)", "Skjema 3", show=False),
        Binding("4", "form(4)", "Skjema 4", show=False),
        Binding("x", "export", "Eksporter", id="export"),
        Binding("escape", "back", "Tilbake", id="back"),
    ]

    def __init__(self, case_id: str, dato: dt.date) -> None:
        super().__init__()
        self.case_id = case_id
        self.dato = dato
        self.case: Case | None = None
        self.view: CaseView | None = None
        self.exported: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="title", classes="title")
        with VerticalScroll():
            yield Static(id="stairs")
            yield Static(id="tiltak")
            yield Static(id="history")
        yield Footer()

    def on_mount(self) -> None:
        """The number keys open the profile's own forms: the footer says how many."""
        count = len(self.school.profile.skjema)
        first = self._bindings.key_to_bindings.get("1", [])
        shown = "1" if count == 1 else f"1–{count}"
        self._bindings.key_to_bindings["1"] = [replace(b, key_display=shown) for b in first]

    def fetch(self) -> CaseView:
        session, school = self.session, self.school
        case = session.case(self.case_id, self.dato)
        # which step brings in which service does not depend on deadlines: no `held` here
        states = followup.staircase(case, school.profile, school.calendar, self.dato)
        tasks = session.task_states(case, self.dato)
        try:
            found = session.case_consents(case, states, tasks, self.dato)
            given = tuple(session.consents(case.elev, self.dato))
        except AccessDenied as exc:
            return CaseView(case, tasks, None, (), exc.message)
        return CaseView(case, tasks, found, given)

    def show(self, view: CaseView) -> None:
        self.view = view
        self.case = case = view.case
        school = self.school
        roster, profile = school.roster, school.profile
        student = roster.student(case.elev)
        status = "åpen" if case.status is CaseStatus.AAPEN else "lukket"
        self.query_one("#title", Static).update(
            Text(
                f"Sak for {student.navn if student else case.elev} ({case.klasse}) · {status} · "
                f"opprettet {format_date(case.opprettet)} fra varselet "
                f"«{rule_title(profile, case.regel)}» {format_date(case.varsel_dato)}"
            )
        )
        self.query_one("#stairs", Static).update("\n".join(self._stairs(view)))
        tiltak = ["", "[b]Tiltak[/b]"]
        tiltak += [
            escape(
                f"  • {t.hva} – ansvar: {t.hvem}, {format_date(t.fra)}–{format_date(t.til)} "
                f"({t.uker} uker)"
            )
            for t in case.tiltak
        ] or ["  ingen ennå (a: legg til)"]
        self.query_one("#tiltak", Static).update("\n".join(tiltak))
        events = [
            (e.dato, f"{case_event(e.hva)} av {person(roster, e.av)}", e.notat) for e in case.events
        ] + [
            (r.dato, f"{step_title(profile, r.step)} av {person(roster, r.av)}", r.notat)
            for r in case.steps
        ]
        events += [
            (r.dato, f"{task_title(profile, r.oppgave)} av {person(roster, r.av)}", r.notat)
            for r in case.oppgaver
        ]
        history = ["", "[b]Historikk[/b]"]
        history += [
            escape(f"  {format_date(when)} {what}" + (f": {note}" if note else ""))
            for when, what, note in sorted(events, key=lambda e: e[0])
        ]
        self.query_one("#history", Static).update("\n".join(history))

    def _stairs(self, view: CaseView) -> list[str]:
        """The staircase, and under each step its forms, who took part, the consent it
        needs and the tracked items beside it, each item with its own consent."""
        case, school = view.case, self.school
        profile, roster = school.profile, school.roster
        held = {a.regel: a.forst for a in self.app.flagged(case.elev)}
        states = followup.staircase(case, profile, school.calendar, self.dato, held)
        texts = followup.staircase_text(states, {s.id: s.initials for s in roster.staff})
        lines = ["[b]Skolenærværstrappa[/b] – " + escape(profile.navn), ""]
        for i, (state, text) in enumerate(zip(states, texts, strict=True)):
            lines.append(escape(text))
            record = state.record
            if record is not None and record.effect is not None:
                lines.append(escape(f"    Effekt: {record.effect.sentence()}"))
            if state.step.vedlegg:
                lines.append(escape(f"    skjema: {form_keys(profile, state.step.vedlegg)}"))
            if record is not None and record.deltakere:
                lines.append(escape(f"    deltakere: {'; '.join(record.deltakere)}"))
            if record is not None and record.tjenester:
                services = ", ".join(service_word(s) for s in record.tjenester)
                lines.append(f"    tjenester trukket inn: {escape(services)}")
            if view.consents is not None and state.state != "senere":
                lines += [consent_markup(s, "    ") for s in view.consents.steps.get(i, [])]
            if state.state == "senere":
                continue
            for task in (t for t in view.tasks if t.step.id == state.step.id):
                lines.append(escape(f"    oppgave: {task_line(task)}"))
                if view.consents is not None:
                    found = view.consents.tasks.get(task.task.id, [])
                    lines += [consent_markup(s, "      ") for s in found]
        if has_bti(profile):
            holder = case.stafettholder
            if holder is not None:
                lines += ["", escape(f"Stafettholder: {holder.hvem} fra {format_date(holder.fra)}")]
            elif any(s.step.id in BTI_STEPS and s.state != "senere" for s in states):
                lines += ["", "Stafettholder: ikke utpekt ennå (s: utpek)"]
        if view.refused:
            lines += ["", escape(view.refused)]
        elif view.consents is not None and case.is_open:
            warning = missing_consent(view.consents.missing)
            if warning:
                lines += ["", f"[b $warning]⚠ {escape(warning)}[/]"]
        return lines

    def refusal(self, action: str) -> str | None:
        closed = self.case is not None and self.case.status is not CaseStatus.AAPEN
        if action in ("step", "task", "tiltak", "stafett") and closed:
            return "Saken er lukket: gjenåpne den (l) for å føre mer i den."
        if action == "stafett" and not has_bti(self.school.profile):
            return (
                f"Regelprofilen «{self.school.profile.navn}» har ikke BTI-trinnet; "
                "stafettholder utpekes i BTI (Strand)."
            )
        if action == "task" and not any(s.oppgaver for s in self.school.profile.steps):
            return (
                f"Regelprofilen «{self.school.profile.navn}» har ingen oppgaver ved siden av "
                "trinnene: før trinnene med t."
            )
        return None

    def _student(self) -> Student | None:
        return self.school.roster.student(self.case.elev) if self.case else None

    def action_step(self) -> None:
        student = self._student()
        if self.case is None or self.view is None or student is None:
            return
        step = followup.next_step(self.case, self.school.profile)
        if step is None:
            self.notify("Alle trinnene i saken er ført; det er ingen flere.", severity="warning")
            return
        from fravaer_tui.dialogs.followup import StepDialog

        self.app.push_screen(StepDialog(self.case, step, student, self.view.given))

    def action_task(self) -> None:
        student = self._student()
        if self.case is None or self.view is None or student is None:
            return
        open_tasks = [t for t in self.view.tasks if t.record is None]
        if not open_tasks:
            self.notify(
                "Ingen oppgaver å føre nå: oppgavene kommer med trinnet de hører til "
                "(Strand: når vedlegg 3 er mottatt).",
                severity="warning",
                markup=False,
            )
            return
        from fravaer_tui.dialogs.routine import TaskDialog, TaskPicker

        given = self.view.given
        case = self.case

        def picked(task_id: str | None) -> None:
            chosen = next((t for t in open_tasks if t.task.id == task_id), None)
            if chosen is not None:
                self.app.push_screen(TaskDialog(case, chosen, student, given))

        if len(open_tasks) == 1:
            picked(open_tasks[0].task.id)
        else:
            self.app.push_screen(TaskPicker(open_tasks), callback=picked)

    def action_tiltak(self) -> None:
        student = self._student()
        if self.case is not None and student is not None:
            from fravaer_tui.dialogs.followup import TiltakDialog

            self.app.push_screen(TiltakDialog(self.case, student))

    def action_stafett(self) -> None:
        student = self._student()
        if self.case is not None and student is not None:
            from fravaer_tui.dialogs.routine import StafettDialog

            self.app.push_screen(StafettDialog(self.case, student))

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
        """The profile's form number `nr` (Strand: Vedlegg 1–4; Hole: Samarbeidsavtale,
        Pedagogisk rapport), question by question (answers saved as typed)."""
        if self.case is None:
            return
        forms = self.school.profile.skjema
        if not 1 <= nr <= len(forms):
            self.notify(
                f"Regelprofilen har {len(forms)} skjema: {form_keys(self.school.profile, forms)}.",
                severity="warning",
                markup=False,
            )
            return
        from fravaer_tui.screens.form import FormScreen

        self.app.push_screen(FormScreen(self.case, forms[nr - 1], self.dato))

    def action_export(self) -> None:
        """Every form of the profile, filled from this case, into the student's folder in
        the elevmappe (as `fravaer export vedlegg` does, form by form)."""
        if self.case is not None:
            names = join(form_label(f) for f in self.school.profile.skjema)
            self.notify(f"Eksporterer {names} …", timeout=2, markup=False)
            self._export(self.case)

    @work(thread=True, exclusive=True, exit_on_error=False, group="case-export")
    def _export(self, case: Case) -> None:
        now = self.app.clock().replace(microsecond=0)
        lines = []
        for form in self.school.profile.skjema:
            path, warning = self.session.export_vedlegg(case.elev, form, self.dato, None, now)
            lines.append(f"{form_label(form)}: {path}" + (f" ({warning})" if warning else ""))
        self.post_message(Done("\n".join(["Lagret i elevmappen:", *lines]), lines))

    def action_back(self) -> None:
        self.dismiss()
