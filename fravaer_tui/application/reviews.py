"""The regular reviews through the one door (issue 13, point 3): the session's methods.

`Session` takes these in. A review is profile data (who, how often, what it covers); its
periods and deadlines come from `domain.reviews`; the records live in
`<skoleår>/gjennomganger.json`. Who sees and records: `access.may_see_review` and
`access.may_record_review` (ledelsen all; a kontaktlærer their own class's, and sees their
trinn's). «Appears when due in the right person's overview»: a kontaktlærer gets their
classes' reviews, ledelsen the trinn's and the school's, from the start of the semester.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fravaer_tui.domain import access, analysis, reviews
from fravaer_tui.domain.followup import Case, DueStep
from fravaer_tui.domain.model import Remark, Role, class_sort_key, remark_code, trinn_of
from fravaer_tui.domain.profiles import ReviewDef
from fravaer_tui.domain.reviews import Beslutning, Occurrence, ReviewRecord
from fravaer_tui.domain.schoolcalendar import (
    format_date,
    school_year_bounds,
    school_year_name,
    semester_bounds,
)
from fravaer_tui.domain.validate import as_sentence
from fravaer_tui.errors import AccessDenied, UserError

if TYPE_CHECKING:
    from fravaer_tui.application.school import School
    from fravaer_tui.domain.model import Staff, Student
    from fravaer_tui.domain.rules import CheckResult


@dataclass(frozen=True, slots=True)
class StudentFigures:
    """One student in a class review's period: absence as the year report counts it, and
    the lessons with the remark *mangler utstyr*."""

    student: Student
    totals: analysis.Totals
    utstyr: int


@dataclass(frozen=True, slots=True)
class ReviewFigures:
    """What a review needs on the table, up to `til` (the period's end, or today)."""

    occurrence: Occurrence
    til: dt.date
    elever: list[StudentFigures] = field(default_factory=list)  # fravaer, one class
    klasser: list[analysis.ClassFigures] = field(default_factory=list)  # fravaer, trinn/skole
    meldinger: list[tuple[Case, dt.date]] = field(default_factory=list)  # Vedlegg 3 received
    saker: list[Case] = field(default_factory=list)  # open cases
    forfalt: list[DueStep] = field(default_factory=list)  # overdue steps


def _in_scope(review: ReviewDef, scope: str, klasse: str) -> bool:
    if review.omfang == "klasse":
        return klasse == scope
    if review.omfang == "trinn":
        return trinn_of(klasse) == scope
    return True


class ReviewMixin:
    """Mixed into `Session`, which gives it `school`, `user`, `cases`, `due_steps`, `check`."""

    school: School
    user: Staff
    cases: Callable[..., list[Case]]
    due_steps: Callable[..., list[DueStep]]
    check: Callable[[dt.date], CheckResult]

    # -- which reviews, for whom -------------------------------------------------------

    def review_def(self, review_id: str) -> ReviewDef:
        review = self.school.profile.review(review_id)
        if review is None:
            known = ", ".join(r.id for r in self.school.profile.gjennomganger) or "ingen"
            raise UserError(
                f"Regelprofilen «{self.school.profile.navn}» har ingen gjennomgang "
                f"«{review_id}». Gjennomgangene er: {known}."
            )
        return review

    def review_scope(self, review: ReviewDef, klasse: str | None, trinn: str | None) -> str:
        """The class, the trinn or "" (the school) a review is for, checked."""
        classes = self.school.roster.classes
        if review.omfang == "klasse":
            if not klasse:
                raise UserError(f"«{review.tittel}» gjelder én klasse: oppgi --class.")
            if klasse not in classes:
                raise UserError(f"Ukjent klasse «{klasse}». Klassene er: {', '.join(classes)}.")
            return klasse
        if review.omfang == "trinn":
            known = sorted({trinn_of(k) for k in classes if trinn_of(k)}, key=int)
            if not trinn:
                raise UserError(f"«{review.tittel}» gjelder ett trinn: oppgi --trinn.")
            if trinn not in known:
                raise UserError(f"Ukjent trinn «{trinn}». Trinnene er: {', '.join(known)}.")
            return trinn
        return ""

    def my_review_scopes(self, review: ReviewDef) -> list[str]:
        """Where this user is «the right person» for the review (their overview)."""
        user, classes = self.user, self.school.roster.classes
        if review.omfang == "klasse":
            if user.rolle is Role.KONTAKTLAERER:
                return [k for k in classes if k in user.klasser]
            return []
        if not user.rolle.is_ledelse:
            return []
        if review.omfang == "trinn":
            mine = [k for k in classes if k in user.klasser] or list(classes)
            return sorted({trinn_of(k) for k in mine if trinn_of(k)}, key=int)
        return [""]

    def _require_see(self, review: ReviewDef, scope: str) -> None:
        if not access.may_see_review(self.user, review.omfang, scope):
            raise AccessDenied(
                f"{self.user.navn} har ikke tilgang til «{review.tittel}» for "
                f"{reviews.scope_text(review, scope)}."
            )

    def _records(self, dato: dt.date) -> list[ReviewRecord]:
        """This and last school year's records (a review held in August for June)."""
        this = school_year_name(dato)
        last = school_year_name(school_year_bounds(dato)[0] - dt.timedelta(days=1))
        return [*self.school.store.load_reviews(last), *self.school.store.load_reviews(this)]

    def review_occurrences(
        self, review: ReviewDef, scope: str, dato: dt.date, fra: dt.date | None = None
    ) -> list[Occurrence]:
        """The review's periods from `fra` (default: the start of `dato`'s school year) to
        the end of the school year, each with its record."""
        self._require_see(review, scope)
        start, end = school_year_bounds(dato)
        return reviews.occurrences(
            review, scope, self.school.calendar, self._records(dato), fra or start, end
        )

    def due_reviews(self, dato: dt.date, horizon_days: int = 7) -> list[Occurrence]:
        """Reviews due for this user: begun, due within the horizon, or overdue (like
        overdue steps), from the start of the school year (the records' year)."""
        found: list[Occurrence] = []
        records = self._records(dato)
        start = school_year_bounds(dato)[0]
        for review in self.school.profile.gjennomganger:
            for scope in self.my_review_scopes(review):
                occ = reviews.occurrences(
                    review,
                    scope,
                    self.school.calendar,
                    records,
                    start,
                    dato + dt.timedelta(days=62),
                )
                found += reviews.due(occ, dato, horizon_days)
        return sorted(
            found, key=lambda o: (not o.overdue(dato), o.period.frist, o.review.id, o.omfang)
        )

    # -- the figures a review needs --------------------------------------------------------

    def review_figures(
        self, review: ReviewDef, scope: str, dato: dt.date, period: dt.date | None = None
    ) -> ReviewFigures:
        """The figures for the period holding `period` (default: the earliest still open
        one, else the one holding `dato`), up to its end or `dato` if earlier."""
        found = self.review_occurrences(review, scope, dato)
        if period is not None:
            occ = next((o for o in found if o.period.contains(period)), None)
            if occ is None:
                raise UserError(
                    f"Gjennomgangen har ingen periode som omfatter {format_date(period)}."
                )
        else:
            begun = [o for o in found if o.period.fra <= dato]
            open_ = [o for o in begun if o.record is None and o.period.frist <= dato]
            occ = (open_ or [o for o in begun if o.period.contains(dato)] or begun or found)[0]
        til = min(occ.period.til, dato)
        figures = ReviewFigures(occ, til)
        fra = occ.period.fra
        if "fravaer" in review.dekker:
            if review.omfang == "klasse":
                figures.elever.extend(self._class_figures(scope, fra, til))
            else:
                result = self.check(til)
                rules = [r.id for r in self.school.profile.rules]
                classes = analysis.class_figures(self.school.roster, result, rules)
                figures.klasser.extend(c for c in classes if _in_scope(review, scope, c.klasse))
        if {"meldinger_ledelsen", "saker"} & set(review.dekker):
            cases = [c for c in self.cases(til) if _in_scope(review, scope, c.klasse)]
            if "meldinger_ledelsen" in review.dekker:
                figures.meldinger.extend(self._reports(cases, fra, til))
            if "saker" in review.dekker:
                figures.saker.extend(c for c in cases if c.is_open)
                overdue = self.due_steps(til, result=self.check(til))
                figures.forfalt.extend(
                    d for d in overdue if d.overdue and _in_scope(review, scope, d.case.klasse)
                )
        return figures

    def _class_figures(self, klasse: str, fra: dt.date, til: dt.date) -> list[StudentFigures]:
        from fravaer_tui.application.school import load_range

        if not access.may_follow_up(self.user, klasse):
            raise AccessDenied(f"{self.user.navn} har ikke tilgang til fraværet i {klasse}.")
        roster, calendar = self.school.roster, self.school.calendar
        regs = [r for r in load_range(self.school, fra, til).registrations if fra <= r.dato <= til]
        students = roster.students_in_year(klasse, school_year_name(fra))
        out = []
        for student in students:
            totals = analysis.totals(student.id, klasse, roster, calendar, regs, fra, til)
            utstyr = sum(
                1
                for r in regs
                if (m := r.mark_for(student.id)) is not None
                and remark_code(m.merknad) is Remark.MANGLER_UTSTYR
            )
            out.append(StudentFigures(student, totals, utstyr))
        return out

    def _reports(
        self, cases: Iterable[Case], fra: dt.date, til: dt.date
    ) -> list[tuple[Case, dt.date]]:
        """Vedlegg 3 received in the period: recorded steps whose forms include Vedlegg 3."""
        profile = self.school.profile
        with_v3 = {s.id for s in profile.steps if "3" in s.vedlegg}
        found = [
            (c, r.dato)
            for c in cases
            for r in c.steps
            if r.step in with_v3 and fra <= r.dato <= til
        ]
        return sorted(found, key=lambda cr: (cr[1], class_sort_key(cr[0].klasse), cr[0].elev))

    # -- recording a review held ----------------------------------------------------------

    def record_review(
        self,
        review: ReviewDef,
        scope: str,
        held: dt.date,
        now: dt.datetime,
        *,
        period: dt.date | None = None,
        deltakere: Iterable[str] = (),
        notat: str = "",
        beslutninger: Iterable[Beslutning] = (),
    ) -> ReviewRecord:
        """Record a review held on `held` (today or earlier) for the period holding
        `period`, or the earliest one still open (`reviews.period_for`)."""
        if not access.may_record_review(self.user, review.hvem, review.omfang, scope):
            who = (
                "klassens kontaktlærer og ledelsen"
                if review.hvem == "kontaktlaerer"
                else "ledelsen"
            )
            raise AccessDenied(
                f"{self.user.navn} kan ikke føre «{review.tittel}» for "
                f"{reviews.scope_text(review, scope)}: det gjør {who}."
            )
        if held > now.date():
            raise UserError(
                f"{format_date(held)} er fram i tid: en gjennomgang føres når den er holdt."
            )
        # the periods of the semester held in; an earlier one when named (a June review
        # held in August)
        fra = semester_bounds(held)[0]
        if period is not None:
            fra = min(fra, period)
        start, end = min(fra, school_year_bounds(held)[0]), school_year_bounds(held)[1]
        self._require_see(review, scope)
        found = [
            o
            for o in reviews.occurrences(
                review, scope, self.school.calendar, self._records(held), start, end
            )
            if o.period.til >= fra
        ]
        try:
            occ = reviews.period_for(found, held, period)
            record = reviews.new_record(
                f"G{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:4]}",
                occ,
                held,
                self.user.id,
                deltakere=deltakere,
                notat=notat,
                beslutninger=beslutninger,
                tid=now,
            )
        except ValueError as exc:
            raise UserError(as_sentence(str(exc))) from None
        self.school.store.add_review(school_year_name(record.fra), record, self.user.id, now)
        return record
