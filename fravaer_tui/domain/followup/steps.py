"""Taking a case's steps one at a time, and the case's other changes: tiltak, the
stafettholder, closing and reopening (the routine's order is in the package docstring)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from fravaer_tui.domain.consent import Service, parse_service
from fravaer_tui.domain.followup.case import (
    Case,
    CaseEvent,
    CaseStatus,
    Stafettholder,
    StepRecord,
    Tiltak,
)
from fravaer_tui.domain.followup.effect import Effect
from fravaer_tui.domain.profiles import Outcome, Profile, StepDef
from fravaer_tui.domain.schoolcalendar import format_date
from fravaer_tui.domain.validate import check_name, check_text


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
        return step_by_id(profile, outcome.neste)
    index = profile.steps.index(step)
    return profile.steps[index + 1] if index + 1 < len(profile.steps) else None


def step_by_id(profile: Profile, step_id: str) -> StepDef | None:
    return next((s for s in profile.steps if s.id == step_id), None)


@dataclass(frozen=True, slots=True)
class Position:
    """Where the walk through a case's records stands: the step due and how it was reached."""

    step: StepDef | None
    via: StepRecord | None  # the record whose outcome led here (its date is the start)


def walk(case: Case, profile: Profile) -> tuple[list[tuple[StepDef, Position]], Position]:
    """Each record with the position it was taken at, and the position after the last."""
    pos = Position(profile.steps[0] if profile.steps else None, None)
    taken: list[tuple[StepDef, Position]] = []
    for record in case.steps:
        step = pos.step if pos.step is not None and pos.step.id == record.step else None
        if step is None:  # recorded under an older version of the profile: follow it
            step = step_by_id(profile, record.step)
            if step is None:
                continue
            pos = Position(step, None)
        taken.append((step, pos))
        following = _successor(profile, step, record)
        pos = Position(following, record if step.utfall and following is not None else None)
    return taken, pos


def next_step(case: Case, profile: Profile) -> StepDef | None:
    """The step to take next (whatever the case's status); None when the routine is done."""
    return walk(case, profile)[1].step


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
    require_open(case, "føre trinn")
    if case.profil != profile.id:
        raise ValueError(f"Saken følger regelprofilen «{case.profil}», ikke «{profile.id}».")
    step = step_by_id(profile, step_id)
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
    require_open(case, "utpeke stafettholder")
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
    require_open(case, "legge til tiltak")
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


def require_open(case: Case, what: str) -> None:
    if not case.is_open:
        raise ValueError(f"Saken er lukket. Gjenåpne den for å {what}.")
