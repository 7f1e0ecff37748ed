"""The follow-up case (sak) and its steps, driven by the profile (DESIGN, The follow-up routine).

Pure: no I/O and no clock; every function takes the date. A case is a frozen value and each
operation returns a new one, so the store can keep history and the audit log a before/after.

Steps are taken in the profile's order: only the next unrecorded step may be recorded, on a
date no earlier than the step before it. A closed case takes no steps or tiltak until reopened;
reopening keeps everything recorded, and every open/close/reopen is kept as a `CaseEvent`.

Deadlines (frist), all in calendar days, then landed on a school day:
- base date: `case.varsel_dato` when the step's `etter` is "varsel", else the date the step
  named by `etter` was recorded; not recorded yet, or `frist_dager` unset: no deadline (None);
- frist = base + `frist_dager` days; a frist on a school day stays (0 days on a school day is
  that very day: "samme dag");
- `naar = "innen"` (must be done by then): a frist on a non-school day moves back to the
  previous school day, so it stays within the limit (Strand, Kontaktlærers ansvar c: "innen
  1 uke"; Ledelsens ansvar d: "innen 14 dager") — but never before the base date; if that
  would happen, it is the first school day from the base (an alert on a Saturday is due Monday);
- `naar = "etter"` (takes place once the time has passed: "Planen prøves ut i 2 uker før
  evaluering", Strand vedlegg 4; "Evaluering etter tre uker", Hole): a frist on a non-school
  day moves forward to the next school day (a frist in juleferie lands on the first day after).
A step is overdue (forfalt) when it is the next step of an open case and its frist < the date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from fravaer_tui.domain.model import Registration, Roster
from fravaer_tui.domain.profiles import Profile, StepDef
from fravaer_tui.domain.rules import Lessons, day_fractions
from fravaer_tui.domain.schoolcalendar import ONE_DAY, SchoolCalendar, format_date

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
        for_, etter = _percent(self.for_prosent), _percent(self.etter_prosent)
        perioder = (
            f"(før: {_short(self.for_fra)}–{_short(self.for_til)}, "
            f"etter: {_short(self.etter_fra)}–{_short(self.etter_til)})"
        )
        shown_before, shown_after = _one_decimal(self.for_prosent), _one_decimal(self.etter_prosent)
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
    varsel_dato: dt.date  # the alert's first date (Alert.forst): base of step 1's deadline
    opprettet: dt.date
    av: str
    status: CaseStatus = CaseStatus.AAPEN
    steps: tuple[StepRecord, ...] = ()
    tiltak: tuple[Tiltak, ...] = ()
    events: tuple[CaseEvent, ...] = ()
    svar: tuple[tuple[str, str], ...] = ()  # answers typed in the app (question id, answer)
    felt: tuple[tuple[str, str], ...] = ()  # other fields: ledelsens tilbakemelding, plan A/B/C

    def record(self, step_id: str) -> StepRecord | None:
        return next((r for r in self.steps if r.step == step_id), None)

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


def next_step(case: Case, profile: Profile) -> StepDef | None:
    """The first step of the profile not yet recorded (whatever the case's status)."""
    done = {r.step for r in case.steps}
    return next((s for s in profile.steps if s.id not in done), None)


def record_step(
    case: Case,
    profile: Profile,
    step_id: str,
    dato: dt.date,
    av: str,
    notat: str = "",
    effect: Effect | None = None,
) -> Case:
    """Record that the next step was done; anything else raises ValueError in Norwegian."""
    _require_open(case, "føre trinn")
    if case.profil != profile.id:
        raise ValueError(f"Saken følger regelprofilen «{case.profil}», ikke «{profile.id}».")
    step = next((s for s in profile.steps if s.id == step_id), None)
    if step is None:
        raise ValueError(f"Ukjent trinn «{step_id}» i regelprofilen «{profile.id}».")
    done = case.record(step_id)
    if done is not None:
        raise ValueError(f"«{step.tittel}» er allerede ført ({format_date(done.dato)}).")
    wanted = next_step(case, profile)
    if wanted is not None and wanted.id != step_id:
        raise ValueError(f"«{step.tittel}» kan ikke føres før «{wanted.tittel}» er ført.")
    if case.steps and dato < case.steps[-1].dato:
        raise ValueError(
            f"Datoen {format_date(dato)} er før forrige trinn ({format_date(case.steps[-1].dato)})."
        )
    record = StepRecord(step=step_id, dato=dato, av=av, notat=notat, effect=effect)
    return replace(case, steps=(*case.steps, record))


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


# --- deadlines and the staircase -----------------------------------------------------------


def deadline(
    case: Case, step: StepDef, profile: Profile, calendar: SchoolCalendar
) -> dt.date | None:
    """The step's frist on a school day, or None (see the module docstring for the rules).

    `profile` is not read today (the step carries its own rule); it is part of the
    signature so a profile-wide rule can come later without touching the callers.
    """
    if step.frist_dager is None:
        return None
    if step.etter == "varsel":
        base = case.varsel_dato
    else:
        record = case.record(step.etter)
        if record is None:
            return None
        base = record.dato
    frist = base + dt.timedelta(days=step.frist_dager)
    if calendar.is_school_day(frist):
        return frist
    if step.naar == "etter":
        return calendar.next_school_day(frist)
    earlier = calendar.previous_school_day(frist)
    if earlier >= base:
        return earlier
    return base if calendar.is_school_day(base) else calendar.next_school_day(base)


def staircase(
    case: Case, profile: Profile, calendar: SchoolCalendar, dato: dt.date
) -> list[StepState]:
    """Every step of the profile with its record and frist; a closed case has no "neste"."""
    upcoming = next_step(case, profile) if case.is_open else None
    states = []
    for step in profile.steps:
        record = case.record(step.id)
        frist = deadline(case, step, profile, calendar)
        if record is not None:
            state, overdue = "utfort", False
        elif upcoming is not None and step.id == upcoming.id:
            state, overdue = "neste", frist is not None and frist < dato
        else:
            state, overdue = "senere", False
        states.append(StepState(step, record, frist, state, overdue))
    return states


def due_steps(
    cases: Iterable[Case],
    profile: Profile,
    calendar: SchoolCalendar,
    dato: dt.date,
    horizon_days: int = 0,
) -> list[DueStep]:
    """Open cases' next steps due by `dato` + horizon: overdue first, then by frist.

    Only cases that follow `profile` are considered (ask once per profile), and a next
    step without a deadline (e.g. Strand's melding til ledelsen) is never "due".
    """
    until = dato + dt.timedelta(days=horizon_days)
    due = []
    for case in cases:
        if not case.is_open or case.profil != profile.id:
            continue
        step = next_step(case, profile)
        if step is None:
            continue
        frist = deadline(case, step, profile, calendar)
        if frist is not None and frist <= until:
            due.append(DueStep(case, step, frist, frist < dato))
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


def _one_decimal(value: float) -> Decimal:
    """Half up, as a reader rounds (18,25 → 18,3); binary floats would give 18,2."""
    return Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _percent(value: float) -> str:
    return f"{_one_decimal(value)} %".replace(".", ",")


def _short(dato: dt.date) -> str:
    return dato.strftime("%d.%m")
