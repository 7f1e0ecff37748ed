"""The student's page: profile, heatmap and trend, totals, patterns, marks and follow-up."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from fravaer_tui.application.session import Session, StudentPage
from fravaer_tui.domain import analysis, followup
from fravaer_tui.domain.schoolcalendar import format_date, format_number, format_percent
from fravaer_tui.screens.base import LoadingScreen
from fravaer_tui.widgets.labels import ALERT_SYMBOL

WEEKDAY_HEAD = "man tir ons tor fre"
MARKS_SHOWN = 30


def heatmap_lines(heat: analysis.Heatmap) -> list[str]:
    lines = [f"  uke  {WEEKDAY_HEAD}"]
    for week, row in zip(heat.weeks, heat.rows, strict=True):
        cells = "   ".join(analysis.heat_char(c) for c in row)
        lines.append(f"  {week:>3}   {cells}")
    lines.append("  · ingen fravær  ░ under 25 %  ▒ under 50 %  ▓ under hele dagen  █ hele dagen")
    return lines


def totals_line(label: str, t: analysis.Totals) -> str:
    return (
        f"  {label:<10} {format_number(t.days):>6} dager  {format_number(t.hours):>6} timer  "
        f"{t.lates:>3} for sent  {t.forlot:>3} forlot  "
        f"{format_percent(t.prosent):>7} av {t.held} timer"
    )


class StudentScreen(LoadingScreen):
    BINDINGS = [
        Binding("m", "melding", "Melding", id="melding"),
        Binding("r", "contact", "Ringt hjem", id="contact"),
        Binding("s", "case", "Sak", id="case"),
        Binding("escape", "back", "Tilbake", id="back"),
    ]

    def __init__(self, elev: str, dato: dt.date) -> None:
        super().__init__()
        self.elev = elev
        self.dato = dato
        self.page: StudentPage | None = None

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="title", classes="title")
        with VerticalScroll(id="page"):
            yield Static(id="content")
        yield Footer(compact=True, show_command_palette=False)

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="student")
    def load(self) -> None:
        page = self.session.student_page(self.elev, self.dato, self.app.alerts)  # type: ignore[attr-defined]
        if not get_current_worker().is_cancelled:  # a newer load won
            self.app.call_from_thread(self._show, page)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("melding", "contact", "case"):
            return self.page is not None and self.page.follows_up
        return True

    def _show(self, page: StudentPage) -> None:
        self.page = page
        self.refresh_bindings()
        s = page.student
        self.query_one("#title", Static).update(
            f"{s.navn} · {s.klasse} · elev-id {s.id} · semesteret {format_date(page.fra)}–"
            f"{format_date(page.til)}"
        )
        lines: list[str] = []
        if page.follows_up:
            for f in s.foresatte:
                contact = " · ".join(
                    x for x in (f"☎ {f.telefon}" if f.telefon else "", f.epost) if x
                )
                lines.append(f"Foresatt: {f.navn}  {contact}")
        if page.alerts:
            lines.append("")
            lines += [
                f"{ALERT_SYMBOL} {a.tittel} fra {format_date(a.forst)} "
                f"({format_number(a.antall)} {a.enhet}): {a.tiltak}"
                for a in page.alerts
            ]
        lines += ["", "[b]Fravær dette semesteret[/b] (andel av timene hver dag)"]
        lines += heatmap_lines(page.heatmap)
        lines += ["", f"  Uke for uke: {analysis.sparkline(page.trend)}"]
        lines += ["", "[b]Totalt[/b] (timer i 60-minutters enheter)"]
        lines.append(totals_line("semester", page.semester))
        lines.append(totals_line("skoleår", page.year))
        if page.follows_up:
            lines += ["", f"[b]Mønster[/b]: {analysis.pattern_summary(page.patterns)}"]
            lines += [f"  – {p.sentence}" for p in page.patterns[1:4]]
        lines += ["", "[b]Føringer[/b] (nyeste først)"]
        for row in page.marks[:MARKS_SHOWN]:
            kind = row.kind.label if row.kind else "merknad"
            extra = f" {row.minutter} min" if row.minutter else ""
            validity = ""
            if page.follows_up and row.validity is not None:
                validity = f" – {row.validity.label}"
                if row.reason is not None:
                    validity += f" ({row.reason.label})"
            remark = f" «{row.merknad}»" if row.merknad else ""
            lines.append(
                f"  {format_date(row.dato)} {row.time}. {row.fag}: {kind}{extra}{validity}{remark}"
            )
        if len(page.marks) > MARKS_SHOWN:
            lines.append(f"  … og {len(page.marks) - MARKS_SHOWN} til")
        if page.follows_up:
            lines += ["", "[b]Meldinger[/b]"]
            lines += [
                f"  {format_date(m.fra)}–{format_date(m.til)} {m.reason.label}, {m.validity.label}"
                for m in page.meldinger[:10]
            ] or ["  ingen"]
            lines += ["", "[b]Kontakt med hjemmet[/b]"]
            lines += [
                f"  {c.tid:%d.%m.%Y %H:%M} {c.hva}: {c.utfall}"
                + (f" – {c.notat}" if c.notat else "")
                for c in page.contacts[:10]
            ] or ["  ingen logget"]
            lines += ["", "[b]Sak[/b]"]
            school = self.app.school  # type: ignore[attr-defined]
            for case in page.cases[:3]:
                held = {a.regel: a.forst for a in page.alerts}
                states = followup.staircase(case, school.profile, school.calendar, self.dato, held)
                lines.append(f"  {case.status.value} sak fra {format_date(case.opprettet)}:")
                lines += [
                    f"    {line}"
                    for line in followup.staircase_text(
                        states, {s.id: s.initials for s in school.roster.staff}
                    )
                ]
            if not page.cases:
                lines.append("  ingen sak (s: opprett fra et varsel)")
        self.query_one("#content", Static).update("\n".join(lines))

    def action_melding(self) -> None:
        from fravaer_tui.screens.dialogs import MeldingDialog

        student = self.app.school.roster.student(self.elev)  # type: ignore[attr-defined]
        self.app.push_screen(MeldingDialog(student, self.dato), callback=self._changed)

    def action_contact(self) -> None:
        from fravaer_tui.screens.followup_dialogs import ContactDialog

        student = self.app.school.roster.student(self.elev)  # type: ignore[attr-defined]
        self.app.push_screen(ContactDialog(student), callback=self._changed)

    def action_case(self) -> None:
        from fravaer_tui.screens.case import open_case_for

        open_case_for(self.app, self.elev, self.dato)

    def _changed(self, saved: object) -> None:
        if saved:
            self.load()
            self.app.run_checker()  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.dismiss()
