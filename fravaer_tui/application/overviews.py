"""The read models through the one door: the kontaktlærer's morning, a student's page and
ledelsens oversikt, and the marks a user may see.

`Session` takes these in. A faglærer sees the marks of the lessons they teach and no
reasons; the class's kontaktlærer and ledelsen see all (`follows_up`); ledelsens oversikt
is for avdelingsleder and rektor (`_require_ledelse`). The screens turn these into rows
(`application/morning.py`, `application/leaders.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from fravaer_tui.application.receipts import PendingReceipt
from fravaer_tui.application.school import load_range
from fravaer_tui.domain import analysis, followup
from fravaer_tui.domain.followup import Case, DueStep, DueTask
from fravaer_tui.domain.model import CancelledLesson, Contact, Melding, Registration, Student
from fravaer_tui.domain.reviews import Occurrence
from fravaer_tui.domain.rules import Alert, CheckResult
from fravaer_tui.domain.schoolcalendar import school_year_bounds, school_year_name, semester_bounds
from fravaer_tui.errors import AccessDenied
from fravaer_tui.store import FileCache

if TYPE_CHECKING:
    from fravaer_tui.application.school import School
    from fravaer_tui.domain.model import Staff

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


class OverviewsMixin:
    """Mixed into `Session`, which gives it `school`, `user`, `cache`, the role checks,
    `_student`, `check`, the cases, contacts and meldinger, and the reviews and tasks due."""

    school: School
    user: Staff
    cache: FileCache
    _student: Callable[[str], Student]
    follows_up: Callable[[str], bool]
    followed_classes: Callable[[], list[str]]
    teaches: Callable[[str], bool]
    _require_ledelse: Callable[[str], None]
    check: Callable[[dt.date], CheckResult]
    cases: Callable[..., list[Case]]
    due_steps: Callable[..., list[DueStep]]
    meldinger: Callable[[str, dt.date], list[Melding]]
    contacts: Callable[[str, dt.date], list[Contact]]
    due_reviews: Callable[[dt.date], list[Occurrence]]
    due_tasks: Callable[..., list[DueTask]]

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
        view = analysis.StudentView(elev, student.klasse, roster, calendar, visible)
        page = StudentPage(
            student=student,
            fra=fra,
            til=dato,
            heatmap=view.heatmap(fra, dato),
            trend=view.weekly_trend(fra, dato),
            semester=view.totals(fra, dato),
            year=view.totals(year_fra, dato),
            marks=analysis.mark_rows(
                elev, roster, visible, meldinger if follows else [], fra, dato, follows
            ),
            patterns=analysis.student_patterns(view, fra, dato) if follows else [],
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
        due = self.due_steps(dato, horizon_days=7, result=result, cases=cases)
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
            oppgaver=self.due_tasks(dato, horizon_days=7, cases=cases),
        )
