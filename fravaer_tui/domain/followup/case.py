"""The case (sak) as values: its steps, tiltak, events, stafettholder and tracked items,
and the states the staircase shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from fravaer_tui.domain.consent import Service
from fravaer_tui.domain.followup.effect import Effect
from fravaer_tui.domain.profiles import StepDef
from fravaer_tui.domain.schoolcalendar import ONE_DAY


class CaseStatus(StrEnum):
    AAPEN = "aapen"
    LUKKET = "lukket"


@dataclass(frozen=True, slots=True)
class Tiltak:
    """A measure agreed in the case: what, who is responsible, from when and for how long."""

    id: str
    hva: str
    hvem: str
    fra: dt.date
    uker: int
    fra_vedlegg5: bool = False

    @property
    def til(self) -> dt.date:
        """The last day of the trial: `uker` whole weeks from `fra`."""
        return self.fra + dt.timedelta(weeks=self.uker) - ONE_DAY


@dataclass(frozen=True, slots=True)
class StepRecord:
    step: str  # StepDef.id from the profile
    dato: dt.date  # when it was done
    av: str  # staff id
    notat: str = ""
    effect: Effect | None = None
    utfall: str = ""  # the outcome the step decided (Outcome.id), if it decides one
    # who took part (a meeting: Strand's samhandlingsmøte, Hole's samarbeidsmøte), and the
    # services the step brought in (their consent is shown and warned about)
    deltakere: tuple[str, ...] = ()
    tjenester: tuple[Service, ...] = ()


@dataclass(frozen=True, slots=True)
class Stafettholder:
    """Strand, BTI c: «Det skal utpekes en stafettholder med ansvar for koordineringen av
    tjenestene» — who, and from when (a new one replaces the one before)."""

    hvem: str
    fra: dt.date
    av: str  # staff id who recorded it


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """A tracked item done: which (TaskDef.id), when, by whom, its outcome and a note."""

    oppgave: str
    dato: dt.date
    av: str
    utfall: str = ""
    notat: str = ""


@dataclass(frozen=True, slots=True)
class CaseEvent:
    hva: str  # "opprettet" | "lukket" | "gjenapnet"
    dato: dt.date
    av: str
    notat: str = ""


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    elev: str
    klasse: str
    profil: str
    regel: str  # rule id of the alert that opened it
    varsel_dato: dt.date  # the alert's newest incident (Alert.siste): start of step 1
    opprettet: dt.date
    av: str
    status: CaseStatus = CaseStatus.AAPEN
    steps: tuple[StepRecord, ...] = ()
    tiltak: tuple[Tiltak, ...] = ()
    events: tuple[CaseEvent, ...] = ()
    svar: tuple[tuple[str, str], ...] = ()  # answers typed in the app (question id, answer)
    felt: tuple[tuple[str, str], ...] = ()  # other fields: ledelsens tilbakemelding, plan A/B/C
    stafettholdere: tuple[Stafettholder, ...] = ()  # Strand, BTI c; the last one holds
    oppgaver: tuple[TaskRecord, ...] = ()  # tracked items done (profile: `oppgaver`)

    @property
    def stafettholder(self) -> Stafettholder | None:
        return self.stafettholdere[-1] if self.stafettholdere else None

    def task_record(self, task_id: str) -> TaskRecord | None:
        return next((r for r in reversed(self.oppgaver) if r.oppgave == task_id), None)

    def record(self, step_id: str) -> StepRecord | None:
        """The step's latest record (a step can be taken again: a new three-week cycle)."""
        return next((r for r in reversed(self.steps) if r.step == step_id), None)

    @property
    def is_open(self) -> bool:
        return self.status is CaseStatus.AAPEN


@dataclass(frozen=True, slots=True)
class StepState:
    step: StepDef
    record: StepRecord | None
    frist: dt.date | None
    state: str  # "utfort" | "neste" | "senere"
    overdue: bool  # only for the next step: frist < dato


@dataclass(frozen=True, slots=True)
class DueStep:
    case: Case
    step: StepDef
    frist: dt.date
    overdue: bool
