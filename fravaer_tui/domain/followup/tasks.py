"""Tracked items beside the steps (issue 13; profile `oppgaver`): due «innen N dager» from
the start of the step they belong to, like a step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from fravaer_tui.domain.followup.case import Case, StepRecord, TaskRecord
from fravaer_tui.domain.followup.deadlines import step_start
from fravaer_tui.domain.followup.steps import require_open, step_by_id, walk
from fravaer_tui.domain.profiles import Profile, StepDef, TaskDef
from fravaer_tui.domain.schoolcalendar import SchoolCalendar, format_date
from fravaer_tui.domain.validate import check_text


@dataclass(frozen=True, slots=True)
class TaskState:
    task: TaskDef
    step: StepDef  # the step it runs beside
    frist: dt.date | None
    record: TaskRecord | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class DueTask:
    case: Case
    task: TaskDef
    frist: dt.date
    overdue: bool


def _reached(case: Case, profile: Profile) -> list[tuple[StepDef, dt.date | None]]:
    """The steps reached (taken, and the next one of an open case) with each one's start."""
    taken, pos = walk(case, profile)
    records = [r for r in case.steps if step_by_id(profile, r.step) is not None]
    reached: list[tuple[StepDef, dt.date | None]] = []
    before: list[StepRecord] = []
    for (step, at), record in zip(taken, records, strict=True):
        reached.append((step, step_start(case, step, at, before)))
        before.append(record)
    if pos.step is not None and case.is_open:
        reached.append((pos.step, step_start(case, pos.step, pos, before)))
    return reached


def task_states(
    case: Case, profile: Profile, calendar: SchoolCalendar, dato: dt.date
) -> list[TaskState]:
    """The tracked items of the steps reached, once each (the first time their step is
    reached): due «innen N dager» from the step's start, moved forward to a school day."""
    states: list[TaskState] = []
    seen: set[str] = set()
    for step, start in _reached(case, profile):
        for task in step.oppgaver:
            if task.id in seen:
                continue
            seen.add(task.id)
            frist = None
            if start is not None and task.frist_dager is not None:
                frist = calendar.within_days(start, task.frist_dager)
            record = case.task_record(task.id)
            overdue = case.is_open and record is None and frist is not None and frist < dato
            states.append(TaskState(task, step, frist, record, overdue))
    return states


def record_task(
    case: Case,
    profile: Profile,
    task_id: str,
    dato: dt.date,
    av: str,
    utfall: str = "",
    notat: str = "",
) -> Case:
    """Record a tracked item done; it must belong to a step already reached."""
    require_open(case, "føre oppgaver")
    known = {t.id: t for s in profile.steps for t in s.oppgaver}
    task = known.get(task_id)
    if task is None:
        names = ", ".join(known) or "ingen"
        raise ValueError(f"Ukjent oppgave «{task_id}» i regelprofilen (oppgavene: {names}).")
    reached = {t.id for step, _ in _reached(case, profile) for t in step.oppgaver}
    if task_id not in reached:
        owner = next(s for s in profile.steps if task in s.oppgaver)
        raise ValueError(
            f"«{task.tittel}» hører til «{owner.tittel}», som saken ikke er kommet til."
        )
    done = case.task_record(task_id)
    if done is not None:
        raise ValueError(f"«{task.tittel}» er allerede ført ({format_date(done.dato)}).")
    chosen = None
    if task.utfall:
        choices = ", ".join(o.id for o in task.utfall)
        chosen = task.outcome(utfall)
        if chosen is None:
            raise ValueError(f"«{task.tittel}»: velg utfall, ett av {choices} (fikk «{utfall}»).")
    elif utfall.strip():
        raise ValueError(f"«{task.tittel}» har ikke noe utfall å velge (fikk «{utfall}»).")
    check_text(notat, "notatet")
    record = TaskRecord(task_id, dato, av, chosen.id if chosen else "", notat.strip())
    return replace(case, oppgaver=(*case.oppgaver, record))


def due_tasks(
    cases: Iterable[Case],
    profile: Profile,
    calendar: SchoolCalendar,
    dato: dt.date,
    horizon_days: int = 0,
) -> list[DueTask]:
    """Open cases' tracked items with a deadline by `dato` + horizon, not done: overdue
    first, then by frist (like `due_steps`)."""
    until = dato + dt.timedelta(days=horizon_days)
    due = []
    for case in cases:
        if not case.is_open or case.profil != profile.id:
            continue
        for state in task_states(case, profile, calendar, dato):
            if state.record is None and state.frist is not None and state.frist <= until:
                due.append(DueTask(case, state.task, state.frist, state.frist < dato))
    due.sort(key=lambda d: (not d.overdue, d.frist, d.case.klasse, d.case.elev, d.task.id))
    return due
