"""What a profile is: its rules, steps, tasks, outcomes and reviews as values, and the ids
and limits a profile file's values are drawn from."""

from __future__ import annotations

from dataclasses import dataclass

from fravaer_tui.domain.consent import Service
from fravaer_tui.errors import UserError

RULE_IDS = (
    "ugyldig_fravaer",
    "hoyt_fravaer",
    "forsentkomming",
    "forlater_skolen",
    "sammenhengende_uten_melding",
    "langvarig_kjent_aarsak",  # Hole, rutinepunkt 3 (issue 13)
    "mangler_utstyr",  # Hole: «om utstyr (f.eks. gymtøy) til stadighet mangler»
)
BUILTIN = ("strand", "hole")
ROLES = ("kontaktlaerer", "ledelse", "faglaerer")
NAAR = ("innen", "etter")  # a step's deadline: done by then, or happens after then


@dataclass(frozen=True, slots=True)
class RuleDef:
    id: str
    tittel: str
    beskrivelse: str
    maaneder: int | None  # None = the check date's semester
    terskel: float
    enhet: str
    tiltak: str
    permisjon_teller: bool = True
    # Hole, rutinepunkt 4: the action when innvilget permisjon alone reaches the threshold
    permisjon_tiltak: str = ""

    @property
    def vindu_tekst(self) -> str:
        if self.maaneder is None:
            return "semesteret"
        return "1 måned" if self.maaneder == 1 else f"{self.maaneder} måneder"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a step decides (Hole's evaluation: løst, ny_plan, aktiv_oppfolging) and the
    step it leads to (`neste`, "" = no further step)."""

    id: str
    tittel: str
    neste: str = ""


@dataclass(frozen=True, slots=True)
class TaskDef:
    """A tracked item beside a step (issue 13), due from the step's start: Strand's
    «Elev og foresatte tilbys også innen 14 dager samtale med helsesykepleier» (Ledelsens
    ansvar d), «Fraværet drøftes med helsesykepleier» (b), «saksbehandler ved PPT ...
    varslet» (c). `samtykke`: the services it brings in (consent shown and warned)."""

    id: str
    tittel: str
    frist_dager: int | None = None
    samtykke: tuple[Service, ...] = ()
    utfall: tuple[Outcome, ...] = ()
    beskrivelse: str = ""

    def outcome(self, text: str) -> Outcome | None:
        wanted = _fold(text)
        return next((o for o in self.utfall if _fold(o.id) == wanted), None)


@dataclass(frozen=True, slots=True)
class StepDef:
    id: str
    tittel: str
    hvem: str
    etter: str
    frist_dager: int | None
    vedlegg: tuple[str, ...]  # the forms of the step: "1"–"4" (Strand) or a form's name
    beskrivelse: str
    naar: str = "innen"  # "innen": must be done by the deadline; "etter": takes place then
    frist_uker: int | None = None  # school weeks: the 5N-th school day after the start
    krever: str = ""  # a rule id: no deadline unless it holds; it counts from the later date
    utfall: tuple[Outcome, ...] = ()
    samtykke: tuple[Service, ...] = ()  # the services the step brings in («husk samtykke»)
    oppgaver: tuple[TaskDef, ...] = ()  # tracked items that run beside the step

    def outcome(self, text: str) -> Outcome | None:
        """The outcome named `text` (`lost` is taken for `løst`)."""
        wanted = _fold(text)
        return next((o for o in self.utfall if _fold(o.id) == wanted), None)


def _fold(text: str) -> str:
    return text.strip().casefold().replace("ø", "o").replace("æ", "ae").replace("å", "a")


@dataclass(frozen=True, slots=True)
class ReviewDef:
    """A regular review (issue 13): who holds it, how often, what it covers.

    Strand, Ledelsens ansvar a: «Avdelingsledere og rektor drøfter ukentlige meldinger»;
    Hole: «Månedlig gjennomgang av fravær ved kontaktlærer», «To ganger pr semester –
    gjennomgang av fravær på trinn/teamtid med avdelingsleder», «To ganger pr semester –
    ledelsen gjennomgår skolens samlede fravær»."""

    id: str
    tittel: str
    hvem: str  # "kontaktlaerer" | "ledelse"
    hyppighet: str  # "ukentlig" | "maanedlig" | "to_ganger_semester"
    omfang: str  # "klasse" | "trinn" | "skole"
    dekker: tuple[str, ...]  # the figures it needs: REVIEW_FIGURES
    beskrivelse: str = ""


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    navn: str
    rules: tuple[RuleDef, ...]
    steps: tuple[StepDef, ...]
    skjema: tuple[str, ...] = ("1", "2", "3", "4")  # the forms the profile uses
    gjennomganger: tuple[ReviewDef, ...] = ()

    def rule(self, rule_id: str) -> RuleDef | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def step(self, step_id: str) -> StepDef | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def review(self, review_id: str) -> ReviewDef | None:
        return next((r for r in self.gjennomganger if r.id == review_id), None)


class ProfileError(UserError):
    pass


FORM_NUMBERS = (1, 2, 3, 4)  # Strand's vedlegg the app can fill in (templates/vedlegg1–4)
# Every form the app can fill in (documents/forms.py has each): Strand's Vedlegg 1–4 by
# number, Hole's by name (issue 13).
FORM_IDS = ("1", "2", "3", "4", "samarbeidsavtale", "pedagogisk_rapport")
REVIEW_WHO = ("kontaktlaerer", "ledelse")
REVIEW_FREQUENCIES = ("ukentlig", "maanedlig", "to_ganger_semester")
REVIEW_SCOPES = ("klasse", "trinn", "skole")
# What a review looks at: the absence of its scope in its period; the Vedlegg 3 reports
# (meldinger til ledelsen) received in it; open cases and overdue steps.
REVIEW_FIGURES = ("fravaer", "meldinger_ledelsen", "saker")
MAX_WINDOW_MONTHS = 12  # a school year; longer windows reach into years the app does not keep
MAX_THRESHOLD = 1000  # a school year has ~190 days and ~1,100 lessons
MAX_DEADLINE_DAYS = 365
