"""The student's page: profile, heatmap and trend, totals, patterns, marks and follow-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import DataTable, Header, Static

from fravaer_tui.application.session import StudentPage
from fravaer_tui.domain import analysis, followup
from fravaer_tui.domain.consent import Samtykke
from fravaer_tui.domain.schoolcalendar import format_percent
from fravaer_tui.domain.words import (
    case_event,
    clock_hours,
    count,
    date_range,
    lessons,
    service_word,
)
from fravaer_tui.errors import AccessDenied
from fravaer_tui.screens.base import DataScreen
from fravaer_tui.widgets.footer import Footer
from fravaer_tui.widgets.labels import ALERT_SYMBOL, phone_text, unbroken

WEEKDAY_HEAD = "man tir ons tor fre"
MARKS_SHOWN = 30


def heatmap_lines(heat: analysis.Heatmap) -> list[str]:
    lines = [f"  uke  {WEEKDAY_HEAD}"]
    for week, row in zip(heat.weeks, heat.rows, strict=True):
        cells = "   ".join(analysis.heat_char(c) for c in row)
        lines.append(f"  {week:>3}   {cells}")
    lines.append("  · ingen fravær  ░ under 25 %  ▒ under 50 %  ▓ mer  █ hele dagen")
    return lines


def totals_line(label: str, t: analysis.Totals) -> str:
    """«Timer» are lessons, «klokketimer» 60-minute hours (issue 12, point 5)."""
    return (
        f"  {label}: {count(t.days, 'dager')} · {clock_hours(t.hours)} fra enkelttimer · "
        f"{t.lates} for sent · {t.forlot} forlot · {format_percent(t.prosent)} av "
        f"{lessons(t.held)}"
    )


@dataclass(frozen=True, slots=True)
class StudentData:
    """The page, and the samtykke register — or the door's refusal of it (issue 13)."""

    page: StudentPage
    consents: list[Samtykke] | None
    consent_refusal: str = ""


def consent_cells(c: Samtykke, dato: dt.date) -> tuple[str, str, str, str, str]:
    who = ("eleven" if c.gitt_av.value == "elev" else "foresatt") + (
        f" ({c.navn})" if c.navn else ""
    )
    if c.trukket is not None:
        state = f"trukket {c.trukket:%d.%m.%Y}"
    else:
        state = "på plass" if c.on_file(dato) else ""
    name = service_word(c.tjeneste.value, c.annen)
    return (name, who, f"{c.dato:%d.%m.%Y}", c.omfang or "–", state)


