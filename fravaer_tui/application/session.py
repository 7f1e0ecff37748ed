"""The one door: a staff member's session, through which every caller reads and writes.

Screens, the CLI, exports and scripts all go through a `Session`; each method checks the
person's role with the pure rules in `domain.access` before it touches the store. A
faglærer registers any lesson and sees marks for the lessons they teach, but not reasons,
meldinger, the contact log or cases; a kontaktlærer sees all of that for their own
classes; avdelingsleder and rektor see everything; drift runs the school's machinery
(imports, backups, restore, keys) and sees no child's data (DESIGN, Trust).

This module holds the door itself: who the user is, the role checks, and the threshold
check as this user may see it (`visible`). The session's other methods live one module a
topic and are mixed in: `casework` (cases and the contact log), `registering` (lessons,
roll calls, meldinger), `overviews` (the morning, a student's page, ledelsens oversikt),
`consents`, `routine`, `receipts` and `reviews`. The names they held here are still
importable from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from fravaer_tui.application.admin import Admin
from fravaer_tui.application.casework import CaseworkMixin, describe_due, held_dates
from fravaer_tui.application.consents import ConsentMixin
from fravaer_tui.application.drafts import Drafts
from fravaer_tui.application.overviews import (
    RECENT_DAYS,
    ClassMorning,
    LeaderOverview,
    OverviewsMixin,
    StudentPage,
)
from fravaer_tui.application.receipts import ReceiptMixin
from fravaer_tui.application.registering import RegisteringMixin
from fravaer_tui.application.reviews import ReviewMixin
from fravaer_tui.application.routine import RoutineMixin
from fravaer_tui.application.school import School
from fravaer_tui.domain import access
from fravaer_tui.domain.model import Role, Staff, Student
from fravaer_tui.domain.rules import Alert, CheckResult
from fravaer_tui.errors import AccessDenied, UserError
from fravaer_tui.store import FileCache

__all__ = [
    "RECENT_DAYS",
    "AccessDenied",
    "ClassMorning",
    "LeaderOverview",
    "Session",
    "StudentPage",
    "describe_due",
    "held_dates",
    "without_reasons",
]


class Session(
    CaseworkMixin,
    RegisteringMixin,
    OverviewsMixin,
    ConsentMixin,
    RoutineMixin,
    ReceiptMixin,
    ReviewMixin,
):
    """One user at the keyboard. Every read and write of follow-up data goes through here.

    Cases and the contact log come from `CaseworkMixin` (application/casework.py), lessons
    and meldinger from `RegisteringMixin` (application/registering.py), the morning, the
    student's page and ledelsens oversikt from `OverviewsMixin` (application/overviews.py),
    the samtykke register's methods from `ConsentMixin` (application/consents.py),
    the stafettholder and the tracked items from `RoutineMixin` (application/routine.py),
    the receipts to foresatte from `ReceiptMixin` (application/receipts.py), the regular
    reviews from `ReviewMixin` (application/reviews.py)."""

    def __init__(
        self,
        school: School,
        user: Staff,
        cache: FileCache | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.school = school
        self.user = user
        self.clock = clock
        self.cache = cache or FileCache()
        self._visible: set[str] | None = None
        self.admin = Admin(self)
        self.drafts = Drafts(self)

    # -- who may see what -------------------------------------------------------

    @property
    def is_ledelse(self) -> bool:
        return self.user.rolle.is_ledelse

    def follows_up(self, klasse: str) -> bool:
        return access.may_follow_up(self.user, klasse)

    def followed_classes(self) -> list[str]:
        return [k for k in self.school.roster.classes if self.follows_up(k)]

    def teaches(self, klasse: str) -> bool:
        return access.teaches(self.school.roster, self.user, klasse)

    def require_children(self) -> None:
        """Drift keeps the machinery running and sees no child's data."""
        if not access.may_use_children_data(self.user):
            raise AccessDenied(
                f"{self.user.navn} ({self.user.rolle.label}) har ikke tilgang til elevenes "
                "data. Drift kan importere, ta og gjenopprette sikkerhetskopier, styre nøkler "
                "og sjekke loggen (fravaer audit --verify)."
            )

    def log_read(self, elev: str, what: str) -> None:
        """Looking at one student's reasons, case or documents is logged: who, whom, when
        (once per person, student and day; ledelsen lists them with `audit --innsyn`)."""
        clock = self.clock or self.school.store.clock
        if clock is None:
            raise RuntimeError("a session that reads a student's case or reasons needs a clock")
        self.school.store.log.log_read(self.user.id, elev, what, clock())

    def require_admin(self, op: access.Admin) -> None:
        if not access.may_admin(self.user, op):
            raise AccessDenied(
                f"{self.user.navn} ({self.user.rolle.label}) har ikke lov til å "
                f"{access.ADMIN_WORDS[op]}: det kan bare {access.who_may_admin(op)}."
            )

    def _student(self, elev: str) -> Student:
        student = self.school.roster.student(elev)
        if student is None:
            raise UserError(f"Ukjent elev «{elev}».")
        return student

    def require_follow_up(self, klasse: str, what: str) -> None:
        if not self.follows_up(klasse):
            raise AccessDenied(
                f"{self.user.navn} har ikke tilgang til {what} i {klasse}: bare klassens "
                "kontaktlærer og ledelsen har det."
            )

    def _require_ledelse(self, what: str) -> None:
        if not self.is_ledelse:
            raise AccessDenied(f"Bare avdelingsleder og rektor har tilgang til {what}.")

    def audit_entries(self) -> list[dict]:
        """The whole audit log, oldest first: for avdelingsleder and rektor only."""
        self.require_admin(access.Admin.AUDIT_READ)
        return self.school.store.log.read()

    # -- registering a lesson (any teacher: substitutes) -----------------------------

    def require_register(self, klasse: str) -> None:
        self.require_children()
        if not access.may_register(self.user, klasse, self.school.roster):
            if self.user.rolle is Role.MILJOPERSONALE:
                raise AccessDenied(
                    f"{self.user.navn} (miljøpersonale) fører timer i klassene sine "
                    f"({', '.join(self.user.klasser) or 'ingen'}), ikke i {klasse}."
                )
            raise AccessDenied(f"{self.user.navn} kan ikke føre timer.")

    _require_register = require_register

    # -- documents for the elevmappe (exports.py checks the class for each) --------------

    def export_vedlegg(
        self, elev: str, nr: int | str, dato: dt.date, out: Path | None, now: dt.datetime
    ) -> tuple[Path, str]:
        """Fill form `nr` (Vedlegg 1–4, or a form's name: Hole's samarbeidsavtale,
        pedagogisk_rapport) from the student's case; returns the file and any warning."""
        from fravaer_tui.application import exports  # python-docx only when exporting

        self.require_children()
        path, report = exports.export_vedlegg(self.school, self, elev, nr, dato, out, now=now)
        return path, exports.fill_warning(report)

    def export_report(
        self,
        elev: str | None,
        klasse: str | None,
        dato: dt.date,
        out: Path | None,
        now: dt.datetime,
    ) -> list[Path]:
        from fravaer_tui.application import exports

        self.require_children()
        return exports.export_report(
            self.school, self, elev=elev, klasse=klasse, dato=dato, out=out, now=now
        )

    # -- the threshold check, as this user may see it ----------------------------------

    def _visible_classes(self) -> set[str]:
        if self._visible is None:
            roster = self.school.roster
            self._visible = {
                k for k in roster.classes if access.may_see_alerts(roster, self.user, k)
            }
        return self._visible

    def visible(self, result: CheckResult) -> CheckResult:
        """Alerts for the classes the user teaches or follows up; reasons only where they
        follow up (a faglærer sees who crossed a threshold, not why)."""
        classes = self._visible_classes()
        alerts = tuple(
            a if self.follows_up(a.klasse) else without_reasons(a)
            for a in result.alerts
            if a.klasse in classes
        )
        figures = {e: f for e, f in result.figures.items() if f.klasse in classes}
        return replace(result, alerts=alerts, figures=figures)

    def check(self, dato: dt.date) -> CheckResult:
        """The check as this user may see it, from the results all sessions share."""
        from fravaer_tui.application.checker import shared_check

        self.require_children()
        classes = self._visible_classes()
        followed = {k for k in classes if self.follows_up(k)}
        shared = shared_check(self.school, dato, self.cache, classes, followed)
        return self.visible(shared.result)  # read without the reasons it may not see

    def flagged_in(self, klasse: str, dato: dt.date) -> frozenset[str]:
        """The students of `klasse` with an alert at `dato`, as this user may see them: one
        class read from the shared results, for a roll call's first frame (the whole check
        comes after it, and then changes no row that was already right)."""
        self.require_children()
        if klasse not in self._visible_classes():
            return frozenset()
        from fravaer_tui.application.checker import flagged

        return frozenset(flagged(self.school, dato, klasse, self.cache))


def without_reasons(alert: Alert) -> Alert:
    """The alert as a faglærer sees it: the incidents, never why (DESIGN, Trust)."""
    if all(e.reason is None for e in alert.evidence):
        return alert  # read without them already (`Session.check`)
    return replace(alert, evidence=tuple(e._replace(reason=None) for e in alert.evidence))
