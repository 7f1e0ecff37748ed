"""Follow-up through the one door: cases, their steps and tiltak, and the contact log.

`Session` takes these in (`class Session(CaseworkMixin, …)`). Who may: the class's
kontaktlærer and ledelsen (`access.may_follow_up`, through `require_follow_up`), checked
by every method before it reads or writes; reading a case or the contact log is logged
(`log_read`). A case is changed as stored now, inside the lock (`_change`), by the case
(the TUI) or by the student (the CLI, issue 11).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from fravaer_tui.domain import followup
from fravaer_tui.domain.followup import Case, CaseStatus, DueStep, Effect, Tiltak
from fravaer_tui.domain.model import Contact, Melding, Registration
from fravaer_tui.domain.rules import Alert, CheckResult
from fravaer_tui.domain.schoolcalendar import format_date, school_year_bounds, school_year_name
from fravaer_tui.domain.validate import as_sentence
from fravaer_tui.errors import UserError

if TYPE_CHECKING:
    from fravaer_tui.application.school import School
    from fravaer_tui.domain.model import Staff, Student


class CaseworkMixin:
    """Mixed into `Session`, which gives it `school`, `user`, the role checks, `_student`,
    `log_read`, `followed_classes`, `check` and `_data`."""

    school: School
    user: Staff
    _student: Callable[[str], Student]
    require_follow_up: Callable[[str, str], None]
    log_read: Callable[[str, str], None]
    followed_classes: Callable[[], list[str]]
    check: Callable[[dt.date], CheckResult]
    _data: Callable[[dt.date, dt.date], tuple[list[Registration], list[Melding]]]

    def contacts(self, elev: str, dato: dt.date) -> list[Contact]:
        student = self._student(elev)
        self.require_follow_up(student.klasse, "kontaktloggen")
        self.log_read(elev, "kontaktlogg")
        contacts = self.school.store.load_contacts(school_year_name(dato), student.klasse)
        return sorted((c for c in contacts if c.elev == elev), key=lambda c: c.tid, reverse=True)

    def _years(self, dato: dt.date) -> list[str]:
        """A case lives in the school year it was opened; open ones carry over the summer."""
        this = school_year_name(dato)
        last = school_year_name(school_year_bounds(dato)[0] - dt.timedelta(days=1))
        return [last, this]

    def _load_cases(self, dato: dt.date, klasse: str | None) -> list[Case]:
        this = school_year_name(dato)
        found: list[Case] = []
        classes = [klasse] if klasse is not None else self.followed_classes()
        for year in self._years(dato):
            for k in classes:
                cases = self.school.store.load_cases(year, k)
                found += [c for c in cases if year == this or c.status is CaseStatus.AAPEN]
        return found

    def cases(self, dato: dt.date, klasse: str | None = None) -> list[Case]:
        """Cases the user may see (own classes, or all for ledelse), newest first: this
        school year's, and last year's still open."""
        if klasse is not None:
            self.require_follow_up(klasse, "saker")
        found = self._load_cases(dato, klasse)
        return sorted(found, key=lambda c: (c.opprettet, c.id), reverse=True)

    def case(self, case_id: str, dato: dt.date) -> Case:
        for year in reversed(self._years(dato)):
            all_cases = self.school.store.load_cases(year)
            case = next((c for c in all_cases if c.id == case_id), None)
            if case is not None:
                self.require_follow_up(case.klasse, "saker")
                self.log_read(case.elev, "sak")
                return case
        raise UserError(f"Fant ingen sak «{case_id}».")

    def due_steps(
        self,
        dato: dt.date,
        horizon_days: int = 0,
        result: CheckResult | None = None,
        cases: list[Case] | None = None,
    ) -> list[DueStep]:
        """`result`: the check of `dato`; without it a step that `krever` a rule (Strand's
        kartleggingssamtale) has no deadline. `cases`: `self.cases(dato)`, when the caller
        has them already."""
        return followup.due_steps(
            self.cases(dato) if cases is None else cases,
            self.school.profile,
            self.school.calendar,
            dato,
            horizon_days,
            held=held_dates(result),
        )

    # -- changing follow-up data ---------------------------------------------------

    def open_case(self, alert: Alert, dato: dt.date, now: dt.datetime) -> Case:
        self.require_follow_up(alert.klasse, "saker")
        existing = [
            c
            for c in self.cases(dato, alert.klasse)
            if c.elev == alert.elev and c.status is followup.CaseStatus.AAPEN
        ]
        if existing:
            return existing[0]
        case = followup.open_case(
            alert.elev,
            alert.klasse,
            alert.regel,
            alert.nyeste,  # the first step starts at the newest incident (issue 11)
            self.school.profile,
            dato,
            self.user.id,
            f"S{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:4]}",
        )
        self.school.store.put_case(school_year_name(case.opprettet), case, self.user.id, now)
        return case

    def _change(self, case: Case, change: Callable[[Case], Case], now: dt.datetime) -> Case:
        """Apply `change` to the case as stored now (inside the lock), in its own year's file."""
        self.require_follow_up(case.klasse, "saker")

        def apply(current: Case | None) -> Case:
            if current is None:
                raise UserError(f"Fant ingen sak «{case.id}».")
            try:
                return change(current)
            except ValueError as exc:
                raise UserError(as_sentence(str(exc))) from None

        year = school_year_name(case.opprettet)
        changed, _ = self.school.store.update_case(
            year, case.klasse, case.id, apply, self.user.id, now
        )
        return changed

    def record_step(
        self,
        case: Case,
        step_id: str,
        dato: dt.date,
        now: dt.datetime,
        notat: str = "",
        effect: Effect | None = None,
        utfall: str = "",
        deltakere: Iterable[str] = (),
        tjenester: Iterable[str] = (),
    ) -> Case:
        """`deltakere`: who took part; `tjenester`: the services the step brought in."""
        profile, who = self.school.profile, self.user.id
        people, services = tuple(deltakere), tuple(tjenester)
        return self._change(
            case,
            lambda c: followup.record_step(
                c, profile, step_id, dato, who, notat, effect, utfall, people, services
            ),
            now,
        )

    def add_tiltak(self, case: Case, tiltak: Tiltak, dato: dt.date, now: dt.datetime) -> Case:
        return self._change(case, lambda c: followup.add_tiltak(c, tiltak), now)

    def close_case(self, case: Case, dato: dt.date, now: dt.datetime, notat: str = "") -> Case:
        who = self.user.id
        return self._change(case, lambda c: followup.close_case(c, dato, who, notat), now)

    def reopen_case(self, case: Case, dato: dt.date, now: dt.datetime, notat: str = "") -> Case:
        who = self.user.id
        return self._change(case, lambda c: followup.reopen_case(c, dato, who, notat), now)

    def set_fields(
        self,
        case: Case,
        values: dict[str, str],
        dato: dt.date,
        now: dt.datetime,
        target: str = "svar",
    ) -> Case:
        """Answers (`svar`, vedlegg 1–2) or form fields (`felt`, vedlegg 3–4) as typed.

        Only the fields given are changed, on the case as stored now, so two screens typing
        into one case lose nothing.
        """

        def merge(current: Case) -> Case:
            merged = dict(getattr(current, target)) | values
            return replace(current, **{target: tuple(sorted(merged.items()))})

        return self._change(case, merge, now)

    def effect(self, case: Case, skille: dt.date, dager: int, til: dt.date) -> Effect:
        self.require_follow_up(case.klasse, "saker")
        regs, _ = self._data(skille - dt.timedelta(days=dager), til)
        try:
            return followup.effect_of(
                case.elev,
                case.klasse,
                self.school.roster,
                self.school.calendar,
                regs,
                skille,
                dager,
                til,
            )
        except ValueError as exc:
            raise UserError(str(exc)) from None

    def log_contact(
        self, elev: str, hva: str, utfall: str, notat: str, now: dt.datetime
    ) -> Contact:
        student = self._student(elev)
        self.require_follow_up(student.klasse, "kontaktloggen")
        self.log_read(elev, "kontaktlogg")
        contact = Contact(
            id=f"K{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:4]}",
            elev=elev,
            tid=now,
            av=self.user.id,
            hva=hva,
            utfall=utfall,
            notat=notat.strip(),
        )
        self.school.store.add_contact(school_year_name(now.date()), student.klasse, contact, now)
        return contact

    # -- cases and contacts by student (the CLI, issue 11) ---------------------------

    def open_case_for(self, elev: str, dato: dt.date, now: dt.datetime) -> Case:
        """Open a case from the student's alert at `dato` with the newest incident (or
        return the open case the student has)."""
        student = self._student(elev)
        self.require_follow_up(student.klasse, "saker")
        alerts = self.check(dato).alerts_for(elev)
        if not alerts:
            existing = self.open_case_of(elev, dato)
            if existing is not None:
                return existing
            raise UserError(
                f"{student.navn} ({elev}) har ingen varsler per {format_date(dato)}: en sak "
                "åpnes fra et varsel."
            )
        order = {r.id: i for i, r in enumerate(self.school.profile.rules)}
        alert = max(alerts, key=lambda a: (a.nyeste, -order.get(a.regel, 0)))
        return self.open_case(alert, dato, now)

    def open_case_of(self, elev: str, dato: dt.date) -> Case | None:
        """The student's open case, or None."""
        student = self._student(elev)
        found = [c for c in self.cases(dato, student.klasse) if c.elev == elev and c.is_open]
        return found[0] if found else None

    def case_of(self, elev: str, dato: dt.date) -> Case:
        """The student's open case, else the newest closed one; a message if none."""
        student = self._student(elev)
        found = [c for c in self.cases(dato, student.klasse) if c.elev == elev]
        found.sort(key=lambda c: (c.is_open, c.opprettet, c.id), reverse=True)
        if not found:
            raise UserError(
                f"{student.navn} ({elev}) har ingen sak. Åpne en med "
                f"fravaer case open --student {elev}"
            )
        return found[0]

    def record_next_step(
        self,
        elev: str,
        dato: dt.date,
        now: dt.datetime,
        notat: str = "",
        utfall: str = "",
        deltakere: Iterable[str] = (),
        tjenester: Iterable[str] = (),
        with_effect: bool = False,
    ) -> tuple[Case, followup.StepDef]:
        """Record the next step of the student's open case on `dato`. `with_effect`: an
        evaluation (a step that takes place `etter` its time) gets the effect of what it
        evaluates computed, as the TUI's step dialog does (issue 13)."""
        if dato > now.date():
            raise UserError(f"{format_date(dato)} er fram i tid: et trinn føres når det er gjort.")
        case = self.open_case_of(elev, dato)
        if case is None:
            raise UserError(
                f"Eleven «{elev}» har ingen åpen sak. Åpne en med "
                f"fravaer case open --student {elev}"
            )
        step = followup.next_step(case, self.school.profile)
        if step is None:
            raise UserError("Alle trinnene i saken er ført; det er ingen flere trinn å føre.")
        effect = None
        if with_effect and step.naar == "etter" and case.steps:
            since = case.steps[-1].dato  # the plan or tiltak the evaluation looks back on
            try:
                effect = self.effect(case, since, max(7, (dato - since).days), dato)
            except UserError:
                effect = None  # no lessons to compare in a window: recorded without
        changed = self.record_step(
            case,
            step.id,
            dato,
            now,
            notat,
            effect,
            utfall=utfall,
            deltakere=deltakere,
            tjenester=tjenester,
        )
        return changed, step

    def log_contact_on(
        self,
        elev: str,
        dato: dt.date,
        notat: str,
        now: dt.datetime,
        hva: str = "ringt foresatte",
        utfall: str = "snakket med foresatte",
    ) -> Contact:
        """A contact with foresatte on `dato` (today: now; an earlier day: logged after)."""
        if dato > now.date():
            raise UserError(f"{format_date(dato)} er fram i tid: en kontakt føres når den er tatt.")
        tid = now if dato == now.date() else dt.datetime.combine(dato, dt.time(12))
        student = self._student(elev)
        self.require_follow_up(student.klasse, "kontaktloggen")
        contact = Contact(
            id=f"K{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:4]}",
            elev=elev,
            tid=tid,
            av=self.user.id,
            hva=hva,
            utfall=utfall,
            notat=notat.strip(),
        )
        self.school.store.add_contact(school_year_name(dato), student.klasse, contact, now)
        return contact


def held_dates(result: CheckResult | None) -> dict[str, dict[str, dt.date]]:
    """Per student, rule id -> the day the rule first held (for deadlines that `krever` it)."""
    held: dict[str, dict[str, dt.date]] = {}
    for alert in result.alerts if result is not None else ():
        held.setdefault(alert.elev, {})[alert.regel] = alert.forst
    return held


def describe_due(step: DueStep) -> str:
    when = "forfalt" if step.overdue else "i dag"
    return f"{step.step.tittel} – frist {format_date(step.frist)} ({when})"