class StudentScreen(DataScreen[StudentData]):
    BINDINGS = [
        Binding("m", "melding", "Melding", id="melding"),
        Binding("r", "contact", "Ringt hjem", id="contact"),
        Binding("s", "case", "Sak", id="case"),
        Binding("n", "add_consent", "Samtykke", id="add_consent"),
        Binding("t", "withdraw_consent", "Trekk samtykke", id="withdraw_consent"),
        Binding("escape", "back", "Tilbake", id="back"),
    ]

    def __init__(self, elev: str, dato: dt.date) -> None:
        super().__init__()
        self.elev = elev
        self.dato = dato
        self.page: StudentPage | None = None
        self.consents: list[Samtykke] | None = None
        self.consent_refusal = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="title", classes="title", markup=False)  # a name, as written
        with VerticalScroll(id="page"):
            yield Static(id="phones")
            yield Static(id="consents-title")
            yield DataTable(id="consents", cursor_type="row", zebra_stripes=False)
            yield Static(id="content")
        yield Footer()

    def fetch(self) -> StudentData:
        page = self.session.student_page(self.elev, self.dato, self.app.alerts)
        try:
            return StudentData(page, self.session.consents(self.elev, self.dato))
        except AccessDenied as exc:  # the door says who may: shown when n or t is pressed
            return StudentData(page, None, exc.message)

    def refusal(self, action: str) -> str | None:
        if action in ("melding", "contact", "case") and self.page and not self.page.follows_up:
            return (
                f"Meldinger, kontakt med hjemmet og saker for {self.page.student.navn} er for "
                f"kontaktlæreren i {self.page.student.klasse} og ledelsen."
            )
        if action in ("add_consent", "withdraw_consent") and self.consent_refusal:
            return self.consent_refusal
        return None

    def show(self, data: StudentData) -> None:
        page = data.page
        self.page = page
        self.consents, self.consent_refusal = data.consents, data.consent_refusal
        self._show_consents()
        s = page.student
        self.query_one("#title", Static).update(
            f"{s.navn} · {s.klasse} · elev-id {s.id} · semesteret {date_range(page.fra, page.til)}"
        )
        phones = Text()
        if page.follows_up:  # each foresatt on a line of their own: a number never wraps
            for i, f in enumerate(s.foresatte):
                line = " · ".join(x for x in (phone_text(f.telefon), f.epost) if x)
                phones.append_text(
                    unbroken(f"{'' if i == 0 else chr(10)}Foresatt: {f.navn}  {line}")
                )
        self.query_one("#phones", Static).update(phones)
        self.query_one("#content", Static).update("\n".join(self._lines(page)))

    def _show_consents(self) -> None:
        """The samtykke register: one row a consent, newest first; the cursor stays."""
        table = self.query_one("#consents", DataTable)
        title = self.query_one("#consents-title", Static)
        shown = self.consents is not None
        table.display = title.display = shown
        if self.consents is None:
            return
        was = self.consent_under_cursor()
        table.clear(columns=True)
        for label in ("Tjeneste", "Gitt av", "Dato", "Gjelder", "Status"):
            table.add_column(label)
        for c in self.consents:
            table.add_row(*(Text(cell) for cell in consent_cells(c, self.dato)), key=c.id)
        table.display = bool(self.consents)
        ids = [c.id for c in self.consents]
        if was is not None and was.id in ids:
            table.move_cursor(row=ids.index(was.id))
        head = "\n[b]Samtykker[/b] (n: nytt · t: trekk det under markøren · ⇥ til listen)"
        title.update(head if self.consents else head + "\n  ingen registrert")

    def consent_under_cursor(self) -> Samtykke | None:
        table = self.query_one("#consents", DataTable)
        if not self.consents or not 0 <= table.cursor_row < len(self.consents):
            return None
        return self.consents[table.cursor_row]

    def _lines(self, page: StudentPage) -> list[str]:
        lines: list[str] = []
        if page.alerts:
            lines.append("")
            lines += [
                f"{ALERT_SYMBOL} {escape(a.tittel)} fra {a.forst:%d.%m.%Y} "
                f"({count(a.antall, a.enhet)}): {escape(a.tiltak)}"
                for a in page.alerts
            ]
        lines += ["", "[b]Fravær dette semesteret[/b] (andel av timene hver dag)"]
        lines += heatmap_lines(page.heatmap)
        lines += ["", f"  Uke for uke: {analysis.sparkline(page.trend)}"]
        lines += ["", "[b]Totalt[/b]"]
        lines.append(totals_line("semesteret", page.semester))
        lines.append(totals_line("skoleåret", page.year))
        if page.follows_up:
            lines += ["", f"[b]Mønster[/b]: {escape(analysis.pattern_summary(page.patterns))}"]
            lines += [f"  – {escape(p.sentence)}" for p in page.patterns[1:4]]
        lines += ["", "[b]Føringer[/b] (nyeste først)"]
        for row in page.marks[:MARKS_SHOWN]:
            kind = row.kind.label if row.kind else "merknad"
            extra = f" {row.minutter} min" if row.minutter else ""
            validity = ""
            if page.follows_up and row.validity is not None:
                validity = f" – {row.validity.label}"
                if row.reason is not None:
                    validity += f" ({row.reason.label})"
            remark = f" «{escape(row.merknad)}»" if row.merknad else ""
            lines.append(
                f"  {row.dato:%d.%m.%Y} {row.time}. {escape(row.fag)}: "
                f"{kind}{extra}{validity}{remark}"
            )
        if len(page.marks) > MARKS_SHOWN:
            lines.append(f"  … og {len(page.marks) - MARKS_SHOWN} til")
        if page.follows_up:
            lines += self._followup_lines(page)
        return lines

    def _followup_lines(self, page: StudentPage) -> list[str]:
        roster, profile = self.school.roster, self.school.profile
        names = {s.id: s.initials for s in roster.staff}
        lines = ["", "[b]Meldinger[/b]"]
        lines += [
            f"  {date_range(m.fra, m.til)} {m.reason.label}, {m.validity.label}"
            f" (registrert av {names.get(m.av, m.av)})"
            for m in page.meldinger[:10]
        ] or ["  ingen"]
        lines += ["", "[b]Kontakt med hjemmet[/b]"]
        lines += [
            f"  {c.tid:%d.%m.%Y %H:%M} {c.hva}: {c.utfall} ({names.get(c.av, c.av)})"
            + (f" – {escape(c.notat)}" if c.notat else "")
            for c in page.contacts[:10]
        ] or ["  ingen logget"]
        lines += ["", "[b]Sak[/b]"]
        for case in page.cases[:3]:
            held = {a.regel: a.forst for a in page.alerts}
            states = followup.staircase(case, profile, self.school.calendar, self.dato, held)
            opened = next((e for e in case.events if e.hva == "opprettet"), None)
            who = f" av {names.get(opened.av, opened.av)}" if opened else ""
            lines.append(
                f"  {case.status.value} sak, {case_event('opprettet')} {case.opprettet:%d.%m.%Y}"
                f"{who}:"
            )
            lines += [f"    {line}" for line in followup.staircase_text(states, names)]
        if not page.cases:
            lines.append("  ingen sak (s: opprett fra et varsel)")
        return lines

    def action_melding(self) -> None:
        from fravaer_tui.dialogs.melding import MeldingDialog

        student = self.school.roster.student(self.elev)
        if student is not None:
            self.app.push_screen(MeldingDialog(student, self.dato), callback=self._changed)

    def action_contact(self) -> None:
        from fravaer_tui.dialogs.followup import ContactDialog

        student = self.school.roster.student(self.elev)
        if student is not None:
            self.app.push_screen(ContactDialog(student), callback=self._changed)

    def action_case(self) -> None:
        from fravaer_tui.screens.case import open_case_for

        open_case_for(self.app, self.elev, self.dato)

    def action_add_consent(self) -> None:
        from fravaer_tui.dialogs.consent import ConsentDialog

        student = self.school.roster.student(self.elev)
        if student is not None:
            self.app.push_screen(ConsentDialog(student), callback=self._changed)

    def action_withdraw_consent(self) -> None:
        from fravaer_tui.dialogs.consent import WithdrawConsentDialog

        chosen = self.consent_under_cursor()
        student = self.school.roster.student(self.elev)
        if chosen is None or student is None:
            self.notify("Ingen samtykker å trekke (n fører et nytt).", severity="warning")
        elif chosen.trukket is not None:
            self.notify(
                f"Samtykket for {chosen.tjeneste_navn} ble trukket {chosen.trukket:%d.%m.%Y}.",
                severity="warning",
                markup=False,
            )
        else:
            self.app.push_screen(WithdrawConsentDialog(student, chosen), callback=self._changed)

    def _changed(self, saved: object) -> None:
        if saved:
            self.app.run_checker()  # the page reloads when it is back

    def action_back(self) -> None:
        self.dismiss()
