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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from fravaer_tui.domain.consent import Service, parse_service
from fravaer_tui.domain.model import Registration, Roster
from fravaer_tui.domain.profiles import Outcome, Profile, StepDef, TaskDef
from fravaer_tui.domain.rules import Lessons, day_fractions
from fravaer_tui.domain.schoolcalendar import ONE_DAY, SchoolCalendar, format_date
from fravaer_tui.domain.validate import check_name, check_text
from fravaer_tui.domain.words import format_day_month, one_decimal, percent_half_up

# Strand, Vedlegg 5: Tips til tiltak som kan settes inn ("Listen ... er ikke uttømmende":
# tiltak may also be typed). Texts as in the seed, only the PDF's line breaks joined.
VEDLEGG5_TILTAK: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Aktuelle tiltak knyttet til skolehverdagen",
        (
            "Kartleggingssamtalene jf. vedlegg 1 og 2.",
            "Utforme skolenærværsplan jf. vedlegg 4.",
            "Innhente informasjon fra andre instanser som er i kontakt med eleven (husk samtykke).",
            "Etablere/videreføre positive relasjoner til voksenpersoner på skolen for å skape "
            "trygghet for eleven.",
            "Informere klassen og andre lærere etter avtale med elev og foresatte, om at det "
            "ikke skal stilles spørsmål ved fraværet.",
            "Ha jevnlig kontakt med eleven for emosjonell støtte, også når eleven ikke møter "
            "på skolen.",
            "Samarbeide med eleven rundt faglig tilrettelegging, spørre eleven til råds.",
            "Sørge for tilpasset opplæring og legge vekt på fag som mestres.",
            "Etablere systemer for å ivareta forutsigbarhet og struktur i skolehverdagen "
            "for eleven.",
            "Forberede og informere eleven ved endringer i dagsrutinene.",
            "Tenke over elevens plassering i klasserommet.",
            "Møte eleven i skolegården eller på annet avtalt sted om morgenen for å følge til "
            "klasserommet",
            "Ha alltid en plan B dersom eleven ikke klarer å møte på skolen som avtalt "
            "(jf. skolenærværsplanen)",
            "Sørge for at eleven opprettholder sosial kontakt med medelever både på skolen "
            "dersom eleven er utrygg og dersom eleven er hjemme.",
            "Gi forutsigbarhet i friminutt ved f.eks. igangsetting av aktiviteter",
            "Hjelpe til med å organisere at eleven har noen å gå sammen med til/fra skolen",
            "Vurdere fortløpende behov for samarbeid med andre instanser og behov for videre "
            "henvisning",
        ),
    ),
    (
        "Aktuelle tiltak knyttet til hjem-skole samarbeidet",
        (
            "Ha åpen og jevnlig dialog med foresatte",
            "Informere foresatte om hva bekymringsfullt fravær er og gi informasjon om hvordan "
            "skolen jobber med dette (rutiner/tiltak)",
            "Trygge foresatte på at skolen gjør sitt beste",
            "Anerkjenne foresattes tanker/ideer/bekymringer/utfordringer",
            "Vise fleksibilitet og tilpasningsevne fra skolens side i forslag til tiltak som "
            "skal bedre situasjonen for eleven.",
            "Ved store utfordringer med å få elev på skolen kan skolen tilby at en fra skolen "
            "(kontaktlærer, miljøterapeut e.l.) møter eleven på skoleveien eller hjemme.",
        ),
    ),
)


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
class Effect:
    """Absence before vs after, as shares of held lessons (0–100 %) and absence days."""

    for_fra: dt.date
    for_til: dt.date
    etter_fra: dt.date
    etter_til: dt.date
    for_prosent: float
    etter_prosent: float
    for_dager: float
    etter_dager: float

    @property
    def endring(self) -> float:
        """Percentage points; negative = less absence after."""
        return round(self.etter_prosent - self.for_prosent, 2)

    def sentence(self) -> str:
        """Plain Norwegian, one decimal, as it would go into an evaluation note."""
        for_, etter = percent_half_up(self.for_prosent), percent_half_up(self.etter_prosent)
        perioder = (
            f"(før: {format_day_month(self.for_fra)}–{format_day_month(self.for_til)}, "
            f"etter: {format_day_month(self.etter_fra)}–{format_day_month(self.etter_til)})"
        )
        shown_before, shown_after = one_decimal(self.for_prosent), one_decimal(self.etter_prosent)
        if shown_after < shown_before:
            return f"Fraværet gikk ned fra {for_} til {etter} av timene {perioder}."
        if shown_after > shown_before:
            return f"Fraværet gikk opp fra {for_} til {etter} av timene {perioder}."
        return f"Fraværet var uendret, {etter} av timene {perioder}."


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


