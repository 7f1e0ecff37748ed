"""Rule profiles: the municipality's thresholds and follow-up steps, as TOML data.

`strand` (default) and `hole` ship with the package; a school may point to its own file.
Parsing is pure; `load_profile` is the one place that reads a profile file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fravaer_tui.errors import UserError

RULE_IDS = (
    "ugyldig_fravaer",
    "hoyt_fravaer",
    "forsentkomming",
    "forlater_skolen",
    "sammenhengende_uten_melding",
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
class StepDef:
    id: str
    tittel: str
    hvem: str
    etter: str
    frist_dager: int | None
    vedlegg: tuple[int, ...]
    beskrivelse: str
    naar: str = "innen"  # "innen": must be done by the deadline; "etter": takes place then
    frist_uker: int | None = None  # school weeks: the 5N-th school day after the start
    krever: str = ""  # a rule id: no deadline unless it holds; it counts from the later date
    utfall: tuple[Outcome, ...] = ()

    def outcome(self, text: str) -> Outcome | None:
        """The outcome named `text` (`lost` is taken for `løst`)."""
        wanted = _fold(text)
        return next((o for o in self.utfall if _fold(o.id) == wanted), None)


def _fold(text: str) -> str:
    return text.strip().casefold().replace("ø", "o").replace("æ", "ae").replace("å", "a")


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    navn: str
    rules: tuple[RuleDef, ...]
    steps: tuple[StepDef, ...]

    def rule(self, rule_id: str) -> RuleDef | None:
        return next((r for r in self.rules if r.id == rule_id), None)


class ProfileError(UserError):
    pass


_WINDOW = re.compile(r"^\s*(\d+)\s*(måned|måneder|maaned|maaneder|mnd)\s*$", re.IGNORECASE)


def _window(value: Any, where: str) -> int | None:
    if value == "semester":
        return None
    match = _WINDOW.match(str(value))
    if not match or int(match.group(1)) < 1:
        raise ProfileError(f"{where}: vindu må være «semester» eller «N måneder» (fant «{value}»).")
    return int(match.group(1))


def parse_profile(doc: dict[str, Any], source: str) -> Profile:
    """Build a Profile from a parsed TOML document; errors name the file and the key."""
    profile_id = doc.get("id")
    if not isinstance(profile_id, str) or not profile_id:
        raise ProfileError(f"{source}: mangler «id» (kort navn på profilen).")
    regler = doc.get("regler", {})
    if not isinstance(regler, dict) or not regler:
        raise ProfileError(f"{source}: mangler tabellen [regler.…] med minst én regel.")
    rules = []
    for rule_id in RULE_IDS:  # the order the rules are shown in
        spec = regler.get(rule_id)
        if spec is None:
            continue
        where = f"{source}, [regler.{rule_id}]"
        terskel = spec.get("terskel")
        if isinstance(terskel, bool) or not isinstance(terskel, int | float) or terskel <= 0:
            raise ProfileError(f"{where}: terskel må være et tall større enn 0.")
        rules.append(
            RuleDef(
                id=rule_id,
                tittel=str(spec.get("tittel", rule_id)),
                beskrivelse=str(spec.get("beskrivelse", "")),
                maaneder=_window(spec.get("vindu", "semester"), where),
                terskel=float(terskel),
                enhet=str(spec.get("enhet", "")),
                tiltak=str(spec.get("tiltak", "")),
                permisjon_teller=bool(spec.get("permisjon_teller", True)),
                permisjon_tiltak=str(spec.get("permisjon_tiltak", "")),
            )
        )
    unknown = sorted(set(regler) - set(RULE_IDS))
    if unknown:
        raise ProfileError(
            f"{source}: ukjent regel «{unknown[0]}». Kjente regler: {', '.join(RULE_IDS)}."
        )
    steps = []
    known_steps = {"varsel"}
    for i, spec in enumerate(doc.get("trinn", []), start=1):
        where = f"{source}, trinn nr. {i}"
        step_id, etter = spec.get("id"), spec.get("etter", "varsel")
        if not isinstance(step_id, str) or not step_id:
            raise ProfileError(f"{where}: mangler «id».")
        if etter not in known_steps:
            raise ProfileError(f"{where}: «etter» peker på ukjent trinn «{etter}».")
        frist = spec.get("frist_dager")
        if frist is not None and (not isinstance(frist, int) or frist < 0):
            raise ProfileError(f"{where}: frist_dager må være et helt tall ≥ 0.")
        if spec.get("hvem", "kontaktlaerer") not in ROLES:
            raise ProfileError(f"{where}: hvem må være en av {', '.join(ROLES)}.")
        naar = spec.get("naar", "innen")
        if naar not in NAAR:
            raise ProfileError(f"{where}: naar må være «innen» eller «etter» (fant «{naar}»).")
        uker = spec.get("frist_uker")
        if uker is not None and (isinstance(uker, bool) or not isinstance(uker, int) or uker < 0):
            raise ProfileError(f"{where}: frist_uker må være et helt tall ≥ 0.")
        krever = spec.get("krever", "")
        if krever and krever not in RULE_IDS:
            raise ProfileError(f"{where}: krever «{krever}» er ingen kjent regel.")
        utfall = _outcomes(spec.get("utfall", []), where)
        steps.append(
            StepDef(
                id=step_id,
                tittel=str(spec.get("tittel", step_id)),
                hvem=str(spec.get("hvem", "kontaktlaerer")),
                etter=etter,
                frist_dager=frist,
                vedlegg=tuple(int(v) for v in spec.get("vedlegg", [])),
                beskrivelse=str(spec.get("beskrivelse", "")),
                naar=naar,
                frist_uker=uker,
                krever=str(krever),
                utfall=utfall,
            )
        )
        known_steps.add(step_id)
    for number, step in enumerate(steps, start=1):
        for outcome in step.utfall:
            if outcome.neste and outcome.neste not in known_steps:
                raise ProfileError(
                    f"{source}, trinn nr. {number}: utfall «{outcome.id}» peker på ukjent "
                    f"trinn «{outcome.neste}»."
                )
    return Profile(
        id=profile_id, navn=str(doc.get("navn", profile_id)), rules=tuple(rules), steps=tuple(steps)
    )


def _outcomes(value: Any, where: str) -> tuple[Outcome, ...]:
    if not isinstance(value, list):
        raise ProfileError(f"{where}: utfall må være en liste av {{ id, tittel, neste }}.")
    found = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise ProfileError(f"{where}: hvert utfall må ha en «id».")
        found.append(
            Outcome(
                str(item["id"]), str(item.get("tittel", item["id"])), str(item.get("neste", ""))
            )
        )
    return tuple(found)


def load_profile(spec: str, base: Path | None = None) -> Profile:
    """`strand`, `hole`, or a path to a TOML file (relative paths from `base`)."""
    if spec in BUILTIN:
        source = f"{spec}.toml"
        text = (
            resources.files("fravaer_tui.domain.builtin_profiles")
            .joinpath(source)
            .read_text("utf-8")
        )
    else:
        path = Path(spec).expanduser()
        if not path.is_absolute() and base is not None:
            path = base / path
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ProfileError(
                f"Fant ikke regelprofilen «{spec}». Bruk strand, hole eller stien til en TOML-fil."
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ProfileError(f"Kunne ikke lese regelprofilen {path}: {exc}.") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: ugyldig TOML ({exc}).") from None
    return parse_profile(doc, source)
