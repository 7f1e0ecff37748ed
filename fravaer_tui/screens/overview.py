"""The kontaktlærer's morning: everything that needs doing today, for each own class."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from fravaer_tui.application.session import ClassMorning, Session
from fravaer_tui.domain.analysis import Unreported
from fravaer_tui.domain.rules import CheckResult
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.screens.base import LoadingScreen
from fravaer_tui.screens.lessons import day_title
from fravaer_tui.widgets.labels import ALERT_SYMBOL, short_mark


def group_unreported(items: list[Unreported]) -> list[tuple[str, dt.date, list[int]]]:
    """One line per student and day ("hele dagen" or the periods), newest day first."""
    grouped: dict[tuple[str, dt.date], list[int]] = {}
    for item in items:
        grouped.setdefault((item.elev, item.dato), []).append(item.time)
    return [(elev, dato, sorted(times)) for (elev, dato), times in grouped.items()]


class MorningScreen(LoadingScreen):
    """Rows are keyed `kind|elev|extra`; section headings have no student."""

    BINDINGS = [
        Binding("enter", "student", "Åpne elev", id="open_student", priority=True),
        Binding("m", "melding", "Melding", id="melding"),
        Binding("r", "contact", "Ringt hjem", id="contact"),
        Binding("s", "case", "Sak", id="case"),
        Binding("escape", "back", "Tilbake", id="back", show=False),
        Binding("j", "cursor(1)", "Ned", show=False),
        Binding("k", "cursor(-1)", "Opp", show=False),
    ]

    def __init__(self, dato: dt.date) -> None:
        super().__init__()
        self.dato = dato
        self.keys: list[str] = []

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Morgenoversikt · {day_title(self.dato)}", id="title", classes="title")
        yield DataTable(id="morning", cursor_type="row", show_header=False)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.watch(self.app, "alerts", self._alerts_changed, init=False)

    def on_screen_resume(self) -> None:
        self.load()

    def _alerts_changed(self, result: CheckResult | None) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="morning")
    def load(self) -> None:
        app = self.app
        blocks = self.session.morning(self.dato, app.alerts, app.clock())  # type: ignore[attr-defined]
        if not get_current_worker().is_cancelled:  # a newer load won
            self.app.call_from_thread(self._show, blocks)

    def _show(self, blocks: list[ClassMorning]) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        self.keys = []
        rows: list[tuple[str | Text, str | Text]] = []
        roster = self.app.school.roster  # type: ignore[attr-defined]
        heading = f"bold {self.app.get_css_variables().get('accent', 'cyan')}"
        warning = f"bold {self.app.get_css_variables().get('warning', 'yellow')}"

        def add(key: str, left: str | Text, right: str | Text = "") -> None:
            self.keys.append(key)
            rows.append((left, right))

        def name(elev: str) -> str:
            student = roster.student(elev)
            return f"{student.etternavn}, {student.fornavn}" if student else elev

        for block in blocks:
            k = block.klasse
            add(
                "",
                Text(f"── {k}", style=heading),
                Text(f"fravær i går ({format_date(block.yesterday)})", style=heading),
            )
            for day in block.absence_yesterday:
                add(
                    f"elev|{day.elev}",
                    f"  {name(day.elev)}",
                    " ".join(short_mark(t, m) for t, m in day.marks),
                )
            if not block.absence_yesterday:
                add("", "  ingen")
            add("", Text(f"── {k}", style=heading), Text("fravær i dag", style=heading))
            for day in block.absence_today:
                add(
                    f"elev|{day.elev}",
                    f"  {name(day.elev)}",
                    " ".join(short_mark(t, m) for t, m in day.marks),
                )
            if not block.absence_today:
                add("", "  ingen så langt")
            add(
                "",
                Text(f"── {k}", style=heading),
                Text("ikke meldt – ring foresatte", style=heading),
            )
            for elev, dato, times in group_unreported(block.ikke_meldt):
                student = roster.student(elev)
                phone = ""
                if student and student.foresatte:
                    f = student.foresatte[0]
                    phone = f"  ☎ {f.telefon} ({f.navn})"
                lessons = roster.slots(k, dato.isoweekday())
                what = (
                    "hele dagen"
                    if len(times) >= len(lessons)
                    else ", ".join(f"{t}." for t in times) + " time"
                )
                add(f"elev|{elev}", f"  {name(elev)}", f"{format_date(dato)} {what}{phone}")
            if not block.ikke_meldt:
                add("", "  alt er meldt")
            add("", Text(f"── {k}", style=heading), Text("timer som ikke er ført", style=heading))
            for miss in block.unregistered:
                teacher = roster.staff_member(miss.laerer)
                add(
                    "",
                    f"  {format_date(miss.dato)} {miss.time}. time",
                    f"{miss.fag} – {teacher.navn if teacher else miss.laerer}",
                )
            if not block.unregistered:
                add("", "  alle timer er ført")
            add("", Text(f"── {k}", style=heading), Text("varsler, nyeste først", style=heading))
            for alert in block.alerts:
                add(
                    f"varsel|{alert.elev}|{alert.regel}",
                    Text(f"{ALERT_SYMBOL} {name(alert.elev)}", style=warning),
                    f"{alert.tittel} fra {format_date(alert.forst)}: {alert.tiltak}",
                )
            if not block.alerts:
                add("", "  ingen varsler")
            add("", Text(f"── {k}", style=heading), Text("oppfølging som forfaller", style=heading))
            for due in block.due:
                when = "FORFALT" if due.overdue else "i dag"
                add(
                    f"sak|{due.case.elev}|{due.case.id}",
                    f"  {name(due.case.elev)}",
                    f"{due.step.tittel} – frist {format_date(due.frist)} ({when})",
                )
            if not block.due:
                add("", "  ingenting forfaller i dag")
        # fixed widths from the content: the same picture however the loads interleave
        table.add_column("Elev", key="elev", width=26)
        table.add_column("Hva", key="hva", width=max((len(str(r)) for _, r in rows), default=10))
        for i, (left, right) in enumerate(rows):
            table.add_row(left, right, key=f"{i}|{self.keys[i]}")
        if self.keys:
            table.move_cursor(row=min(row, len(self.keys) - 1))

    # -- the row under the cursor ---------------------------------------------------

    def _row(self) -> list[str]:
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.keys):
            return self.keys[row].split("|")
        return [""]

    def _elev(self) -> str | None:
        parts = self._row()
        return parts[1] if len(parts) > 1 else None

    def action_student(self) -> None:
        elev = self._elev()
        if elev:
            from fravaer_tui.screens.student import StudentScreen

            self.app.push_screen(StudentScreen(elev, self.dato))

    def action_melding(self) -> None:
        elev = self._elev()
        if elev:
            from fravaer_tui.screens.dialogs import MeldingDialog

            student = self.app.school.roster.student(elev)  # type: ignore[attr-defined]
            self.app.push_screen(MeldingDialog(student, self.dato), callback=self._changed)

    def action_contact(self) -> None:
        elev = self._elev()
        if elev:
            from fravaer_tui.screens.followup_dialogs import ContactDialog

            student = self.app.school.roster.student(elev)  # type: ignore[attr-defined]
            self.app.push_screen(ContactDialog(student), callback=self._changed)

    def action_case(self) -> None:
        parts = self._row()
        if parts[0] not in ("varsel", "sak"):
            self.notify("Velg et varsel eller en sak i listen.", severity="warning")
            return
        from fravaer_tui.screens.case import open_case_for

        open_case_for(self.app, parts[1], self.dato, parts[2] if parts[0] == "varsel" else None)

    def _changed(self, saved: object) -> None:
        if saved:
            self.load()
            self.app.run_checker()  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.dismiss()

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, table.cursor_row + step))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_student()