# --- the case and its steps ----------------------------------------------------------------


def open_case(
    alert_elev: str,
    klasse: str,
    regel: str,
    varsel_dato: dt.date,
    profile: Profile,
    dato: dt.date,
    av: str,
    case_id: str,
) -> Case:
    """A new open case for the student an alert is about, following `profile`."""
    return Case(
        id=case_id,
        elev=alert_elev,
        klasse=klasse,
        profil=profile.id,
        regel=regel,
        varsel_dato=varsel_dato,
        opprettet=dato,
        av=av,
        events=(CaseEvent("opprettet", dato, av),),
    )


def _successor(profile: Profile, step: StepDef, record: StepRecord) -> StepDef | None:
    """The step after `step` was recorded: its outcome's step, or the profile's next one."""
    if step.utfall:
        outcome = step.outcome(record.utfall)
        if outcome is None or not outcome.neste:
            return None
        return _step_by_id(profile, outcome.neste)
    index = profile.steps.index(step)
    return profile.steps[index + 1] if index + 1 < len(profile.steps) else None


def _step_by_id(profile: Profile, step_id: str) -> StepDef | None:
    return next((s for s in profile.steps if s.id == step_id), None)


@dataclass(frozen=True, slots=True)
class _Position:
    """Where the walk through a case's records stands: the step due and how it was reached."""

    step: StepDef | None
    via: StepRecord | None  # the record whose outcome led here (its date is the start)


def _walk(case: Case, profile: Profile) -> tuple[list[tuple[StepDef, _Position]], _Position]:
    """Each record with the position it was taken at, and the position after the last."""
    pos = _Position(profile.steps[0] if profile.steps else None, None)
    taken: list[tuple[StepDef, _Position]] = []
    for record in case.steps:
        step = pos.step if pos.step is not None and pos.step.id == record.step else None
        if step is None:  # recorded under an older version of the profile: follow it
            step = _step_by_id(profile, record.step)
            if step is None:
                continue
            pos = _Position(step, None)
        taken.append((step, pos))
        following = _successor(profile, step, record)
        pos = _Position(following, record if step.utfall and following is not None else None)
    return taken, pos


def next_step(case: Case, profile: Profile) -> StepDef | None:
    """The step to take next (whatever the case's status); None when the routine is done."""
    return _walk(case, profile)[1].step


def record_step(
    case: Case,
    profile: Profile,
    step_id: str,
    dato: dt.date,
    av: str,
    notat: str = "",
    effect: Effect | None = None,
    utfall: str = "",
    deltakere: Iterable[str] = (),
    tjenester: Iterable[str | Service] = (),
) -> Case:
    """Record that the next step was done; anything else raises ValueError in Norwegian.

    A step that decides an outcome must be given one of its outcomes (`utfall`).
    `deltakere`: who took part (names or roles); `tjenester`: the services it brought in."""
    _require_open(case, "føre trinn")
    if case.profil != profile.id:
        raise ValueError(f"Saken følger regelprofilen «{case.profil}», ikke «{profile.id}».")
    step = _step_by_id(profile, step_id)
    if step is None:
        raise ValueError(f"Ukjent trinn «{step_id}» i regelprofilen «{profile.id}».")
    wanted = next_step(case, profile)
    if wanted is None:
        raise ValueError("Alle trinnene i saken er ført; det er ingen flere trinn å føre.")
    if wanted.id != step_id:
        done = case.record(step_id)
        if done is not None and profile.steps.index(step) < profile.steps.index(wanted):
            raise ValueError(f"«{step.tittel}» er allerede ført ({format_date(done.dato)}).")
        raise ValueError(f"«{step.tittel}» kan ikke føres før «{wanted.tittel}» er ført.")
    if case.steps and dato < case.steps[-1].dato:
        raise ValueError(
            f"Datoen {format_date(dato)} er før forrige trinn ({format_date(case.steps[-1].dato)})."
        )
    chosen = _outcome(step, utfall)
    check_text(notat, "notatet")
    record = StepRecord(
        step=step_id,
        dato=dato,
        av=av,
        notat=notat,
        effect=effect,
        utfall=chosen.id if chosen else "",
        deltakere=_participants(deltakere),
        tjenester=_service_list(tjenester),
    )
    return replace(case, steps=(*case.steps, record))


