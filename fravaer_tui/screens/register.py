"""The register: one lesson's roll call in a few keystrokes, and nothing lost on the way out.

Everyone is present by default. Keys: ↑/↓ or j/k move, a row number jumps (shown while it
is typed; enter or a pause completes it), `/` finds a name or id, `f` fravær, `s` sent
(minutes asked inline), `g` gikk/forlot, space present, `n` remark, `ctrl+s` (or enter on
the save row) saves, esc leaves. Marks not saved are kept as a private draft as they are
typed; leaving or quitting with them asks (lagre / forkast / avbryt) (issue 12, point 1).

A little over 400 lines: the keys of one screen belong together. What keeps the roll call
(drafts, saving, leaving, judgements) is in `register_keeping.py`, the rows' words in
`application/rollcall.py`.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import DataTable, Header, Static

from fravaer_tui.application.lessons import LessonState, default_late_minutes
from fravaer_tui.application.rollcall import RegisterData, row_state
from fravaer_tui.domain.drafts import saved_meanwhile
from fravaer_tui.domain.model import Mark, MarkType, Registration, Student
from fravaer_tui.domain.words import person
from fravaer_tui.screens.lessons import day_title
from fravaer_tui.screens.register_keeping import KeepingRollCall
from fravaer_tui.widgets.footer import Footer
from fravaer_tui.widgets.labels import mark_text, short_mark
from fravaer_tui.widgets.line import Line
from fravaer_tui.widgets.prompt import InlinePrompt
from fravaer_tui.widgets.rollcall import SAVE_ROW, RollCallTable, RollRow

REMARKS = ["mangler utstyr", "uten lekser", "hjemmekontor", "på tur med klassen"]


class RegisterScreen(KeepingRollCall):
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
        Binding("slash", "search", "Søk", id="search", key_display="/", show=False),
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
        self.data: RegisterData | None = None
        self.dirty = False
        self.ready = False
        self.draft_note = ""
        self._digits = ""
        self._jump_timer: Timer | None = None

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        slot = self.lesson.slot
        yield Header()
        yield Static(
            f"{slot.klasse} · {day_title(self.lesson.dato)} · {slot.time}. time "
            f"{slot.start:%H:%M}–{slot.slutt:%H:%M} · {slot.fag}",
            id="title",
            classes="title",
            markup=False,  # the subject as the timetable has it
        )
        yield Line(id="status", classes="status")
        yield RollCallTable(id="roster")
        yield Line(id="detail", classes="detail")
        yield InlinePrompt(id="inline")
        yield Footer()

    def on_mount(self) -> None:
        self.students = self.school.roster.students_in(self.lesson.slot.klasse)
        self.table.setup(self.app.size.width, self._warning)

    def on_resize(self) -> None:
        """A new terminal size: the columns are measured again, the cursor stays."""
        if self.data is not None and self.app.size.width != self.table.width_for:
            self.table.setup(self.app.size.width, self._warning)
            self.table.fill([self._row(i, s) for i, s in enumerate(self.students, start=1)])

    @property
    def table(self) -> RollCallTable:
        return self.query_one(RollCallTable)

    @property
    def prompt(self) -> InlinePrompt:
        return self.query_one(InlinePrompt)

    @property
    def _warning(self) -> str:
        return f"bold {self.app.get_css_variables().get('warning', 'yellow')}"

    @property
    def follows_up(self) -> bool:
        return self.session.follows_up(self.lesson.slot.klasse)

    # -- loading ---------------------------------------------------------------------

    def fetch(self) -> RegisterData:
        session, slot, dato = self.session, self.lesson.slot, self.lesson.dato
        return RegisterData(
            session.registration_for(slot.klasse, dato, slot.time),
            session.marks_on_day(slot.klasse, dato),
            session.meldt_on(slot.klasse, dato),
            session.meldinger_on(slot.klasse, dato) if self.follows_up else {},
            session.drafts.get(slot.klasse, dato, slot.time, self.app.clock().date()),
            session.flagged_in(slot.klasse, self.app.clock().date()),
        )

    def show(self, data: RegisterData) -> None:
        """First time: the draft, else what is saved, else who is reported away. Later
        (back from a dialog, a judgement): the marks typed stay; words and flags follow."""
        first = self.data is None
        self.data, self.saved = data, data.registration
        draft = data.draft
        if first and draft is not None and not saved_meanwhile(draft, data.registration):
            self.marks, self.dirty = draft.marks_by_student(), True
            self.draft_note = f"utkast fra {draft.tid:%H:%M}, ikke lagret"
        elif first or not self.dirty:
            self.marks = self._stored_marks()
        if first:
            self.table.fill([self._row(i, s) for i, s in enumerate(self.students, start=1)])
            self.watch(self.app, "alerts", lambda _: self._refresh_all(), init=False)
            if (
                draft is not None
                and data.registration
                and saved_meanwhile(draft, data.registration)
            ):
                self._offer_draft(draft, data.registration)
        else:
            self._refresh_all()
        self.ready = True
        self._update_status()

    def _stored_marks(self) -> dict[str, Mark]:
        if self.saved is not None:
            return {m.elev: m for m in self.saved.marks}
        meldt = self.data.meldt if self.data else set()  # foresatte said these are away
        return {s.id: Mark(s.id, MarkType.FRAVAER) for s in self.students if s.id in meldt}

    # -- rows ---------------------------------------------------------------------------

    def _row(self, nr: int, student: Student) -> RollRow:
        data = self.data
        mark = self.marks.get(student.id)
        saved = self.saved.mark_for(student.id) if self.saved else None
        earlier = data.earlier.get(student.id, []) if data else []
        return RollRow(
            nr=nr,
            elev=student.id,
            name=f"{student.etternavn}, {student.fornavn}",
            flagged=self._flagged(student),
            mark=mark_text(mark),
            state=row_state(
                mark,
                saved,
                data.meldinger.get(student.id) if data else None,
                bool(data and student.id in data.meldt),
                self.follows_up,
                self.lesson.dato,
            ),
            earlier=" ".join(short_mark(t, m) for t, m in earlier if t != self.lesson.slot.time),
        )

    def _flagged(self, student: Student) -> bool:
        """From the app's check once it has come, from the class's shared results before."""
        if self.app.alerts is not None or self.data is None:
            return bool(self.app.flagged(student.id))
        return student.id in self.data.flagged

    def _refresh(self, student: Student) -> None:
        self.table.put(self._row(self.students.index(student) + 1, student))

    def _refresh_all(self) -> None:
        if self.data is not None:
            for nr, student in enumerate(self.students, start=1):
                self.table.put(self._row(nr, student))
            self._update_status()

    def _update_status(self) -> None:
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
            when = f"{self.saved.tid:%H:%M}"
            if self.saved.dato != self.saved.tid.date():
                when = f"{self.saved.tid:%d.%m.%Y} {when}"
            state = f"Ført {when} av {person(self.school.roster, self.saved.av, short=True)}"
        if self.dirty:
            state += " · " + (self.draft_note or "ikke lagret (utkast)")
        elif self.draft_note:
            state += " · " + self.draft_note
        flagged = sum(1 for s in self.students if self._flagged(s))
        warn = f" · ⚠ {flagged} over terskel" if flagged else ""
        status = self.query_one("#status", Line)
        status.say(f"{state} · {summary}{warn}")
        status.set_class(self.dirty, "dirty")
        status.set_class(self.saved is not None and not self.dirty, "saved")
        self._update_detail()

    @on(DataTable.RowHighlighted)
    def _update_detail(self) -> None:
        """The row under the cursor, whole and in words (the table may shorten it)."""
        detail = self.query_one("#detail", Line)
        if self._digits:
            detail.say(f"Til elev {self._digits}_   (enter eller et tall til)")
            return
        student = self._current()
        if student is None or self.data is None:
            detail.say("enter eller ctrl+s lagrer føringen" if self.ready else "")
            return
        row = self._row(self.students.index(student) + 1, student)
        parts = [f"{row.nr}. {student.navn}", row.mark, row.state]
        if row.earlier:
            parts.append(f"tidligere i dag {row.earlier}")
        detail.say(" · ".join(p for p in parts if p))

    # -- the row under the cursor -------------------------------------------------

    def _current(self) -> Student | None:
        row = self.table.cursor_row
        return self.students[row] if 0 <= row < len(self.students) else None

    def _set(self, student: Student, mark: Mark | None) -> None:
        if mark is None or (mark.kind is None and not mark.merknad):
            self.marks.pop(student.id, None)
        else:
            self.marks[student.id] = mark
        self.dirty = True
        self._refresh(student)
        self._update_status()
        self._keep_draft()

    def refusal(self, action: str) -> str | None:
        if action in ("melding", "ugyldig") and not self.follows_up:
            what = "Meldinger fra foresatte (m)" if action == "melding" else "Å vurdere fravær (u)"
            return (
                f"{what} er for kontaktlæreren i {self.lesson.slot.klasse} og ledelsen. "
                "Si fra til kontaktlæreren."
            )
        return None

    def _student_for_key(self) -> Student | None:
        """Keys act on the row typed (a pending row number completes first)."""
        self._complete_jump()
        return self._current() if self.ready else None

    # -- marking ---------------------------------------------------------------------

    def action_mark(self, kind: str) -> None:
        student = self._student_for_key()
        if student is not None:
            old = self.marks.get(student.id)
            merknad = old.merknad if old else ""
            self._set(student, Mark(student.id, MarkType(kind), merknad=merknad))

    def action_present(self) -> None:
        student = self._student_for_key()
        if student is not None:
            old = self.marks.get(student.id)
            self._set(student, Mark(student.id, None, merknad=old.merknad) if old else None)

    def action_late(self) -> None:
        student = self._student_for_key()
        if student is None:
            return
        old = self.marks.get(student.id)
        minutes = (
            old.minutter
            if old and old.kind is MarkType.SENT
            else default_late_minutes(self.lesson.slot, self.app.clock())
        )
        self.prompt.ask(
            "sent",
            f"Minutter for sent, {student.fornavn} (1–{self.lesson.slot.minutes}):",
            str(minutes),
            restrict=r"[0-9]{0,3}",
        )

    def action_remark(self) -> None:
        student = self._student_for_key()
        if student is not None:
            old = self.marks.get(student.id)
            self.prompt.ask(
                "merknad",
                f"Merknad, {student.fornavn}:",
                old.merknad if old else "",
                suggester=SuggestFromList(REMARKS, case_sensitive=False),
            )

    def action_search(self) -> None:
        self._complete_jump()
        if self.ready:
            self.prompt.ask("sok", "Finn elev (navn eller elev-id):", "")

    @on(InlinePrompt.Answered)
    def _answered(self, message: InlinePrompt.Answered) -> None:
        self._commit_inline()

    @on(InlinePrompt.Cancelled)
    def _cancelled(self) -> None:
        self.table.focus()

    def _commit_inline(self) -> bool:
        """Apply what is typed in the inline field; False if it is not valid yet."""
        prompt, what, text = self.prompt, self.prompt.what, self.prompt.value
        student = self._current()
        if what is None:
            return True
        if what == "sent" and student is not None:
            lesson_minutes = self.lesson.slot.minutes
            if not text.isdigit() or not 1 <= int(text) <= lesson_minutes:
                prompt.warn(f"Skriv et helt tall fra 1 til {lesson_minutes} (minutter for sent):")
                return False
        prompt.close()
        self.table.focus()
        if what == "sok":
            self._jump_to_name(text)
        elif student is not None:
            old = self.marks.get(student.id)
            if what == "sent":
                remark = old.merknad if old else ""
                self._set(student, Mark(student.id, MarkType.SENT, int(text), merknad=remark))
            elif what == "merknad":
                self._set(
                    student,
                    replace(old, merknad=text) if old else Mark(student.id, None, merknad=text),
                )
        return True

    # -- moving: row numbers, names, cursor --------------------------------------------

    def action_digit(self, digit: str) -> None:
        """`1` waits (there may be a `12`); `3` in a class of 25 jumps at once."""
        if not self.ready or self.prompt.is_open:
            return
        candidate = self._digits + digit
        if not 1 <= int(candidate) <= len(self.students):
            candidate = digit  # start over: "3" then "0" with 25 students is not row 30
        if not 1 <= int(candidate) <= len(self.students):
            self._digits = ""
            self._update_detail()
            return
        self._digits = candidate
        if self._jump_timer is not None:
            self._jump_timer.stop()
        if int(candidate) * 10 > len(self.students):
            self._complete_jump()
        else:
            self._jump_timer = self.set_timer(self.app.jump_pause, self._complete_jump)
            self._update_detail()

    def _complete_jump(self) -> None:
        if self._jump_timer is not None:
            self._jump_timer.stop()
            self._jump_timer = None
        if self._digits:
            row, self._digits = int(self._digits) - 1, ""
            self.table.move_cursor(row=row)
            self._update_detail()

    def _jump_to_name(self, text: str) -> None:
        wanted = text.casefold()
        if not wanted:
            return
        for i, student in enumerate(self.students):
            names = (student.fornavn, student.etternavn, student.navn, student.id)
            if any(name.casefold().startswith(wanted) for name in names):
                self.table.move_cursor(row=i)
                return
        self.notify(
            f"Ingen treff på «{text}» i {self.lesson.slot.klasse}.",
            severity="warning",
            markup=False,
        )

    def action_cursor(self, step: int) -> None:
        self._digits = ""
        table = self.table
        table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self._digits:
            self._complete_jump()
        elif event.row_key.value == SAVE_ROW:
            self.action_save()
        else:
            self.action_cursor(1)

    def commands(self) -> list[SystemCommand]:
        found = [
            SystemCommand("Lagre føringen", "Lagre timen (ctrl+s)", self.action_save),
            SystemCommand("Finn elev", "Søk på navn eller elev-id (/)", self.action_search),
        ]
        draft, saved = (self.data.draft if self.data else None), self.saved
        if draft is not None and saved is not None and saved_meanwhile(draft, saved):
            found.append(
                SystemCommand(
                    "Vis utkastet",
                    "Utkastet ditt side om side med det lagrede",
                    lambda: self._offer_draft(draft, saved),
                )
            )
        if self.refusal("melding") is None:
            found.append(
                SystemCommand("Registrer melding", "Melding fra foresatte (m)", self.action_melding)
            )
        return found
