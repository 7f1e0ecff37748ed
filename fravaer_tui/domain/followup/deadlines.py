"""Deadlines (frist) and the staircase: which step is next, when it is due, and what is
overdue (the rules are in the package docstring)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from fravaer_tui.domain.followup.case import Case, DueStep, StepRecord, StepState
from fravaer_tui.domain.followup.steps import Position, step_by_id, walk
from fravaer_tui.domain.profiles import Profile, StepDef
from fravaer_tui.domain.schoolcalendar import SchoolCalendar, format_date


def step_start(
    case: Case, step: StepDef, pos: Position, before: list[StepRecord]
) -> dt.date | None:
    """The date the step's time counts from, given the records taken before it."""
    if pos.via is not None:
        return pos.via.dato
    if step.etter == "varsel":
        return case.varsel_dato
    return next((r.dato for r in reversed(before) if r.step == step.etter), None)


def _frist(
    case: Case,
    step: StepDef,
    pos: Position,
    before: list[StepRecord],
    calendar: SchoolCalendar,
    held: Mapping[str, dt.date] | None,
) -> dt.date | None:
    if step.frist_dager is None and step.frist_uker is None:
        return None
    start = step_start(case, step, pos, before)
    if start is None:
        return None
    if step.krever:
        first_held = (held or {}).get(step.krever)
        if first_held is None:
            return None
        start = max(start, first_held)
    if step.frist_uker is not None and step.naar == "etter":
        return calendar.after_school_weeks(start, step.frist_uker)
    days = step.frist_dager if step.frist_dager is not None else 7 * (step.frist_uker or 0)
    return calendar.within_days(start, days)


def deadline(
    case: Case,
    step: StepDef,
    profile: Profile,
    calendar: SchoolCalendar,
    held: Mapping[str, dt.date] | None = None,
) -> dt.date | None:
    """The step's frist on a school day, or None (see the module docstring for the rules):
    the next step's if `step` is next, else the frist its latest record had.

    `held`: rule id -> the day the student's alert for it first held (Alert.forst), for
    steps that `krever` a rule; without it such a step has no deadline.
    """
    found = None
    for state in staircase(case, profile, calendar, dt.date.max, held):
        if state.step.id != step.id:
            continue
        if state.record is None:
            return state.frist if state.state == "neste" or found is None else found
        found = state.frist
    return found


def staircase(
    case: Case,
    profile: Profile,
    calendar: SchoolCalendar,
    dato: dt.date,
    held: Mapping[str, dt.date] | None = None,
) -> list[StepState]:
    """The steps taken (in order, with the frist each had), the next step and the ones
    ahead of it in the profile (up to a step that decides an outcome); a closed case has
    no "neste"."""
    taken, pos = walk(case, profile)
    states: list[StepState] = []
    records = [r for r in case.steps if step_by_id(profile, r.step) is not None]
    before: list[StepRecord] = []
    for (step, at), record in zip(taken, records, strict=True):
        frist = _frist(case, step, at, before, calendar, held)
        states.append(StepState(step, record, frist, "utfort", False))
        before.append(record)
    step = pos.step
    if step is None:
        return states
    frist = _frist(case, step, pos, before, calendar, held)
    is_next = case.is_open
    states.append(
        StepState(
            step,
            None,
            frist,
            "neste" if is_next else "senere",
            is_next and frist is not None and frist < dato,
        )
    )
    while not step.utfall:
        index = profile.steps.index(step)
        if index + 1 >= len(profile.steps):
            break
        step = profile.steps[index + 1]
        states.append(StepState(step, None, None, "senere", False))
    return states


def due_steps(
    cases: Iterable[Case],
    profile: Profile,
    calendar: SchoolCalendar,
    dato: dt.date,
    horizon_days: int = 0,
    held: Mapping[str, Mapping[str, dt.date]] | None = None,
) -> list[DueStep]:
    """Open cases' next steps due by `dato` + horizon: overdue first, then by frist.

    Only cases that follow `profile` are considered (ask once per profile), and a next
    step without a deadline (e.g. Strand's melding til ledelsen) is never "due".
    `held`: per student, rule id -> the day the rule first held (see `deadline`).
    """
    until = dato + dt.timedelta(days=horizon_days)
    due = []
    for case in cases:
        if not case.is_open or case.profil != profile.id:
            continue
        states = staircase(case, profile, calendar, dato, (held or {}).get(case.elev))
        state = next((s for s in states if s.state == "neste"), None)
        if state is None or state.frist is None:
            continue
        if state.frist <= until:
            due.append(DueStep(case, state.step, state.frist, state.frist < dato))
    due.sort(key=lambda d: (not d.overdue, d.frist, d.case.klasse, d.case.elev, d.case.id))
    return due


_MARKS = {"utfort": "✓", "neste": "▶", "senere": "·"}


def staircase_text(states: list[StepState], navn: Mapping[str, str] | None = None) -> list[str]:
    """One line per step, readable without colour; `navn` maps staff ids to initials."""
    lines = []
    for number, s in enumerate(states, start=1):
        line = f"{_MARKS[s.state]} {number} {s.step.tittel}"
        if s.record is not None:
            who = (navn or {}).get(s.record.av, s.record.av)
            late = s.frist is not None and s.step.naar == "innen" and s.record.dato > s.frist
            extra = f", frist var {format_date(s.frist)}" if late and s.frist else ""
            line += f" – {format_date(s.record.dato)} ({who}{extra})"
            outcome = s.step.outcome(s.record.utfall) if s.record.utfall else None
            if outcome is not None:
                line += f": {outcome.tittel}"
        elif s.frist is not None:
            word = "planlagt" if s.step.naar == "etter" else "frist"
            line += f" – {word} {format_date(s.frist)}"
            if s.overdue:
                line += " (forfalt)"
        lines.append(line)
    return lines
