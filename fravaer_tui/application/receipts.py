"""Receipts to foresatte through the one door (issue 13, point 2): the session's methods.

`Session` takes these in. Meldinger are the class's kontaktlærer's and ledelsen's
(`access.may_follow_up`), and so are their receipts. A melding is stored in the school
year file(s) of its dates (one piece per school year, the same id): a receipt or «legeattest
mottatt» is written on every piece, so each year's file tells the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fravaer_tui.domain import receipts
from fravaer_tui.domain.model import Melding, Role, class_sort_key
from fravaer_tui.domain.schoolcalendar import format_date, school_year_bounds, school_year_name
from fravaer_tui.domain.validate import as_sentence
from fravaer_tui.errors import UserError

if TYPE_CHECKING:
    from fravaer_tui.application.school import School
    from fravaer_tui.domain.model import Staff, Student


@dataclass(frozen=True, slots=True)
class PendingReceipt:
    """A melding whose receipt to foresatte has not been given yet."""

    melding: Melding
    klasse: str

    @property
    def siden(self) -> dt.date | None:
        return self.melding.tid.date() if self.melding.tid else None


class ReceiptMixin:
    """Mixed into `Session`, which gives it `school`, `user`, `_student`,
    `require_follow_up`, `log_read` and `followed_classes`."""

    school: School
    user: Staff
    _student: Callable[[str], Student]
    require_follow_up: Callable[[str, str], None]
    log_read: Callable[[str, str], None]
    followed_classes: Callable[[], list[str]]

    def _melding_files(self, student: Student, dato: dt.date) -> list[tuple[str, str]]:
        this = school_year_name(dato)
        last = school_year_name(school_year_bounds(dato)[0] - dt.timedelta(days=1))
        return [(year, student.klasse_i(year)) for year in (this, last)]

    def find_melding(self, elev: str, melding_id: str, dato: dt.date) -> Melding:
        """The student's melding by id (this school year or the one before)."""
        student = self._student(elev)
        self.require_follow_up(student.klasse, "meldinger")
        for year, klasse in self._melding_files(student, dato):
            path = self.school.store.meldinger_path(year, klasse)
            for m in self.school.store.load_file(path).meldinger:
                if m.id == melding_id and m.elev == elev:
                    return m
        raise UserError(
            f"{student.navn} ({elev}) har ingen melding «{melding_id}» i dette eller forrige "
            f"skoleår. Se meldingene med fravaer melding list --student {elev}"
        )

    def signature(self) -> str:
        """Who signs the receipt: «Kari Lærer, kontaktlærer 8A» or «Per Leder, rektor»."""
        role = self.user.rolle.label
        if self.user.rolle is Role.KONTAKTLAERER and self.user.klasser:
            role += " " + ", ".join(self.user.klasser)
        return f"{self.user.navn}, {role}"

    def receipt_text(self, elev: str, melding_id: str, dato: dt.date) -> str:
        """The receipt for foresatte, ready to paste into the school's messaging system."""
        melding = self.find_melding(elev, melding_id, dato)
        student = self._student(elev)
        return receipts.receipt_text(melding, student, self.school.config.navn, self.signature())

    def _change_melding(
        self, elev: str, melding_id: str, change: Callable[[Melding], Melding], now: dt.datetime
    ) -> Melding:
        student = self._student(elev)
        self.require_follow_up(student.klasse, "meldinger")
        self.find_melding(elev, melding_id, now.date())

        def checked(current: Melding) -> Melding:
            try:
                return change(current)
            except ValueError as exc:
                raise UserError(as_sentence(str(exc))) from None

        changed: Melding | None = None
        # a melding across the summer is a piece in each school year's file (same id);
        # permisjon registered ahead may reach into next year's
        start = school_year_bounds(now.date())[1] + dt.timedelta(days=1)
        nxt = school_year_name(start)
        years = [*self._melding_files(student, now.date()), (nxt, student.klasse_i(nxt))]
        for year, klasse in years:
            done = self.school.store.update_melding(
                year, klasse, melding_id, checked, self.user.id, now
            )
            if done is not None:
                changed = changed or done[0]
        assert changed is not None  # find_melding found it
        return changed

    def give_receipt(
        self,
        elev: str,
        melding_id: str,
        hvordan: str,
        now: dt.datetime,
        dato: dt.date | None = None,
    ) -> Melding:
        """Mark the receipt given (how, when — `dato`, default now — and by this user)."""
        try:
            how = receipts.parse_how(hvordan)
        except ValueError as exc:
            raise UserError(f"{exc}.") from None
        if dato is not None and dato > now.date():
            raise UserError(
                f"{format_date(dato)} er fram i tid: en kvittering føres når den er gitt."
            )
        tid = now if dato is None or dato == now.date() else dt.datetime.combine(dato, dt.time(12))
        who = self.user.id
        return self._change_melding(
            elev, melding_id, lambda m: receipts.give(m, how, tid, who), now
        )

    def set_legeattest(self, elev: str, melding_id: str, now: dt.datetime) -> Melding:
        """«Legeattest mottatt» on the melding — that it came, never what it says."""
        return self._change_melding(elev, melding_id, receipts.with_legeattest, now)

    def pending_receipts(self, dato: dt.date, klasse: str | None = None) -> list[PendingReceipt]:
        """Meldinger of this school year without a receipt, in the classes the user
        follows up (a kontaktlærer's own classes first: the morning overview), oldest first."""
        if klasse is not None:
            self.require_follow_up(klasse, "meldinger")
            classes = [klasse]
        else:
            classes = [k for k in self.followed_classes() if k in self.user.klasser] or (
                self.followed_classes()
            )
        year = school_year_name(dato)
        found = []
        for k in sorted(classes, key=class_sort_key):
            path = self.school.store.meldinger_path(year, k)
            for m in self.school.store.load_file(path).meldinger:
                if m.venter_kvittering and (m.tid is None or m.tid.date() <= dato):
                    found.append(PendingReceipt(m, k))
        return sorted(found, key=lambda p: (p.melding.tid or dt.datetime.min, p.melding.id))
