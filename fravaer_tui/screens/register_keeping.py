"""What keeps a roll call: the private draft written as marks are typed, saving, leaving and
quitting that ask first, and the kontaktlærer's judgements on saved absences.

Split from `register.py` (the screen: layout, rows, keys) to keep each module readable;
`RegisterScreen` is the only subclass and provides the rows and the keys used here.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from textual import on, work
from textual.worker import Worker

from fravaer_tui.application.lessons import LessonState
from fravaer_tui.application.rollcall import RegisterData
from fravaer_tui.domain.drafts import Draft
from fravaer_tui.domain.model import Mark, MarkType, Registration, Student, Validity
from fravaer_tui.messages import AbsenceJudged, RollCallSaved
from fravaer_tui.screens.base import DataScreen, failure_text
from fravaer_tui.widgets.prompt import InlinePrompt
from fravaer_tui.widgets.rollcall import RollCallTable


class KeepingRollCall(DataScreen[RegisterData]):
    lesson: LessonState
    students: list[Student]
    marks: dict[str, Mark]
    saved: Registration | None
    data: RegisterData | None
    dirty: bool
    draft_note: str

    def __init__(self) -> None:
        super().__init__()
        self._then: Callable[[], object] | None = None  # after a save: leave, or quit
        self._draft_lock = threading.Lock()
        self._draft_version = 0
        self._saved_marks: dict[str, Mark] | None = None

    # provided by RegisterScreen
    table: RollCallTable
    prompt: InlinePrompt

    def _complete_jump(self) -> None: ...
    def _commit_inline(self) -> bool: ...
    def _refresh(self, student: Student) -> None: ...
    def _refresh_all(self) -> None: ...
    def _update_status(self) -> None: ...
    def _student_for_key(self) -> Student | None: ...

    def _offer_draft(self, draft: Draft, saved: Registration) -> None:
        from fravaer_tui.dialogs.draft import DraftConflictDialog

        def decided(choice: str | None) -> None:
            if choice == "bruk":
                self.marks, self.dirty = draft.marks_by_student(), True
                self.draft_note = f"utkastet fra {draft.tid:%H:%M} er tatt inn, ikke lagret"
                self._refresh_all()
                self._keep_draft()
            elif choice == "forkast":
                self._discard_draft()
                self.draft_note = ""
            else:
                self.draft_note = f"utkast fra {draft.tid:%H:%M} ikke brukt (ctrl+p: utkastet)"
            self._update_status()

        self.app.push_screen(DraftConflictDialog(draft, saved), callback=decided)

    # -- the draft, saving and leaving ---------------------------------------------------

    def _keep_draft(self) -> None:
        self._draft_version += 1
        base = self.saved.tid if self.saved else None
        self._write_draft(dict(self.marks), base, self._draft_version)

    @work(thread=True, exit_on_error=False, group="draft")
    def _write_draft(self, marks: dict[str, Mark], base: dt.datetime | None, version: int) -> None:
        """Only the newest marks are written, and never the ones just saved."""
        slot, dato = self.lesson.slot, self.lesson.dato
        with self._draft_lock:
            if version != self._draft_version or marks == self._saved_marks:
                return
            now = self.app.clock().replace(microsecond=0)
            self.session.drafts.keep(slot.klasse, dato, slot.time, marks.values(), base, now)

    def _discard_draft(self) -> None:
        with self._draft_lock:
            self._draft_version += 1
            slot = self.lesson.slot
            self.session.drafts.discard(slot.klasse, self.lesson.dato, slot.time)

    def action_save(self) -> None:
        self._complete_jump()
        if not self.ready or (self.prompt.is_open and not self._commit_inline()):
            return
        self._save(dict(self.marks), leave=False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def _save(self, marks: dict[str, Mark], leave: bool) -> None:
        """Saves the marks as they were when the key was pressed (the teacher may go on)."""
        slot = self.lesson.slot
        with self._draft_lock:
            saved, _ = self.session.save_registration(
                slot.klasse,
                self.lesson.dato,
                slot.time,
                list(marks.values()),
                self.app.clock().replace(microsecond=0),
            )
            self._saved_marks = marks
        self.post_message(RollCallSaved(saved, marks, leave))

    @on(RollCallSaved)
    def _saved(self, message: RollCallSaved) -> None:
        self.saved = message.saved
        if self.marks == message.sent:  # nothing changed while saving
            self.marks = {m.elev: m for m in self.saved.marks}
            self.dirty, self.draft_note = False, ""
        else:
            self._keep_draft()  # typed on meanwhile: still a draft
        self._refresh_all()
        self.notify(f"{self.lesson.slot.klasse} {self.lesson.slot.time}. time er ført.", timeout=3)
        self.app.run_checker()
        then, self._then = self._then, None
        if message.leave and then is not None:
            then()

    def failed(self, worker: Worker) -> None:
        if worker.group == "save":
            self._then = None
            self.notify(
                f"Føringen ble ikke lagret: {failure_text(worker.error)} Det du har ført står "
                "fortsatt på skjermen, og utkastet er tatt vare på.",
                severity="error",
                timeout=20,
                markup=False,
            )
        else:
            super().failed(worker)

    def action_leave(self) -> None:
        if self._digits:  # esc first drops a row number being typed
            self._digits = ""
            self._update_detail()
            return
        if not self.dirty:
            self.dismiss()
            return
        self.ask_before_leaving(then=self.dismiss)

    def ask_before_leaving(self, then: Callable[[], object], leaving: str = "") -> None:
        """Lagre (then leave), forkast (delete the draft, then leave) or avbryt (stay)."""
        from fravaer_tui.dialogs.unsaved import UnsavedDialog

        slot = self.lesson.slot

        def decided(choice: str | None) -> None:
            if choice == "lagre":
                self._complete_jump()
                if self.prompt.is_open and not self._commit_inline():
                    return
                self._then = then
                self._save(dict(self.marks), leave=True)
            elif choice == "forkast":
                self._discard_draft()
                self.dirty = False
                then()

        what = f"Føringen av {slot.klasse} {slot.time}. time"
        dialog = UnsavedDialog(what, leaving or "går ut av føringen")
        self.app.push_screen(dialog, callback=decided)

    # -- follow-up (kontaktlærer and ledelse) -------------------------------------------

    def action_melding(self) -> None:
        student = self._student_for_key()
        if student is None:
            return
        from fravaer_tui.dialogs.melding import MeldingDialog

        def done(saved: bool | None) -> None:
            if saved:
                self.app.run_checker()  # the screen reloads its words when it is back

        self.app.push_screen(MeldingDialog(student, self.lesson.dato), callback=done)

    def action_ugyldig(self) -> None:
        """`u` on a saved absence: ugyldig; again: the judgement is taken back."""
        student = self._student_for_key()
        if student is None:
            return
        stored = self.saved.mark_for(student.id) if self.saved else None
        current = self.marks.get(student.id)
        name = student.fornavn
        why = None
        if stored is None or stored.kind is None or (current and current.kind != stored.kind):
            if current is not None and current.kind is not None and current.kind.is_absence:
                why = f"Fraværet til {name} er ikke lagret ennå: lagre føringen først (ctrl+s)."
            else:
                why = f"{name} har ikke fravær i denne timen."
        elif stored.kind is MarkType.SENT:
            why = f"{name} kom for sent: det er ikke fravær, og kan ikke vurderes som ugyldig."
        if why:
            self.notify(why, severity="warning", markup=False)
            return
        assert stored is not None
        undo = stored.validity is Validity.UGYLDIG
        self._judge(student.id, None if undo else Validity.UGYLDIG)

    @work(thread=True, exclusive=True, exit_on_error=False, group="judge")
    def _judge(self, elev: str, validity: Validity | None) -> None:
        slot = self.lesson.slot
        saved = self.session.judge_absence(
            slot.klasse,
            self.lesson.dato,
            slot.time,
            elev,
            validity,
            None,
            self.app.clock().replace(microsecond=0),
        )
        self.post_message(AbsenceJudged(elev, saved))

    @on(AbsenceJudged)
    def _judged(self, message: AbsenceJudged) -> None:
        self.saved = message.saved
        student = next(s for s in self.students if s.id == message.elev)
        mark = message.saved.mark_for(message.elev)
        if not self.dirty:
            self.marks = {m.elev: m for m in message.saved.marks}
        self._refresh(student)
        self._update_status()
        if mark is not None and mark.validity is Validity.UGYLDIG:
            self.notify(
                f"Fraværet til {student.navn} er satt til ugyldig (u igjen angrer).", markup=False
            )
        else:
            self.notify(f"Vurderingen av fraværet til {student.navn} er tatt bort.", markup=False)
        self.app.run_checker()
