"""The case's parts beyond the staircase (issue 13), through the one door.

`Session` takes these in: Strand's stafettholder (BTI c), the tracked items beside a step
(the helsesykepleier offer with its 14 days, PPT notified: profile `oppgaver`), and the
consent each step and item needs, shown and warned about. Who may: the class's
kontaktlærer and ledelsen (`access.may_follow_up`), as for the case itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fravaer_tui.domain import consent, followup
from fravaer_tui.domain.consent import ConsentStatus, Service
from fravaer_tui.domain.followup import Case, DueTask, StepState, TaskState
from fravaer_tui.domain.profiles import TaskDef
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.errors import UserError

if TYPE_CHECKING:
    from fravaer_tui.application.school import School
    from fravaer_tui.domain.consent import Samtykke
    from fravaer_tui.domain.model import Staff, Student


@dataclass(frozen=True, slots=True)
class CaseConsents:
    """The consent each step and tracked item of a case needs, at one date."""

    steps: dict[int, list[ConsentStatus]]  # index in the staircase -> statuses
    tasks: dict[str, list[ConsentStatus]]  # task id -> statuses

    @property
    def missing(self) -> list[ConsentStatus]:
        seen: dict[Service, ConsentStatus] = {}
        for found in (*self.steps.values(), *self.tasks.values()):
            for status in found:
                if not status.on_file:
                    seen.setdefault(status.tjeneste, status)
        return list(seen.values())


NOT_APPLICABLE = "ikke_aktuelt"  # a task's outcome: the service was not brought in


def task_line(state: TaskState, *, with_id: bool = False) -> str:
    """«Samtale med helsesykepleier tilbudt – frist 04.12.2026 (forfalt)» or «– gjort …»;
    `with_id` adds the item's id, which the command line asks for («(helsesykepleier_tilbud)»)."""
    line = f"{state.task.tittel} ({state.task.id})" if with_id else state.task.tittel
    if state.record is not None:
        outcome = state.task.outcome(state.record.utfall) if state.record.utfall else None
        line += f" – gjort {format_date(state.record.dato)}"
        if outcome is not None:
            line += f": {outcome.tittel}"
    elif state.frist is not None:
        line += f" – frist {format_date(state.frist)}"
        if state.overdue:
            line += " (forfalt)"
    else:
        line += " – ingen fast frist"
    return line


def task_needs_consent(state: TaskState) -> bool:
    """A task brings its services in, unless it was recorded as not applicable (Strand,
    Ledelsens ansvar c: PPT is notified only «dersom eleven allerede er i kontakt med PPT»)."""
    done_without = state.record is not None and state.record.utfall == NOT_APPLICABLE
    return bool(state.task.samtykke) and not done_without


def step_services(state: StepState) -> list[Service]:
    """The services a step brings in: the profile's list, and those its record names."""
    services = list(state.step.samtykke)
    if state.record is not None:
        services += list(state.record.tjenester)
    return list(dict.fromkeys(services))


class RoutineMixin:
    """Mixed into `Session`, which gives it `school`, `user`, `_student`, `cases`,
    `open_case_of`, `_change` and the consent methods."""

    school: School
    user: Staff
    _student: Callable[[str], Student]
    _load_consents: Callable[[Student, dt.date], list[Samtykke]]
    cases: Callable[..., list[Case]]
    open_case_of: Callable[[str, dt.date], Case | None]
    _change: Callable[[Case, Callable[[Case], Case], dt.datetime], Case]
    require_follow_up: Callable[[str, str], None]

    def _open_case(self, elev: str, dato: dt.date) -> Case:
        case = self.open_case_of(elev, dato)
        if case is None:
            raise UserError(
                f"Eleven «{elev}» har ingen åpen sak. Åpne en med "
                f"fravaer case open --student {elev}"
            )
        return case

    def set_stafettholder(self, elev: str, hvem: str, fra: dt.date, now: dt.datetime) -> Case:
        """Strand, BTI c: the stafettholder of the student's open case, from `fra`."""
        if fra > now.date():
            raise UserError(
                f"{format_date(fra)} er fram i tid: før stafettholderen når det er avtalt."
            )
        case = self._open_case(elev, now.date())
        who = self.user.id
        return self._change(case, lambda c: followup.set_stafettholder(c, hvem, fra, who), now)

    def record_task(
        self,
        elev: str,
        task_id: str,
        dato: dt.date,
        now: dt.datetime,
        utfall: str = "",
        notat: str = "",
    ) -> tuple[Case, TaskDef]:
        """A tracked item of the student's open case done on `dato` (today or earlier)."""
        if dato > now.date():
            raise UserError(
                f"{format_date(dato)} er fram i tid: en oppgave føres når den er gjort."
            )
        case = self._open_case(elev, dato)
        profile, who = self.school.profile, self.user.id
        changed = self._change(
            case, lambda c: followup.record_task(c, profile, task_id, dato, who, utfall, notat), now
        )
        task = next(t for s in profile.steps for t in s.oppgaver if t.id == task_id)
        return changed, task

    def task_states(self, case: Case, dato: dt.date) -> list[TaskState]:
        self.require_follow_up(case.klasse, "saker")
        return followup.task_states(case, self.school.profile, self.school.calendar, dato)

    def due_tasks(
        self, dato: dt.date, horizon_days: int = 0, cases: list[Case] | None = None
    ) -> list[DueTask]:
        """Tracked items due by `dato` + horizon in the cases the user may see (`cases`:
        those, when the caller has them already)."""
        found = self.cases(dato) if cases is None else cases
        return followup.due_tasks(
            found, self.school.profile, self.school.calendar, dato, horizon_days
        )

    def case_consents(
        self, case: Case, states: list[StepState], tasks: list[TaskState], dato: dt.date
    ) -> CaseConsents:
        """Whether the consent each step and item brings in is on file at `dato`."""
        self.require_follow_up(case.klasse, "saker")
        student = self._student(case.elev)
        found = self._load_consents(student, dato)
        steps = {
            i: consent.statuses(step_services(s), found, case.elev, dato)
            for i, s in enumerate(states)
            if step_services(s)
        }
        items = {
            t.task.id: consent.statuses(list(t.task.samtykke), found, case.elev, dato)
            for t in tasks
            if task_needs_consent(t)
        }
        return CaseConsents(steps, items)
