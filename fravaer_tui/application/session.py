"""The one door: a staff member's session, through which every caller reads and writes.

Screens, the CLI, exports and scripts all go through a `Session`; each method checks the
person's role with the pure rules in `domain.access` before it touches the store. A
faglærer registers any lesson and sees marks for the lessons they teach, but not reasons,
meldinger, the contact log or cases; a kontaktlærer sees all of that for their own
classes; avdelingsleder and rektor see everything; drift runs the school's machinery
(imports, backups, restore, keys) and sees no child's data (DESIGN, Trust).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from fravaer_tui.application import lessons
from fravaer_tui.application.admin import Admin
from fravaer_tui.application.consents import ConsentMixin
from fravaer_tui.application.drafts import Drafts
from fravaer_tui.application.receipts import PendingReceipt, ReceiptMixin
from fravaer_tui.application.reviews import ReviewMixin
from fravaer_tui.application.routine import RoutineMixin
from fravaer_tui.application.school import School, load_range
from fravaer_tui.domain import access, analysis, followup, receipts
from fravaer_tui.domain.followup import Case, CaseStatus, DueStep, DueTask, Effect, Tiltak
from fravaer_tui.domain.model import (
    CancelledLesson,
    Contact,
    Mark,
    Melding,
    Reason,
    Registration,
    Role,
    Slot,
    Staff,
    Student,
    Validity,
)
from fravaer_tui.domain.reviews import Occurrence
from fravaer_tui.domain.rules import Alert, CheckResult
from fravaer_tui.domain.schoolcalendar import (
    format_date,
    school_year_bounds,
    school_year_name,
    semester_bounds,
)
from fravaer_tui.domain.validate import as_sentence
from fravaer_tui.errors import AccessDenied, UserError
from fravaer_tui.store import FileCache

RECENT_DAYS = 5  # school days back for "ikke ført" lessons on the morning overview


@dataclass(frozen=True, slots=True)
class ClassMorning:
    klasse: str
    yesterday: dt.date
    absence_yesterday: list[analysis.DayAbsence]
    absence_today: list[analysis.DayAbsence]
    ikke_meldt: list[analysis.Unreported]
    unregistered: list[analysis.Missing]
    alerts: list[Alert]
    due: list[DueStep]
    # issue 13: meldinger without a receipt to foresatte yet; the class's reviews due
    kvitteringer: list[PendingReceipt] = field(default_factory=list)
    gjennomganger: list[Occurrence] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StudentPage:
    student: Student
    fra: dt.date
    til: dt.date
    heatmap: analysis.Heatmap
    trend: list[analysis.WeekPoint]
    semester: analysis.Totals
    year: analysis.Totals
    marks: list[analysis.MarkRow]
    patterns: list[analysis.Pattern]
    alerts: list[Alert]
    follows_up: bool
    meldinger: list[Melding] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LeaderOverview:
    dato: dt.date
    open_cases: list[Case]
    due: list[DueStep]
    reports: list[tuple[Case, dt.date]]  # Vedlegg 3 reports received (melding_ledelsen done)
    evaluations: list[DueStep]  # plans due for evaluation
    school: analysis.ClassFigures
    classes: list[analysis.ClassFigures]
    unregistered: list[tuple[str, int]]
    # issue 13: the reviews due (ledelsen's: the week's, the trinn's, the school's) and the
    # tracked items due (the helsesykepleier offer …)
    gjennomganger: list[Occurrence] = field(default_factory=list)
    oppgaver: list[DueTask] = field(default_factory=list)


class Session(ConsentMixin, RoutineMixin, ReceiptMixin, ReviewMixin):
    """One user at the keyboard. Every read and write of follow-up data goes through here.

    The samtykke register's methods come from `ConsentMixin` (application/consents.py),
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

    # -- reading ------------------------------------------------------------------

    def _data(self, fra: dt.date, til: dt.date) -> tuple[list[Registration], list[Melding]]:
        data = load_range(self.school, fra, til, self.cache)
        return list(data.registrations), list(data.meldinger)

    def marks(self, elev: str, fra: dt.date, til: dt.date) -> list[analysis.MarkRow]:
        """A faglærer sees only the lessons they teach, and no reasons."""
        student = self._student(elev)
        regs, meldinger = self._data(fra, til)
        if self.follows_up(student.klasse):
            return analysis.mark_rows(elev, self.school.roster, regs, meldinger, fra, til, True)
        mine = [r for r in regs if self._taught_by_me(r)]
        if not mine and not self.teaches(student.klasse):
            raise AccessDenied(f"{self.user.navn} underviser ikke {student.navn}.")
        return analysis.mark_rows(elev, self.school.roster, mine, [], fra, til, False)

    def _taught_by_me(self, reg: Registration) -> bool:
        slot = self.school.roster.slot(reg.klasse, reg.dato.isoweekday(), reg.time)
        return (slot is not None and slot.laerer == self.user.id) or reg.av == self.user.id

    def meldinger(self, elev: str, dato: dt.date) -> list[Melding]:
        student = self._student(elev)
        self.require_follow_up(student.klasse, "meldinger")
        self.log_read(elev, "meldinger")
        year = self.school.store.load_class(school_year_name(dato), student.klasse)
        return sorted(
            (m for m in year.meldinger if m.elev == elev), key=lambda m: m.fra, reverse=True
        )

    def contacts(self, elev: str, dato: dt.date) -> list[Contact]:
        student = self._student(elev)
        self.require_follow_up(student.klasse, "kontaktloggen")
        self.log_read(elev, "kontaktlogg")
        _, contacts = self.school.store.load_followup(school_year_name(dato), student.klasse)
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
                cases, _ = self.school.store.load_followup(year, k)
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
            all_cases, _ = self.school.store.load_followup(year)
            case = next((c for c in all_cases if c.id == case_id), None)
            if case is not None:
                self.require_follow_up(case.klasse, "saker")
                self.log_read(case.elev, "sak")
                return case
        raise UserError(f"Fant ingen sak «{case_id}».")

    def due_steps(
        self, dato: dt.date, horizon_days: int = 0, result: CheckResult | None = None
    ) -> list[DueStep]:
        """`result`: the check of `dato`; without it a step that `krever` a rule (Strand's
        kartleggingssamtale) has no deadline."""
        cases = self.cases(dato)
        return followup.due_steps(
            cases,
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

    def lessons_on(self, dato: dt.date) -> list[lessons.LessonState]:
        self.require_children()
        return lessons.lessons_on(self.school, dato, self.user, self.cache)

    def current_lesson(self, now: dt.datetime) -> Slot | None:
        return lessons.current_lesson(self.school, self.user, now)

    def registration_for(self, klasse: str, dato: dt.date, time: int) -> Registration | None:
        self._require_register(klasse)
        return lessons.registration_for(self.school, klasse, dato, time)

    def marks_on_day(self, klasse: str, dato: dt.date) -> dict[str, list[tuple[int, Mark]]]:
        self._require_register(klasse)
        return lessons.marks_on_day(self.school, klasse, dato)

    def meldt_on(self, klasse: str, dato: dt.date) -> set[str]:
        """Students with a melding covering `dato` (who, not why): absent unless they turn up."""
        self._require_register(klasse)
        return set(lessons.meldinger_on(self.school, klasse, dato))

    def meldinger_on(self, klasse: str, dato: dt.date) -> dict[str, Melding]:
        self.require_follow_up(klasse, "meldinger")
        return lessons.meldinger_on(self.school, klasse, dato)

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
        return self.visible(shared_check(self.school, dato, self.cache).result)

    def morning(
        self, dato: dt.date, result: CheckResult | None = None, now: dt.datetime | None = None
    ) -> list[ClassMorning]:
        """The kontaktlærer's ten minutes: one block per class the user follows up."""
        classes = [k for k in self.followed_classes() if k in self.user.klasser] or (
            self.followed_classes()
        )
        if not classes:
            raise AccessDenied(f"{self.user.navn} er ikke kontaktlærer for noen klasse.")
        calendar = self.school.calendar
        yesterday = calendar.previous_school_day(dato)
        first = dato
        for _ in range(RECENT_DAYS):
            first = calendar.previous_school_day(first)
        regs: list[Registration] = []
        meldinger: list[Melding] = []
        cancelled: list[CancelledLesson] = []
        year = school_year_name(dato)
        months = {(first.year, first.month), (dato.year, dato.month)}
        store = self.school.store
        for klasse in classes:
            for y, m in sorted(months):
                month = store.load_file(store.lesson_path(klasse, dt.date(y, m, 1)))
                regs.extend(month.registrations)
                cancelled.extend(month.cancelled)
            meldinger.extend(
                self.school.store.load_file(
                    self.school.store.meldinger_path(year, klasse)
                ).meldinger
            )
        due = self.due_steps(dato, result=result)
        pending = [  # issue 13: receipts owed, from the meldinger files just read
            PendingReceipt(m, student.klasse_i(year))
            for m in meldinger
            if m.venter_kvittering
            and (m.tid is None or m.tid.date() <= dato)
            and (student := self.school.roster.student(m.elev)) is not None
        ]
        due_reviews = self.due_reviews(dato)
        blocks = []
        roster = self.school.roster
        for klasse in classes:
            alerts = [a for a in (result.alerts if result else ()) if a.klasse == klasse]
            alerts.sort(key=lambda a: (a.forst, a.elev), reverse=True)
            blocks.append(
                ClassMorning(
                    klasse=klasse,
                    yesterday=yesterday,
                    absence_yesterday=analysis.absence_on(klasse, roster, regs, yesterday),
                    absence_today=analysis.absence_on(klasse, roster, regs, dato),
                    ikke_meldt=analysis.ikke_meldt(klasse, roster, regs, meldinger, first, dato),
                    unregistered=analysis.unregistered(
                        roster,
                        calendar,
                        regs,
                        first,
                        dato,
                        klasser=[klasse],
                        ended_by=now,
                        cancelled=cancelled,
                    ),
                    alerts=alerts,
                    due=[d for d in due if d.case.klasse == klasse],
                    kvitteringer=sorted(
                        (p for p in pending if p.klasse == klasse),
                        key=lambda p: (p.melding.tid or dt.datetime.min, p.melding.id),
                    ),
                    gjennomganger=[o for o in due_reviews if o.omfang == klasse],
                )
            )
        return blocks

    def student_page(
        self, elev: str, dato: dt.date, result: CheckResult | None = None
    ) -> StudentPage:
        student = self._student(elev)
        follows = self.follows_up(student.klasse)
        if not follows and not self.teaches(student.klasse):
            raise AccessDenied(f"{self.user.navn} har ikke tilgang til {student.navn}.")
        fra, _ = semester_bounds(dato)
        year_fra, _ = school_year_bounds(dato)
        regs, meldinger = self._data(year_fra, dato)
        roster, calendar = self.school.roster, self.school.calendar
        visible = regs if follows else [r for r in regs if self._taught_by_me(r)]
        page = StudentPage(
            student=student,
            fra=fra,
            til=dato,
            heatmap=analysis.heatmap(elev, student.klasse, roster, calendar, visible, fra, dato),
            trend=analysis.weekly_trend(elev, student.klasse, roster, calendar, visible, fra, dato),
            semester=analysis.totals(elev, student.klasse, roster, calendar, visible, fra, dato),
            year=analysis.totals(elev, student.klasse, roster, calendar, visible, year_fra, dato),
            marks=analysis.mark_rows(
                elev, roster, visible, meldinger if follows else [], fra, dato, follows
            ),
            patterns=analysis.patterns(elev, student.klasse, roster, calendar, visible, fra, dato)
            if follows
            else [],
            alerts=result.alerts_for(elev) if result and follows else [],
            follows_up=follows,
        )
        if not follows:
            return page
        return replace(
            page,
            meldinger=self.meldinger(elev, dato),
            contacts=self.contacts(elev, dato),
            cases=[c for c in self.cases(dato, student.klasse) if c.elev == elev],
        )

    def leader_overview(self, dato: dt.date, result: CheckResult | None = None) -> LeaderOverview:
        self._require_ledelse("ledelsens oversikt")
        result = result or self.check(dato)
        cases = self.cases(dato)
        open_cases = [c for c in cases if c.status is followup.CaseStatus.AAPEN]
        due = self.due_steps(dato, horizon_days=7, result=result)
        reports = [(c, r.dato) for c in open_cases for r in c.steps if r.step == "melding_ledelsen"]
        evaluations = [d for d in due if d.step.naar == "etter"]
        rules = [r.id for r in self.school.profile.rules]
        fra, _ = semester_bounds(dato)
        data = load_range(self.school, fra, dato, self.cache)
        missing = analysis.unregistered(
            self.school.roster,
            self.school.calendar,
            data.registrations,
            fra,
            dato,
            cancelled=data.cancelled,
        )
        return LeaderOverview(
            dato=dato,
            open_cases=open_cases,
            due=[d for d in due if d.frist <= dato],
            reports=sorted(reports, key=lambda cr: cr[1], reverse=True),
            evaluations=evaluations,
            school=analysis.school_figures(self.school.roster, result, rules),
            classes=analysis.class_figures(self.school.roster, result, rules),
            unregistered=analysis.unregistered_by_teacher(missing),
            gjennomganger=self.due_reviews(dato),
            oppgaver=self.due_tasks(dato, horizon_days=7),
        )


def without_reasons(alert: Alert) -> Alert:
    """The alert as a faglærer sees it: the incidents, never why (DESIGN, Trust)."""
    return replace(alert, evidence=tuple(replace(e, reason=None) for e in alert.evidence))


def held_dates(result: CheckResult | None) -> dict[str, dict[str, dt.date]]:
    """Per student, rule id -> the day the rule first held (for deadlines that `krever` it)."""
    held: dict[str, dict[str, dt.date]] = {}
    for alert in result.alerts if result is not None else ():
        held.setdefault(alert.elev, {})[alert.regel] = alert.forst
    return held


def describe_due(step: DueStep) -> str:
    when = "forfalt" if step.overdue else "i dag"
    return f"{step.step.tittel} – frist {format_date(step.frist)} ({when})"