def _participants(names: Iterable[str]) -> tuple[str, ...]:
    found = []
    for name in names:
        name = " ".join(name.split())
        if name:
            found.append(check_name(name, "en deltaker"))
    return tuple(dict.fromkeys(found))


def _service_list(services: Iterable[str | Service]) -> tuple[Service, ...]:
    found = [s if isinstance(s, Service) else parse_service(s) for s in services]
    return tuple(dict.fromkeys(found))


def set_stafettholder(case: Case, hvem: str, fra: dt.date, av: str) -> Case:
    """Strand, BTI c: name the stafettholder from `fra` (a later one takes over)."""
    _require_open(case, "utpeke stafettholder")
    hvem = " ".join(hvem.split())
    if not hvem:
        raise ValueError("Skriv hvem som er stafettholder (navn og tjeneste).")
    check_name(hvem, "stafettholderen")
    current = case.stafettholder
    if current is not None and fra < current.fra:
        raise ValueError(
            f"{format_date(fra)} er før dagens stafettholder tok over ({format_date(current.fra)})."
        )
    return replace(case, stafettholdere=(*case.stafettholdere, Stafettholder(hvem, fra, av)))


def _outcome(step: StepDef, utfall: str) -> Outcome | None:
    if not step.utfall:
        if utfall.strip():
            raise ValueError(f"«{step.tittel}» har ikke noe utfall å velge (fikk «{utfall}»).")
        return None
    choices = ", ".join(o.id for o in step.utfall)
    if not utfall.strip():
        raise ValueError(f"«{step.tittel}» avgjør et utfall: velg ett av {choices}.")
    chosen = step.outcome(utfall)
    if chosen is None:
        raise ValueError(f"Ukjent utfall «{utfall}» for «{step.tittel}». Velg ett av {choices}.")
    return chosen


def add_tiltak(case: Case, tiltak: Tiltak) -> Case:
    """Add a tiltak (from Vedlegg 5 or typed); ValueError if the case is closed or it is unclear."""
    _require_open(case, "legge til tiltak")
    if not tiltak.hva.strip():
        raise ValueError("Skriv hva tiltaket går ut på.")
    if tiltak.uker < 1:
        raise ValueError("Et tiltak må prøves ut i minst én uke.")
    if any(t.id == tiltak.id for t in case.tiltak):
        raise ValueError(f"Saken har allerede et tiltak med id «{tiltak.id}».")
    return replace(case, tiltak=(*case.tiltak, tiltak))


def close_case(case: Case, dato: dt.date, av: str, notat: str = "") -> Case:
    if not case.is_open:
        raise ValueError("Saken er allerede lukket.")
    event = CaseEvent("lukket", dato, av, notat)
    return replace(case, status=CaseStatus.LUKKET, events=(*case.events, event))


def reopen_case(case: Case, dato: dt.date, av: str, notat: str = "") -> Case:
    """Open a closed case again; its steps, tiltak and events are kept."""
    if case.is_open:
        raise ValueError("Saken er ikke lukket.")
    event = CaseEvent("gjenapnet", dato, av, notat)
    return replace(case, status=CaseStatus.AAPEN, events=(*case.events, event))


def _require_open(case: Case, what: str) -> None:
    if not case.is_open:
        raise ValueError(f"Saken er lukket. Gjenåpne den for å {what}.")


