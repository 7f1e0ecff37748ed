"""The follow-up case (sak) and its steps, driven by the profile (DESIGN, The follow-up routine).

Pure: no I/O and no clock; every function takes the date. A case is a frozen value and each
operation returns a new one, so the store can keep history and the audit log a before/after.

Steps are taken one at a time: only the next step may be recorded, on a date no earlier
than the step before it. The next step after a recorded one is the following step of the
profile, or, for a step that decides an outcome (Hole's evaluation: løst, ny_plan,
aktiv_oppfolging), the step that outcome leads to — `ny_plan` leads to the evaluation
again, a new three-week cycle. A closed case takes no steps or tiltak until reopened;
reopening keeps everything recorded, and every open/close/reopen is kept as a `CaseEvent`.

Deadlines (frist), DESIGN «The follow-up routine»:
- the start: `case.varsel_dato` (the newest incident of the alert that opened the case)
  when the step's `etter` is "varsel"; the date of the step it follows otherwise; for a
  step reached through an outcome, the date that outcome was decided. Not recorded yet:
  no deadline (None);
- `krever = regel` (Strand's kartleggingssamtale: «Dersom en elev har høyt fravær og
  fraværsmønsteret vedvarer ... innen 1 uke»): no deadline unless the rule holds; then it
  counts from the later of the start and the day the rule first held;
- «innen N dager» (`frist_dager`): N calendar days from the start; a last day that is not a
  school day moves forward to the next school day, never backwards (0 days on a school
  day is that very day: "samme dag");
- «etter N uker» (`frist_uker`, Strand vedlegg 4: «Planen prøves ut i 2 uker før
  evaluering»; Hole: «Evaluering etter tre uker»): N school weeks, the 5N-th school day
  after the start — holidays are not trial time.
A step is overdue (forfalt) when it is the next step of an open case and its frist < the date.

The package: `case` (the values), `steps` (taking steps, tiltak, stafettholder, closing),
`deadlines` (frist and the staircase), `tasks` (tracked items beside the steps), `effect`
(absence before and after a date) and `vedlegg5` (Strand's list of tiltak). Import from here.
"""

from fravaer_tui.domain.followup.case import (
    Case,
    CaseEvent,
    CaseStatus,
    DueStep,
    Stafettholder,
    StepRecord,
    StepState,
    TaskRecord,
    Tiltak,
)
from fravaer_tui.domain.followup.deadlines import deadline, due_steps, staircase, staircase_text
from fravaer_tui.domain.followup.effect import Effect, effect_of
from fravaer_tui.domain.followup.steps import (
    add_tiltak,
    close_case,
    next_step,
    open_case,
    record_step,
    reopen_case,
    set_stafettholder,
)
from fravaer_tui.domain.followup.tasks import (
    DueTask,
    TaskState,
    due_tasks,
    record_task,
    task_states,
)
from fravaer_tui.domain.followup.vedlegg5 import VEDLEGG5_TILTAK

__all__ = [
    "VEDLEGG5_TILTAK",
    "Case",
    "CaseEvent",
    "CaseStatus",
    "DueStep",
    "DueTask",
    "Effect",
    "Stafettholder",
    "StepRecord",
    "StepState",
    "TaskRecord",
    "TaskState",
    "Tiltak",
    "add_tiltak",
    "close_case",
    "deadline",
    "due_steps",
    "due_tasks",
    "effect_of",
    "next_step",
    "open_case",
    "record_step",
    "record_task",
    "reopen_case",
    "set_stafettholder",
    "staircase",
    "staircase_text",
    "task_states",
]
