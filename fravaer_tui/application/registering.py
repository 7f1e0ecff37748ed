"""Registering through the one door: lessons, roll calls, lessons not held, meldinger and
judgements on single absences.

`Session` takes these in. Any teacher registers any lesson (substitutes), and whoever may
register a class sees its marks of the day and who is meldt, not why (`require_register`);
meldinger and judgements, with their reasons, are the class's kontaktlærer's and
ledelsen's (`require_follow_up`). The work itself is in `application/lessons.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from fravaer_tui.application import lessons
from fravaer_tui.domain import receipts
from fravaer_tui.domain.model import Mark, Melding, Reason, Registration, Slot, Validity
from fravaer_tui.domain.schoolcalendar import school_year_name
from fravaer_tui.errors import UserError
from fravaer_tui.store import FileCache

if TYPE_CHECKING:
    from fravaer_tui.application.drafts import Drafts
    from fravaer_tui.application.school import School
    from fravaer_tui.domain.model import Staff, Student


class RegisteringMixin:
    """Mixed into `Session`, which gives it `school`, `user`, `cache`, `drafts`, `_student`,
    `log_read` and the role checks."""

    school: School
    user: Staff
    cache: FileCache
    drafts: Drafts
    _student: Callable[[str], Student]
    require_children: Callable[[], None]
    require_follow_up: Callable[[str, str], None]
    _require_register: Callable[[str], None]
    log_read: Callable[[str, str], None]

    def meldinger(self, elev: str, dato: dt.date) -> list[Melding]:
        student = self._student(elev)
        self.require_follow_up(student.klasse, "meldinger")
        self.log_read(elev, "meldinger")
        year = self.school.store.load_class(school_year_name(dato), student.klasse)
        return sorted(
            (m for m in year.meldinger if m.elev == elev), key=lambda m: m.fra, reverse=True
        )

    def lessons_on(self, dato: dt.date) -> list[lessons.LessonState]:
        self.require_children()
        return lessons.lessons_on(self.school, dato, self.user, self.cache)

    def current_lesson(self, now: dt.datetime) -> Slot | None:
        return lessons.current_lesson(self.school, self.user, now, self.cache)

    def registration_for(self, klasse: str, dato: dt.date, time: int) -> Registration | None:
        self._require_register(klasse)
        return lessons.registration_for(self.school, klasse, dato, time, self.cache)

    def marks_on_day(self, klasse: str, dato: dt.date) -> dict[str, list[tuple[int, Mark]]]:
        self._require_register(klasse)
        return lessons.marks_on_day(self.school, klasse, dato, self.cache)

    def meldt_on(self, klasse: str, dato: dt.date) -> set[str]:
        """Students with a melding covering `dato` (who, not why): absent unless they turn up."""
        self._require_register(klasse)
        return set(lessons.meldinger_on(self.school, klasse, dato, self.cache))

    def meldinger_on(self, klasse: str, dato: dt.date) -> dict[str, Melding]:
        self.require_follow_up(klasse, "meldinger")
        return lessons.meldinger_on(self.school, klasse, dato, self.cache)

    def save_registration(
        self, klasse: str, dato: dt.date, time: int, marks: Iterable[Mark], now: dt.datetime
    ) -> tuple[Registration, Registration | None]:
        """Validate and save one lesson's roll call as this user; returns (saved, replaced)."""
        self._require_register(klasse)
        saved = lessons.save_registration(self.school, klasse, dato, time, marks, self.user.id, now)
        self.drafts.discard(klasse, dato, time)  # saved: the draft has done its work
        return saved

    def set_lesson_held(
        self, klasse: str, dato: dt.date, time: int, held: bool, now: dt.datetime
    ) -> None:
        """Mark a lesson not held (avlyst: trip, exam day), or held after all."""
        from fravaer_tui.application.timetable import set_lesson_held

        self._require_register(klasse)
        set_lesson_held(self.school, klasse, dato, time, held, self.user.id, now)

    def add_melding(
        self,
        elev: str,
        fra: dt.date,
        til: dt.date,
        reason: Reason,
        validity: Validity,
        now: dt.datetime,
        *,
        kanal: str = "",
        legeattest: bool = False,
    ) -> Melding:
        """`kanal`: «skriftlig» or «muntlig» (issue 13); `legeattest`: «legeattest mottatt»."""
        student = self._student(elev)
        self.require_follow_up(student.klasse, "meldinger")
        if kanal:
            try:
                kanal = receipts.parse_kanal(kanal)
            except ValueError as exc:
                raise UserError(f"{exc}.") from None
        return lessons.add_melding(
            self.school,
            self.user,
            elev,
            fra,
            til,
            reason,
            validity,
            now,
            kanal=kanal,
            legeattest=legeattest,
        )

    def judge_absence(
        self,
        klasse: str,
        dato: dt.date,
        time: int,
        elev: str,
        validity: Validity | None,
        reason: Reason | None,
        now: dt.datetime,
    ) -> Registration:
        student = self._student(elev)
        self.require_follow_up(student.klasse, "vurdering av fravær")
        return lessons.judge_absence(
            self.school, self.user, klasse, dato, time, elev, validity, reason, now
        )