# --- tracked items beside the steps (issue 13) ---------------------------------------------


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
    taken, pos = _walk(case, profile)
    records = [r for r in case.steps if _step_by_id(profile, r.step) is not None]
    reached: list[tuple[StepDef, dt.date | None]] = []
    before: list[StepRecord] = []
    for (step, at), record in zip(taken, records, strict=True):
        reached.append((step, _start(case, step, at, before)))
        before.append(record)
    if pos.step is not None and case.is_open:
        reached.append((pos.step, _start(case, pos.step, pos, before)))
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
    _require_open(case, "føre oppgaver")
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


# --- deadlines and the staircase -----------------------------------------------------------


def _start(case: Case, step: StepDef, pos: _Position, before: list[StepRecord]) -> dt.date | None:
    """The date the step's time counts from, given the records taken before it."""
    if pos.via is not None:
        return pos.via.dato
    if step.etter == "varsel":
        return case.varsel_dato
    return next((r.dato for r in reversed(before) if r.step == step.etter), None)


def _frist(
    case: Case,
    step: StepDef,
    pos: _Position,
    before: list[StepRecord],
    calendar: SchoolCalendar,
    held: Mapping[str, dt.date] | None,
) -> dt.date | None:
    if step.frist_dager is None and step.frist_uker is None:
        return None
    start = _start(case, step, pos, before)
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
    taken, pos = _walk(case, profile)
    states: list[StepState] = []
    records = [r for r in case.steps if _step_by_id(profile, r.step) is not None]
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


# --- the effect of tiltak ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Absent:
    """What `rules.day_fractions` reads from an absence: its date, class and period."""

    dato: dt.date
    klasse: str
    time: int


def effect_of(
    elev: str,
    klasse: str,
    roster: Roster,
    calendar: SchoolCalendar,
    registrations: Iterable[Registration],
    skille: dt.date,
    dager: int,
    til: dt.date | None = None,
) -> Effect:
    """Absence in the `dager` calendar days before `skille` vs from `skille` on.

    The after-window is `dager` days from `skille`, cut at `til` (e.g. the evaluation
    date). Prosent = the student's absent lessons (fravær, forlot) in `klasse`'s lessons ÷
    that class's lessons on school days in the window, registered or not; dager = absence
    days as the rules count them (`rules.day_fractions`).
    ValueError if a window holds no lessons (a share of nothing says nothing).
    """
    if dager < 1:
        raise ValueError("Perioden må være minst én dag.")
    for_fra, for_til = skille - dt.timedelta(days=dager), skille - ONE_DAY
    etter_til = skille + dt.timedelta(days=dager - 1)
    if til is not None:
        if til < skille:
            raise ValueError(
                f"Perioden etter tiltaket starter {format_date(skille)}, "
                f"etter sluttdatoen {format_date(til)}."
            )
        etter_til = min(etter_til, til)
    regs = [r for r in registrations if for_fra <= r.dato <= etter_til]
    lessons = Lessons(roster, calendar, regs)
    absent = {
        _Absent(r.dato, r.klasse, r.time)
        for r in regs
        if r.klasse == klasse
        and calendar.is_school_day(r.dato)
        and (mark := r.mark_for(elev)) is not None
        and mark.is_absence
    }
    fractions = day_fractions(absent, lessons)  # type: ignore[arg-type]  # duck-typed entries

    def window(fra: dt.date, to: dt.date) -> tuple[float, float]:
        held = lessons.held(klasse, fra, to)
        if not held:
            raise ValueError(
                f"{klasse} har ingen timer {format_date(fra)}–{format_date(to)}; "
                "velg en annen periode."
            )
        missed = sum(1 for a in absent if fra <= a.dato <= to)
        days = sum(v for d, v in fractions.items() if fra <= d <= to)
        return round(min(100.0, 100.0 * missed / held), 2), round(days, 2)

    for_prosent, for_dager = window(for_fra, for_til)
    etter_prosent, etter_dager = window(skille, etter_til)
    return Effect(
        for_fra=for_fra,
        for_til=for_til,
        etter_fra=skille,
        etter_til=etter_til,
        for_prosent=for_prosent,
        etter_prosent=etter_prosent,
        for_dager=for_dager,
        etter_dager=etter_dager,
    )
