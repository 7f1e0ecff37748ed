"""Ledelsens oversikt: open cases, overdue steps, reports received, figures, ikke ført."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from fravaer_tui.application.session import LeaderOverview, Session
from fravaer_tui.domain import followup
from fravaer_tui.domain.rules import CheckResult
from fravaer_tui.domain.schoolcalendar import format_date, format_percent
from fravaer_tui.screens.base import LoadingScreen
from fravaer_tui.screens.lessons import day_title


class LeaderScreen(LoadingScreen):
    BINDINGS = [Binding("escape", "back", "Tilbake", id="back")]

    def __init__(self, dato: dt.date) -> None:
        super().__init__()
        self.dato = dato

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Ledelsens oversikt · {day_title(self.dato)}", classes="title")
        with VerticalScroll():
            yield Static("Henter …", id="content")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.watch(self.app, "alerts", self._alerts_changed, init=False)

    def on_screen_resume(self) -> None:
        self.load()

    def _alerts_changed(self, result: CheckResult | None) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="leaders")
    def load(self) -> None:
        overview = self.session.leader_overview(self.dato, self.app.alerts)  # type: ignore[attr-defined]
        if not get_current_worker().is_cancelled:  # a newer load won
            self.app.call_from_thread(self._show, overview)

    def _show(self, o: LeaderOverview) -> None:
        school = self.app.school  # type: ignore[attr-defined]
        roster, profile = school.roster, school.profile

        def name(elev: str) -> str:
            s = roster.student(elev)
            return f"{s.navn} ({s.klasse})" if s else elev

        lines = [f"[b]Åpne saker etter trinn[/b] ({len(o.open_cases)})"]
        by_step: dict[str, list[str]] = {}
        for case in o.open_cases:
            step = followup.next_step(case, profile)
            by_step.setdefault(step.tittel if step else "alle trinn utført", []).append(
                name(case.elev)
            )
        order = [s.tittel for s in profile.steps] + ["alle trinn utført"]
        for title in order:
            if title in by_step:
                lines.append(f"  {title}: {', '.join(by_step[title])}")
        if not o.open_cases:
            lines.append("  ingen åpne saker")
        lines += ["", "[b]Forfalte og forfallende trinn[/b]"]
        lines += [
            f"  {'FORFALT ' if d.overdue else ''}{format_date(d.frist)} {name(d.case.elev)}: "
            f"{d.step.tittel}"
            for d in o.due
        ] or ["  ingenting forfaller"]
        lines += ["", "[b]Meldinger til ledelsen (vedlegg 3) mottatt[/b]"]
        lines += [f"  {format_date(when)} {name(c.elev)}" for c, when in o.reports] or ["  ingen"]
        lines += ["", "[b]Planer som skal evalueres (neste 7 dager)[/b]"]
        lines += [
            f"  {format_date(d.frist)} {name(d.case.elev)}: {d.step.tittel}" for d in o.evaluations
        ] or ["  ingen"]
        rules = [r for r in profile.rules]
        head = (
            "  "
            + f"{'Klasse':<12}{'Elever':>7}{'Fravær':>9}"
            + "".join(f"{r.tittel[:14]:>16}" for r in rules)
        )
        lines += ["", "[b]Tall for semesteret[/b] (andel elever over hver regel)", head]
        for figures in [*o.classes, o.school]:
            shares = [100 * figures.over_regel.get(r.id, 0) / max(1, figures.elever) for r in rules]
            cells = "".join(f"{format_percent(share):>16}" for share in shares)
            overall = format_percent(figures.prosent)
            lines.append(f"  {figures.klasse:<12}{figures.elever:>7}{overall:>9}{cells}")
        lines += ["", "[b]Timer som ikke er ført, per lærer[/b] (semesteret)"]
        for teacher_id, count in o.unregistered[:15]:
            teacher = roster.staff_member(teacher_id)
            lines.append(f"  {count:>4}  {teacher.navn if teacher else teacher_id}")
        if not o.unregistered:
            lines.append("  alle timer er ført")
        self.query_one("#content", Static).update("\n".join(lines))

    def action_back(self) -> None:
        self.dismiss()
