"""The register: one lesson's roll call in a few keystrokes.

Everyone is present by default. Keys: ↑/↓ or j/k move, a row number jumps, `/` finds a
name, `f` fravær, `s` sent (minutes asked inline), `g` gikk/forlot, space present, `n`
remark, `ctrl+s` (or enter on the save row) saves, esc leaves (asking if unsaved).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Key
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Footer, Header, Input, Label, Static
from textual.worker import Worker, WorkerState, get_current_worker

from fravaer_tui.application.lessons import LessonState, default_late_minutes
from fravaer_tui.domain.model import Mark, MarkType, Registration, Student
from fravaer_tui.domain.rules import CheckResult
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.errors import UserError
from fravaer_tui.screens.lessons import day_title
from fravaer_tui.widgets.labels import alert_summary, flagged_name, mark_text, short_mark

SAVE_ROW = "__save__"
JUMP_PAUSE = 1.2  # seconds: digits typed closer than this form one row number
REMARKS = ["mangler utstyr", "uten lekser", "hjemmekontor", "på tur med klassen"]


@dataclass
class _Loaded:
    registration: Registration | None
    earlier: dict[str, list[tuple[int, Mark]]]
    meldt: set[str]  # students with a melding for the day: absent unless they turn up


class RegisterScreen(Screen[None]):
    BINDINGS = [
        Binding("f", "mark('fravaer')", "Fravær", id="fravaer"),
        Binding("s", "late", "Sent", id="sent"),
        Binding("g", "mark('forlot')", "Gikk", id="forlot"),
        Binding("space", "present", "Til stede", id="present", key_display="␣"),
        Binding("n", "remark", "Merknad", id="remark"),
        Binding("ctrl+s", "save", "Lagre", id="save", priority=True),
        Binding("escape", "leave", "Tilbake", id="leave", show=False),
        Binding("m", "melding", "Melding", id="melding"),
        Binding("u", "ugyldig", "Ugyldig", id="ugyldig", show=False),
        Binding("slash", "search", "Søk navn", id="search", key_display="/", show=False),
        Binding("j", "cursor(1)", "Ned", show=False),
        Binding("k", "cursor(-1)", "Opp", show=False),
        # digits are bindings too, so a fast typist's "3 f 7 f" is handled in order
        *(Binding(str(d), f"digit('{d}')", f"Elev nr. {d}", show=False) for d in range(10)),
    ]

    def __init__(self, lesson: LessonState) -> None:
        super().__init__()
        self.lesson = lesson
        self.students: list[Student] = []
        self.marks: dict[str, Mark] = {}
        self.saved: Registration | None = lesson.registration
        self.earlier: dict[str, list[tuple[int, Mark]]] = {}
        self.meldt: set[str] = set()
        self.dirty = False
        self.ready = False
        self._digits = ""
        self._digit_at = 0.0
        self._inline: str | None = None  # "sent", "merknad" or "sok" while the input is open

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        slot = self.lesson.slot
        yield Header()
        yield Static(
            f"{slot.klasse} · {day_title(self.lesson.dato)} · {slot.time}. time "
            f"{slot.start:%H:%M}–{slot.slutt:%H:%M} · {slot.fag}",
            id="title",
            classes="title",
        )
        yield Static(id="status", classes="status")
        yield DataTable(id="roster", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="inline"):
            yield Label(id="inline-label")
            yield Input(id="inline-input")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        school = self.app.school  # type: ignore[attr-defined]
        self.students = school.roster.students_in(self.lesson.slot.klasse)
        table = self.query_one(DataTable)
        table.add_column("Nr", key="nr", width=3)
        table.add_column("Elev", key="elev", width=24)
        table.add_column("Føring", key="mark", width=16)
        table.add_column("I dag", key="earlier", width=12)
        table.add_column("Merknad", key="remark")
        self.query_one("#inline").display = False
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="register-load")
    def load(self) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        slot, dato = self.lesson.slot, self.lesson.dato
        loaded = _Loaded(
            session.registration_for(slot.klasse, dato, slot.time),
            session.marks_on_day(slot.klasse, dato),
            session.meldt_on(slot.klasse, dato),
        )
        if not get_current_worker().is_cancelled:  # a newer load won
            self.app.call_from_thread(self._show, loaded)

    def _show(self, loaded: _Loaded) -> None:
        self.saved = loaded.registration
        self.earlier = {
            elev: [(t, m) for t, m in marks if t != self.lesson.slot.time]
            for elev, marks in loaded.earlier.items()
        }
        self.meldt = loaded.meldt
        if self.saved:
            self.marks = {m.elev: m for m in self.saved.marks}
        else:  # not registered yet: foresatte have said these students are away today
            self.marks = {
                s.id: Mark(s.id, MarkType.FRAVAER) for s in self.students if s.id in self.meldt
            }
        self.dirty = False
        table = self.query_one(DataTable)
        table.clear()
        for nr, student in enumerate(self.students, start=1):
            table.add_row(*self._cells(nr, student), key=student.id)
        table.add_row("", "▶ Lagre føringen (ctrl+s)", "", "", "", key=SAVE_ROW)
        self.ready = True
        self._update_status()
        self.watch(self.app, "alerts", self._alerts_changed)

    def _cells(self, nr: int, student: Student) -> tuple[object, ...]:
        mark = self.marks.get(student.id)
        alerts = self.app.flagged(student.id)  # type: ignore[attr-defined]
        warning = self.app.get_css_variables().get("warning", "yellow")
        earlier = " ".join(short_mark(t, m) for t, m in self.earlier.get(student.id, []))
        return (
            str(nr),
            flagged_name(f"{student.etternavn}, {student.fornavn}", alerts, f"bold {warning}"),
            mark_text(mark) + (" (meldt)" if student.id in self.meldt and mark else ""),
            earlier,
            mark.merknad if mark else "",
        )

    def _refresh_row(self, elev: str) -> None:
        table = self.query_one(DataTable)
        index = next(i for i, s in enumerate(self.students) if s.id == elev)
        for column, value in zip(
            ("nr", "elev", "mark", "earlier", "remark"),
            self._cells(index + 1, self.students[index]),
            strict=True,
        ):
            table.update_cell(elev, column, value)

    def _alerts_changed(self, result: CheckResult | None) -> None:
        if self.ready:
            for student in self.students:
                self._refresh_row(student.id)
            self._update_status()

    def _update_status(self) -> None:
        school = self.app.school  # type: ignore[attr-defined]
        counts = {kind: 0 for kind in MarkType}
        for mark in self.marks.values():
            if mark.kind is not None:
                counts[mark.kind] += 1
        present = len(self.students) - counts[MarkType.FRAVAER] - counts[MarkType.FORLOT]
        summary = " · ".join(
            [f"{present} til stede"] + [f"{n} {kind.label}" for kind, n in counts.items() if n]
        )
        if self.saved is None:
            state = "Ikke ført"
        else:
            who = school.roster.staff_member(self.saved.av)
            initials = who.initials if who else self.saved.av
            when = f"{self.saved.tid:%H:%M}"
            if self.saved.dato != self.saved.tid.date():
                when = f"{format_date(self.saved.tid.date())} {when}"
            state = f"Ført {when} av {initials}"
        if self.dirty:
            state += " · ikke lagret"
        flagged = sum(1 for s in self.students if self.app.flagged(s.id))  # type: ignore[attr-defined]
        warn = f" · ⚠ {flagged} over terskel" if flagged else ""
        status = self.query_one("#status", Static)
        status.update(f"{state} · {summary}{warn}")
        status.set_class(self.dirty, "dirty")
        status.set_class(self.saved is not None and not self.dirty, "saved")

    # -- the row under the cursor -------------------------------------------------

    def _current(self) -> Student | None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        return self.students[row] if 0 <= row < len(self.students) else None

    def _set(self, student: Student, mark: Mark | None) -> None:
        if mark is None or (mark.kind is None and not mark.merknad):
            self.marks.pop(student.id, None)
        else:
            self.marks[student.id] = mark
        self.dirty = True
        self._refresh_row(student.id)
        self._update_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("melding", "ugyldig"):
            return self.app.session.follows_up(self.lesson.slot.klasse)  # type: ignore[attr-defined]
        return True

    # -- marking ---------------------------------------------------------------------

    def action_mark(self, kind: str) -> None:
        self._digits = ""  # any other key ends a row number
        student = self._current()
        if student is None or not self.ready:
            return
        old = self.marks.get(student.id)
        self._set(student, Mark(student.id, MarkType(kind), merknad=old.merknad if old else ""))

    def action_present(self) -> None:
        self._digits = ""  # any other key ends a row number
        student = self._current()
        if student is None or not self.ready:
            return
        old = self.marks.get(student.id)
        self._set(student, Mark(student.id, None, merknad=old.merknad) if old else None)

    def action_late(self) -> None:
        self._digits = ""  # any other key ends a row number
        student = self._current()
        if student is None or not self.ready:
            return
        old = self.marks.get(student.id)
        minutes = (
            old.minutter
            if old and old.kind is MarkType.SENT
            else default_late_minutes(self.lesson.slot, self.app.clock())  # type: ignore[attr-defined]
        )
        self._open_inline(
            "sent",
            f"Minutter for sent, {student.fornavn} (1–{self.lesson.slot.minutes}):",
            str(minutes),
            restrict=r"[0-9]{0,3}",
        )

    def action_remark(self) -> None:
        self._digits = ""  # any other key ends a row number
        student = self._current()
        if student is None or not self.ready:
            return
        old = self.marks.get(student.id)
        self._open_inline(
            "merknad",
            f"Merknad, {student.fornavn}:",
            old.merknad if old else "",
            suggester=SuggestFromList(REMARKS, case_sensitive=False),
        )

    def action_search(self) -> None:
        self._digits = ""  # any other key ends a row number
        if self.ready:
            self._open_inline("sok", "Finn elev (navn):", "")

    def _open_inline(
        self,
        what: str,
        label: str,
        value: str,
        restrict: str | None = None,
        suggester: SuggestFromList | None = None,
    ) -> None:
        self._inline = what
        self.query_one("#inline-label", Label).update(label)
        field = self.query_one("#inline-input", Input)
        field.restrict = restrict
        field.suggester = suggester
        field.value = value
        self.query_one("#inline").display = True
        field.focus()  # selects the offered value, so typing replaces it and enter accepts it

    def _close_inline(self) -> None:
        self._inline = None
        self.query_one("#inline").display = False
        self.query_one(DataTable).focus()

    @on(Input.Submitted, "#inline-input")
    def _inline_done(self, event: Input.Submitted) -> None:
        event.stop()
        self._commit_inline()

    def _commit_inline(self) -> bool:
        """Apply what is typed in the inline field; False if it is not valid yet."""
        student = self._current()
        what = self._inline
        text = self.query_one("#inline-input", Input).value.strip()
        if what is None:
            return True
        if what == "sok":
            self._close_inline()
            self._jump_to_name(text)
            return True
        if student is None:
            self._close_inline()
            return True
        old = self.marks.get(student.id)
        if what == "sent":
            lesson_minutes = self.lesson.slot.minutes
            if not text.isdigit() or not 1 <= int(text) <= lesson_minutes:
                self.query_one("#inline-label", Label).update(
                    f"Skriv et helt tall fra 1 til {lesson_minutes} (minutter for sent):"
                )
                self.app.bell()
                return False
            self._close_inline()
            remark = old.merknad if old else ""
            self._set(student, Mark(student.id, MarkType.SENT, int(text), merknad=remark))
        elif what == "merknad":
            self._close_inline()
            if old is None:
                self._set(student, Mark(student.id, None, merknad=text))
            else:
                self._set(student, replace(old, merknad=text))
        return True

    def on_key(self, event: Key) -> None:
        if self._inline is not None and event.key == "escape":
            event.stop()
            event.prevent_default()
            self._close_inline()

    def action_digit(self, digit: str) -> None:
        if not self.ready or self._inline is not None:
            return
        now = time.monotonic()
        if now - self._digit_at > JUMP_PAUSE:
            self._digits = ""
        self._digit_at = now
        candidate = self._digits + digit
        if not 1 <= int(candidate) <= len(self.students):
            candidate = digit  # start over: "3" then "0" with 25 students is not row 30
        if 1 <= int(candidate) <= len(self.students):
            self._digits = candidate
            self.query_one(DataTable).move_cursor(row=int(candidate) - 1)
        else:
            self._digits = ""

    def _jump_to_name(self, text: str) -> None:
        wanted = text.casefold()
        if not wanted:
            return
        for i, student in enumerate(self.students):
            names = (
                student.fornavn.casefold(),
                student.etternavn.casefold(),
                student.navn.casefold(),
            )
            if any(name.startswith(wanted) for name in names):
                self.query_one(DataTable).move_cursor(row=i)
                return
        self.notify(f"Ingen elev i {self.lesson.slot.klasse} heter «{text}».", severity="warning")

    def action_cursor(self, step: int) -> None:
        self._digits = ""  # any other key ends a row number
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value == SAVE_ROW:
            self.action_save()
        else:
            self.action_cursor(1)

    # -- saving and leaving --------------------------------------------------------------

    def action_save(self) -> None:
        self._digits = ""  # any other key ends a row number
        if not self.ready:
            return
        if self._inline is not None and not self._commit_inline():
            return
        self._save(dict(self.marks))

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def _save(self, marks: dict[str, Mark]) -> tuple[Registration, dict[str, Mark]]:
        """Saves the marks as they were when the key was pressed (the teacher may go on)."""
        app = self.app
        slot = self.lesson.slot
        saved, _ = app.session.save_registration(  # type: ignore[attr-defined]
            slot.klasse,
            self.lesson.dato,
            slot.time,
            list(marks.values()),
            app.clock().replace(microsecond=0),  # type: ignore[attr-defined]
        )
        return saved, marks

    @on(Worker.StateChanged)
    def _saved(self, event: Worker.StateChanged) -> None:
        if event.worker.group in ("judge", "register-load") and event.state is WorkerState.ERROR:
            error = event.worker.error
            text = error.message if isinstance(error, UserError) else f"uventet feil: {error!r}"
            self.notify(text, severity="error", timeout=20)
            return
        if event.worker.group != "save":
            return
        if event.state is WorkerState.SUCCESS:
            self.saved, sent = event.worker.result
            if self.marks == sent:  # nothing changed while saving
                self.marks = {m.elev: m for m in self.saved.marks}
                self.dirty = False
            for student in self.students:
                self._refresh_row(student.id)
            self._update_status()
            self.notify(
                f"{self.lesson.slot.klasse} {self.lesson.slot.time}. time er ført.", timeout=3
            )
            self.app.run_checker()  # type: ignore[attr-defined]
            if self._leave_after_save:
                self.dismiss()
        elif event.state is WorkerState.ERROR:
            self._leave_after_save = False
            error = event.worker.error
            text = error.message if isinstance(error, UserError) else f"uventet feil: {error!r}"
            self.notify(
                f"Føringen ble ikke lagret: {text} Det du har ført står fortsatt på skjermen.",
                severity="error",
                timeout=20,
            )

    _leave_after_save = False

    def action_leave(self) -> None:
        self._digits = ""  # any other key ends a row number
        if not self.dirty:
            self.dismiss()
            return
        from fravaer_tui.screens.dialogs import UnsavedDialog

        def decided(choice: str | None) -> None:
            if choice == "lagre":
                self._leave_after_save = True
                self._save(dict(self.marks))
            elif choice == "forkast":
                self.dismiss()

        self.app.push_screen(UnsavedDialog(), callback=decided)

    # -- follow-up (kontaktlærer) ---------------------------------------------------------

    def action_melding(self) -> None:
        self._digits = ""  # any other key ends a row number
        student = self._current()
        if student is None:
            return
        from fravaer_tui.screens.dialogs import MeldingDialog

        def done(saved: bool | None) -> None:
            if saved and not self.dirty:  # never throw away marks not yet saved
                self.load()
                self.app.run_checker()  # type: ignore[attr-defined]

        self.app.push_screen(MeldingDialog(student, self.lesson.dato), callback=done)

    def action_ugyldig(self) -> None:
        self._digits = ""  # any other key ends a row number
        student = self._current()
        if student is None:
            return
        stored = self.saved.mark_for(student.id) if self.saved else None
        if stored is None or not stored.is_absence or self.dirty:
            self.notify(
                "Lagre føringen med fraværet først, så kan fraværet vurderes som ugyldig.",
                severity="warning",
            )
            return
        self._judge(student.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="judge")
    def _judge(self, elev: str) -> None:
        from fravaer_tui.domain.model import Validity

        app = self.app
        slot = self.lesson.slot
        app.session.judge_absence(  # type: ignore[attr-defined]
            slot.klasse,
            self.lesson.dato,
            slot.time,
            elev,
            Validity.UGYLDIG,
            None,
            app.clock().replace(microsecond=0),  # type: ignore[attr-defined]
        )
        app.call_from_thread(self._judged, elev)

    def _judged(self, elev: str) -> None:
        student = self.app.school.roster.student(elev)  # type: ignore[attr-defined]
        self.notify(f"Fraværet til {student.navn if student else elev} er satt til ugyldig.")
        self.load()
        self.app.run_checker()  # type: ignore[attr-defined]

    def commands(self) -> list[SystemCommand]:
        found = [
            SystemCommand("Lagre føringen", "Lagre timen (ctrl+s)", self.action_save),
            SystemCommand("Finn elev", "Søk på navn (/)", self.action_search),
        ]
        if self.check_action("melding", ()):
            found.append(
                SystemCommand("Registrer melding", "Melding fra foresatte (m)", self.action_melding)
            )
        return found

    def alerts_text(self, elev: str) -> str:
        return alert_summary(self.app.flagged(elev))  # type: ignore[attr-defined]
